/**
 * Core Kubernetes kinds, validated with kubernetes-models' generated JSON Schema validators.
 *
 * kubernetes-models ships only ES modules (its package exports have no `require` condition), while
 * this project, jest included, runs CommonJS. So the classes we need are bundled with esbuild (already a
 * dev dependency) into CommonJS and loaded without experimental VM flags. Bundling takes longer than the
 * rest of a small run, so the bundle is cached in `lib/` (see build-cache.ts), keyed by the
 * kubernetes-models version and the kind list and checked against the versions of every package inside
 * it. Kinds missing from `CORE_KINDS` are reported as having no schema, not passed.
 */
import { join } from 'node:path';
import { defaultCacheDir, packageDirs, packageVersion, readEntry, runEntry, writeEntry, type CacheEntry } from './build-cache';
import { projectRoot } from './schema-source';
import { childPath } from './types';
import type { StructuralIssue } from './structural';

interface CoreKind {
  /** kubernetes-models module path (`apps/v1/Deployment`). */
  readonly module: string;
  readonly namespaced: boolean;
}

/** apiVersion/kind -> the model that validates it. */
export const CORE_KINDS: Readonly<Record<string, CoreKind>> = {
  'v1/ConfigMap': { module: 'v1/ConfigMap', namespaced: true },
  'v1/Secret': { module: 'v1/Secret', namespaced: true },
  'v1/Service': { module: 'v1/Service', namespaced: true },
  'v1/ServiceAccount': { module: 'v1/ServiceAccount', namespaced: true },
  'v1/Pod': { module: 'v1/Pod', namespaced: true },
  'v1/Namespace': { module: 'v1/Namespace', namespaced: false },
  'apps/v1/Deployment': { module: 'apps/v1/Deployment', namespaced: true },
  'apps/v1/StatefulSet': { module: 'apps/v1/StatefulSet', namespaced: true },
  'apps/v1/DaemonSet': { module: 'apps/v1/DaemonSet', namespaced: true },
  'batch/v1/Job': { module: 'batch/v1/Job', namespaced: true },
  'autoscaling/v2/HorizontalPodAutoscaler': { module: 'autoscaling/v2/HorizontalPodAutoscaler', namespaced: true },
  'apiregistration.k8s.io/v1/APIService': { module: 'apiregistration.k8s.io/v1/APIService', namespaced: false },
  'policy/v1/PodDisruptionBudget': { module: 'policy/v1/PodDisruptionBudget', namespaced: true },
  'rbac.authorization.k8s.io/v1/Role': { module: 'rbac.authorization.k8s.io/v1/Role', namespaced: true },
  'rbac.authorization.k8s.io/v1/RoleBinding': { module: 'rbac.authorization.k8s.io/v1/RoleBinding', namespaced: true },
  'rbac.authorization.k8s.io/v1/ClusterRole': { module: 'rbac.authorization.k8s.io/v1/ClusterRole', namespaced: false },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': { module: 'rbac.authorization.k8s.io/v1/ClusterRoleBinding', namespaced: false },
  // The CRDs synth writes into its crds/ folder.
  'apiextensions.k8s.io/v1/CustomResourceDefinition': { module: 'apiextensions.k8s.io/v1/CustomResourceDefinition', namespaced: false },
};

interface ModelError {
  readonly instancePath?: string;
  readonly message?: string;
  readonly params?: Record<string, unknown>;
  readonly keyword?: string;
}
type ModelClass = new (data: unknown) => { validate(): void };

type Models = Readonly<Record<string, ModelClass>>;

/** Bumped when the shape of the bundle changes, so older cache entries are not used. */
const BUNDLE_FORMAT = 1;

/** The cache entry for the bundle of `kinds` (module paths, in order) under `dir`. */
export function coreKindsCacheEntry(dir: string, kinds: readonly string[] = Object.values(CORE_KINDS).map((k) => k.module)): CacheEntry {
  const root = projectRoot();
  let version: string | undefined;
  try {
    version = packageVersion(join(require.resolve('kubernetes-models/package.json', { paths: [root] }), '..'));
  } catch {
    version = undefined;
  }
  return { dir, prefix: 'kubernetes-models', root, key: JSON.stringify({ format: BUNDLE_FORMAT, kubernetesModels: version ?? 'unknown', kinds }) };
}

function build(entry: CacheEntry, kinds: readonly string[]): { code: string; packages: string[] } {
  const source = kinds.map((module, index) => `export { ${module.split('/').pop()} as M${index} } from 'kubernetes-models/${module}';`).join('\n');
  // Loaded here only: a run that finds the bundle cached does not pay for loading esbuild.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildSync } = require('esbuild') as typeof import('esbuild');
  const output = buildSync({
    stdin: { contents: source, resolveDir: entry.root, loader: 'js' },
    absWorkingDir: entry.root,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return { code: output.outputFiles[0].text, packages: packageDirs(Object.keys(output.metafile.inputs)) };
}

export interface LoadedModels {
  readonly models: Models;
  /** `cache` when a trusted cache entry was used, `built` when esbuild ran. */
  readonly source: 'cache' | 'built';
}

function exportsAll(exports: Record<string, unknown>, count: number): boolean {
  return Array.from({ length: count }, (_, i) => exports[`M${i}`]).every((m) => typeof m === 'function');
}

/** Loads the model classes of `CORE_KINDS` from the cache in `dir`, building (and caching) the bundle when needed. */
export function loadCoreModels(dir: string = defaultCacheDir()): LoadedModels {
  const keys = Object.keys(CORE_KINDS);
  const kinds = keys.map((key) => CORE_KINDS[key].module);
  const entry = coreKindsCacheEntry(dir, kinds);
  const toModels = (exports: Record<string, unknown>): Models => Object.fromEntries(keys.map((key, index) => [key, exports[`M${index}`] as ModelClass]));
  const cached = readEntry(entry);
  if (cached !== undefined) {
    try {
      const exports = runEntry(entry, cached, require);
      if (exportsAll(exports, keys.length)) return { models: toModels(exports), source: 'cache' };
    } catch {
      // A cache entry that does not run is rebuilt below.
    }
  }
  const { code, packages } = build(entry, kinds);
  writeEntry(entry, code, packages);
  return { models: toModels(runEntry(entry, code, require)), source: 'built' };
}

let models: Models | undefined;

function loadModels(): Models {
  models ??= loadCoreModels().models;
  return models;
}


export function coreKind(apiVersion: string, kind: string): CoreKind | undefined {
  return CORE_KINDS[`${apiVersion}/${kind}`];
}

function pathOf(error: ModelError): string {
  const segments = (error.instancePath ?? '').split('/').filter((s) => s !== '');
  let path = segments.reduce<string>((acc, s) => childPath(acc, /^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')), '');
  if (error.keyword === 'required' && typeof error.params?.missingProperty === 'string') path = childPath(path, error.params.missingProperty);
  return path === '' ? '(object)' : path;
}

/** Validates a core object; returns its schema errors (empty when valid). */
export function validateCoreObject(apiVersion: string, kind: string, object: unknown): StructuralIssue[] {
  const Model = loadModels()[`${apiVersion}/${kind}`];
  if (!Model) return [{ path: 'kind', message: `no schema known for ${apiVersion} ${kind}` }];
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    const errors = (error as { errors?: readonly ModelError[] }).errors;
    if (!Array.isArray(errors)) return [{ path: '(object)', message: (error as Error).message }];
    return errors.map((e) => ({ path: pathOf(e), message: e.keyword === 'required' ? 'is required' : (e.message ?? 'is invalid') }));
  }
}
