/**
 * The validator's entry points: one object at a time against its pinned schema, then the whole set
 * against each other. Problems are collected, never thrown, so one run lists everything wrong.
 */
import { DEFAULT_HF_TOKEN_SECRET, extensionRelease, inferencePoolCrd, type DeploymentSpec } from '../spec';
import type { CheckContext, ExternalRef } from './checks/context';
import { checkInferenceModelRewrites, checkInferenceModels, checkInferenceObjectives, checkInferencePools } from './checks/inference';
import { checkBindings } from './checks/rbac';
import { checkPolicies, checkRoutes, checkRoutingExtensions } from './checks/routing';
import { checkAutoscalers } from './checks/autoscalers';
import { checkGpuPlacement, checkMountedFiles, checkReferencedObjects, checkSelectors, checkVllmArgs } from './checks/workloads';
import { coreKind, validateCoreObject } from './core-kinds';
import { crdRegistry, type CrdRegistry } from './crds';
import { VerdictCache } from './cel-cache';
import { validateCustomResource } from './custom-resources';
import { checkMetadata } from './metadata';
import { readManifestDirectory } from './manifest-files';
import { checkPinnedCrds } from './pinned-crds';
import { groupOf, ObjectSet, type Entry } from './object-set';
import { loadValidatorSchemaTexts, validatorSchemaTexts } from './schema-bundle';
import type { SchemaSourceOptions, SchemaTexts } from './schema-source';
import type { StructuralIssue } from './structural';
import { asRecord, asString, isRecord, withoutSecretValues, type Problem, type SkippedRule, type SourcedObject } from './types';

export interface ValidateOptions extends SchemaSourceOptions {
  /** Enables the checks that need the deployment spec (GPU fit and accelerator). @default those checks are skipped */
  readonly spec?: DeploymentSpec;
  /** Secrets and ConfigMaps that exist outside the manifests. @default the HF token Secret(s) */
  readonly externals?: readonly ExternalRef[];
  /** Already loaded schema texts (skips the lookup). */
  readonly schemas?: SchemaTexts;
  /** Verdicts of CEL rules remembered across runs (the command line loads and saves them). @default in memory */
  readonly verdicts?: VerdictCache;
}

/** Verdicts remembered for the life of the process when the caller brings no cache of its own. */
const processVerdicts = new VerdictCache();

export interface ValidationReport {
  readonly problems: readonly Problem[];
  /** CEL rules not evaluated, one per rule and reason (see KUBERNETES_ONLY_CEL). */
  readonly skippedRules: readonly SkippedRule[];
  readonly objectCount: number;
}

/** The HF token Secret is created by hand or by `pulumi up` from a secret config value, never synthesized. */
export const HF_TOKEN_SECRET = DEFAULT_HF_TOKEN_SECRET;

export function defaultExternals(spec: DeploymentSpec | undefined): ExternalRef[] {
  const externals: ExternalRef[] = [{ kind: 'Secret', name: HF_TOKEN_SECRET }];
  for (const pool of spec?.pools ?? []) externals.push({ kind: 'Secret', name: pool.modelServer.hfTokenSecret, namespace: spec?.namespace });
  return externals;
}

interface Checked {
  readonly entry?: Entry;
  readonly issues: StructuralIssue[];
  readonly skipped: SkippedRule[];
}

function checkOne(object: Record<string, unknown>, file: string, registry: CrdRegistry, verdicts: VerdictCache): Checked {
  const apiVersion = asString(object.apiVersion);
  const kind = asString(object.kind);
  if (!apiVersion || !kind) {
    return { issues: [{ path: apiVersion ? 'kind' : 'apiVersion', message: 'is required (a manifest names its apiVersion and kind)' }], skipped: [] };
  }
  const group = groupOf(apiVersion);
  const crd = registry.find(apiVersion, kind);
  const core = crd ? undefined : coreKind(apiVersion, kind);
  if (!crd && !core) {
    const versions = registry.versionsOf(group, kind);
    const message = versions.length > 0
      ? `${kind} has no version ${apiVersion.slice(group.length + 1)} in the pinned CRDs (pinned: ${versions.join(', ')})`
      : `no pinned schema for ${apiVersion} ${kind}; the validator cannot vouch for it`;
    return { issues: [{ path: versions.length > 0 ? 'apiVersion' : 'kind', message }], skipped: [] };
  }
  const namespaced = crd ? crd.scope === 'Namespaced' : (core?.namespaced ?? true);
  const issues = checkMetadata(object, kind, namespaced);
  let stored: Record<string, unknown> = object;
  let skipped: SkippedRule[] = [];
  if (crd) {
    if (!crd.served) issues.push({ path: 'apiVersion', message: `${apiVersion} of ${kind} is not served by the pinned CRD` });
    const result = validateCustomResource(object, crd, verdicts);
    issues.push(...result.issues);
    skipped = result.skipped;
    stored = asRecord(result.defaulted);
  } else {
    issues.push(...validateCoreObject(apiVersion, kind, object));
  }
  const metadata = asRecord(object.metadata);
  const entry: Entry = {
    file,
    object: stored,
    group,
    kind,
    name: asString(metadata.name) ?? '?',
    namespace: namespaced ? (asString(metadata.namespace) ?? 'default') : undefined,
  };
  return { entry, issues, skipped };
}

/** A pinned InferencePool v1 CRD file, by inference-extension release. */
export const inferencePoolV1File = (release: string): string => `inference-extension/${release}/inference.networking.k8s.io_inferencepools.yaml`;
const INFERENCE_POOL_V1_FILE = /^inference-extension\/[^/]+\/inference\.networking\.k8s\.io_inferencepools\.yaml$/;

const clusterSchemas = new WeakMap<SchemaTexts, Map<string, SchemaTexts>>();

/**
 * The schema set of the cluster the spec describes: of the pinned InferencePool v1 CRDs only the one GKE
 * installs at the cluster's minimum version (`inferencePoolCrd`), so output that uses a field of a newer
 * CRD is refused as a strict apply would refuse it. Without a spec, the GA profile's minimum. A set that
 * lacks that file is used as it is.
 */
export function schemasForCluster(schemas: SchemaTexts, spec: DeploymentSpec | undefined): SchemaTexts {
  const crd = inferencePoolCrd(spec?.cluster.version ?? extensionRelease('llm-d-v0.10.0').minGkeVersion);
  const wanted = inferencePoolV1File(crd);
  if (!schemas.has(wanted)) return schemas;
  let byCrd = clusterSchemas.get(schemas);
  if (byCrd === undefined) clusterSchemas.set(schemas, (byCrd = new Map()));
  let selected = byCrd.get(crd);
  if (selected === undefined) {
    selected = new Map([...schemas].filter(([file]) => file === wanted || !INFERENCE_POOL_V1_FILE.test(file)));
    byCrd.set(crd, selected);
  }
  return selected;
}

/** Validates objects with already loaded schema texts; synchronous, for tests over in-memory synth output. */
export function validateWithSchemas(objects: readonly SourcedObject[], schemas: SchemaTexts, options: ValidateOptions = {}): ValidationReport {
  const registry = crdRegistry(schemasForCluster(schemas, options.spec));
  const problems: Problem[] = [];
  const skipped = new Map<string, SkippedRule>();
  const entries: Entry[] = [];
  const seen = new Map<string, Entry>();
  for (const { file, object } of objects) {
    if (object === null || object === undefined) continue; // empty YAML document
    if (!isRecord(object)) {
      problems.push({ file, kind: '?', name: '?', path: '(document)', message: 'is not a YAML mapping' });
      continue;
    }
    const checked = checkOne(object, file, registry, options.verdicts ?? processVerdicts);
    const kind = asString(object.kind) ?? '?';
    const name = asString(asRecord(object.metadata).name) ?? '?';
    for (const issue of checked.issues) problems.push({ file, kind, name, path: issue.path, message: issue.message });
    for (const rule of checked.skipped) skipped.set(`${rule.crd}\u0000${rule.rule}`, rule);
    if (!checked.entry) continue;
    const key = [checked.entry.group, checked.entry.kind, checked.entry.namespace ?? '', checked.entry.name].join('/');
    const earlier = seen.get(key);
    if (earlier) {
      problems.push({ file, kind, name, path: 'metadata.name', message: `duplicates the ${kind} in ${earlier.file}; one would overwrite the other` });
      continue;
    }
    seen.set(key, checked.entry);
    entries.push(checked.entry);
  }
  problems.push(...checkPinnedCrds(objects, schemas, options.spec));
  const context: CheckContext = {
    set: new ObjectSet(entries),
    spec: options.spec,
    externals: options.externals ?? defaultExternals(options.spec),
    report: (entry, path, message) => problems.push({ file: entry.file, kind: entry.kind, name: entry.name, path, message }),
  };
  const checks = [
    checkSelectors, checkReferencedObjects, checkMountedFiles, checkVllmArgs, checkGpuPlacement, checkRoutes, checkPolicies, checkRoutingExtensions,
    checkInferencePools, checkInferenceModels, checkInferenceObjectives, checkInferenceModelRewrites, checkBindings, checkAutoscalers,
  ];
  for (const check of checks) {
    check(context);
  }
  return { problems: problems.map(withoutSecretValues), skippedRules: [...skipped.values()], objectCount: entries.length };
}

/** Validates objects against the committed schema bundle (or the mirror IGW_SCHEMAS_DIR names), offline. */
export function validateObjectsSync(objects: readonly SourcedObject[], options: ValidateOptions = {}): ValidationReport {
  return validateWithSchemas(objects, options.schemas ?? validatorSchemaTexts(options), options);
}

/** Validates objects against the schema bundle, or a mirror the environment names (downloaded with `download`). */
export async function validateObjects(objects: readonly SourcedObject[], options: ValidateOptions = {}): Promise<ValidationReport> {
  return validateWithSchemas(objects, options.schemas ?? (await loadValidatorSchemaTexts(options)), options);
}

export { MAX_MANIFEST_BYTES, MAX_MANIFEST_DIRECTORY_BYTES, ManifestReadError, readManifestDirectory, type ManifestFiles } from './manifest-files';

export async function validateDirectory(dir: string, options: ValidateOptions = {}): Promise<ValidationReport> {
  const { objects, problems } = readManifestDirectory(dir);
  const report = await validateObjects(objects, options);
  return { ...report, problems: [...problems, ...report.problems] };
}
