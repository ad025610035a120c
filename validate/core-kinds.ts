/**
 * Core Kubernetes kinds, validated with kubernetes-models' generated JSON Schema validators.
 *
 * kubernetes-models ships only ES modules (its package exports have no `require` condition), while
 * this project, jest included, runs CommonJS. So the classes we need are bundled once per process with
 * esbuild (already a dev dependency) into CommonJS text and loaded in memory: no files written, no
 * experimental VM flags. Kinds missing from `CORE_KINDS` are reported as having no schema, not passed.
 */
import { buildSync } from 'esbuild';
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
  'policy/v1/PodDisruptionBudget': { module: 'policy/v1/PodDisruptionBudget', namespaced: true },
  'rbac.authorization.k8s.io/v1/Role': { module: 'rbac.authorization.k8s.io/v1/Role', namespaced: true },
  'rbac.authorization.k8s.io/v1/RoleBinding': { module: 'rbac.authorization.k8s.io/v1/RoleBinding', namespaced: true },
  'rbac.authorization.k8s.io/v1/ClusterRole': { module: 'rbac.authorization.k8s.io/v1/ClusterRole', namespaced: false },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': { module: 'rbac.authorization.k8s.io/v1/ClusterRoleBinding', namespaced: false },
};

interface ModelError {
  readonly instancePath?: string;
  readonly message?: string;
  readonly params?: Record<string, unknown>;
  readonly keyword?: string;
}
type ModelClass = new (data: unknown) => { validate(): void };

let models: Readonly<Record<string, ModelClass>> | undefined;

function loadModels(): Readonly<Record<string, ModelClass>> {
  if (models) return models;
  const entries = Object.entries(CORE_KINDS);
  const source = entries.map(([, kind], index) => `export { ${kind.module.split('/').pop()} as M${index} } from 'kubernetes-models/${kind.module}';`).join('\n');
  const output = buildSync({
    stdin: { contents: source, resolveDir: projectRoot(), loader: 'js' },
    bundle: true,
    format: 'cjs',
    platform: 'node',
    write: false,
    logLevel: 'silent',
  });
  const module = { exports: {} as Record<string, ModelClass> };
  new Function('module', 'exports', 'require', output.outputFiles[0].text)(module, module.exports, require);
  models = Object.fromEntries(entries.map(([key], index) => [key, module.exports[`M${index}`]]));
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
