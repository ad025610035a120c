/**
 * What the Pulumi engine does with what the program registered: which resources wait for which (create
 * order, and in reverse, delete order), which Kubernetes objects are guaranteed to come after which,
 * and, between two runs of the program, which resources `pulumi up` would create, update, replace or
 * delete, in what order a replacement happens, and which workloads restart their pods.
 *
 * The engine's rules modelled here (pulumi/pulumi pkg/resource/deploy/step_generator.go): a resource
 * is created after its dependencies and deleted before them; a replacement is create-before-delete
 * unless the program's `deleteBeforeReplace` or, when the program leaves it unset, the provider says
 * otherwise; `ignoreChanges` paths are not diffed; a resource whose provider is replaced is replaced.
 */
import { podTemplateGpus } from '../charts-gen/well-known';
import { type ObjectRef, matchesRef, refKey, refOf } from './config-group-order';
import { GCP_DELETE_BEFORE_REPLACE, GCP_FORCE_NEW, isUnder, kubernetesForceNew, type KubernetesProviderSettings } from './force-new';
import type { KubeObject } from '../infra/manifests';
import { poolDeletionRespectsPdbs, unwrapSecrets, type KubeEntry, type RecordedResource } from './mocks';
import type { MockRun } from './program';
import { assessImpact, PROVIDER_CHANGE_SOURCE, protectionBlock } from './impact';
import { overlappingRanges, recreatesNodes, refusals } from './google-cloud-rules';
import { inputChanges, type ValueChange } from './values';

type Json = Record<string, unknown>;

/** A resource or Kubernetes object of one run, in one list. */
export interface PlanEntry {
  readonly type: string;
  readonly name: string;
  /** Stable identity across runs (URN; for ConfigGroup objects, the group URN plus the object's name). */
  readonly id: string;
  readonly inputs: Json;
  /** The inputs as the engine received them, secrets still marked (for showing values). */
  readonly rawInputs: unknown;
  /** What this entry waits for: URNs and object ids. */
  readonly waitsFor: readonly string[];
  readonly resource?: RecordedResource;
  readonly object?: KubeEntry;
  /** The Kubernetes provider's URN for Kubernetes entries. */
  readonly providerUrn?: string;
}

const providerUrnOf = (reference: string | undefined): string | undefined => (reference ? reference.split('::').slice(0, -1).join('::') : undefined);
const objectId = (entry: KubeEntry): string => `${entry.groupUrn}$${entry.type}::${entry.name}`;

/** Every resource (reads excepted) and every ConfigGroup object of a run, with what each waits for. */
export function planEntries(run: Pick<MockRun, 'resources' | 'objects'>): PlanEntry[] {
  const entries: PlanEntry[] = [];
  const childrenOf = new Map<string, string[]>();
  for (const object of run.objects) childrenOf.set(object.groupUrn, [...(childrenOf.get(object.groupUrn) ?? []), objectId(object)]);
  const byUrn = new Map(run.resources.map((resource) => [resource.urn, resource]));
  const dependencies = (resource: RecordedResource): string[] => {
    const provider = providerUrnOf(resource.provider);
    return [...resource.options.dependencies, ...(provider ? [provider] : [])];
  };
  for (const resource of run.resources) {
    if (resource.readId !== undefined) continue;
    entries.push({
      type: resource.type,
      name: resource.name,
      id: resource.urn,
      inputs: unwrapSecrets(resource.inputs) as Json,
      rawInputs: resource.inputs,
      // A ConfigGroup completes when its objects do (yaml/v2 awaits them), so it waits for them too.
      waitsFor: [...dependencies(resource), ...(childrenOf.get(resource.urn) ?? [])],
      resource,
      ...(resource.type.startsWith('kubernetes:') ? { providerUrn: providerUrnOf(resource.provider) } : {}),
    });
  }
  for (const object of run.objects) {
    const group = byUrn.get(object.groupUrn);
    const siblings = run.objects.filter((other) => other.groupUrn === object.groupUrn && object.waitsFor.has(refKey(other.ref))).map(objectId);
    entries.push({
      type: object.type,
      name: object.name,
      id: objectId(object),
      inputs: object.object as unknown as Json,
      rawInputs: object.object,
      // Construct runs only after the group's own dependencies, so every object waits for them.
      waitsFor: [...siblings, ...(group ? dependencies(group) : [])],
      object,
      providerUrn: providerUrnOf(group?.provider),
    });
  }
  return entries;
}

function reachable(entries: readonly PlanEntry[], from: string): Set<string> {
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  const seen = new Set<string>();
  const stack = [...(byId.get(from)?.waitsFor ?? [])];
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(byId.get(id)?.waitsFor ?? []));
  }
  return seen;
}

/**
 * True when the engine creates `later` only after `earlier` (and so deletes `later` first): `later`
 * depends on `earlier` through inputs, dependsOn, providers or components' children.
 */
export function waitsFor(run: Pick<MockRun, 'resources' | 'objects'>, later: string, earlier: string): boolean {
  return reachable(planEntries(run), later).has(earlier);
}

function findObject(entries: readonly PlanEntry[], ref: ObjectRef): PlanEntry {
  const found = entries.filter((entry) => {
    if (entry.object) return matchesRef(ref, entry.object.ref);
    const inputs = entry.inputs as Partial<KubeObject>;
    return entry.type.startsWith('kubernetes:') && typeof inputs.kind === 'string' && typeof inputs.apiVersion === 'string' && matchesRef(ref, refOf(inputs as KubeObject));
  });
  if (found.length !== 1) {
    throw new Error(`expected one Kubernetes object ${ref.kind}/${ref.name}${ref.namespace ? ` in ${ref.namespace}` : ''}, found ${found.length}`);
  }
  return found[0];
}

/**
 * True when Kubernetes object `before` is guaranteed to exist (created, and ready where Pulumi awaits
 * readiness) before `after` is created: ConfigGroup ordering (depends-on annotation, namespaces, CRDs),
 * a group's dependsOn, and resource dependencies all count; objects created in parallel do not.
 */
export function mustPrecede(run: Pick<MockRun, 'resources' | 'objects'>, before: ObjectRef, after: ObjectRef): boolean {
  const entries = planEntries(run);
  return reachable(entries, findObject(entries, after).id).has(findObject(entries, before).id);
}

// ---------------------------------------------------------------------------------------------------
// Comparing two runs.

export type Action = 'create' | 'update' | 'replace' | 'delete' | 'same';
export type ReplaceOrder = 'create-before-delete' | 'delete-before-create';

export type Impact = 'none' | 'rolling' | 'outage';

export interface PlannedChange {
  readonly type: string;
  readonly name: string;
  readonly action: Action;
  /** For replacements: whether the new resource exists before the old one is deleted. */
  readonly replaceOrder: ReplaceOrder | null;
  /** For workloads: whether their running pods are replaced. Null for everything else. */
  readonly restarts: boolean | null;
  /** Why: the changed inputs, what forced the replacement, what restarts the pods. */
  readonly reasons: readonly string[];
  /**
   * What serving sees: `none`; `rolling` (pods or nodes go a few at a time, never below what the
   * PodDisruptionBudget or the rollout keeps); `outage` (requests fail for a while).
   */
  readonly impact: Impact;
  /** Why the impact is not `none`. */
  readonly impactReasons: readonly string[];
  /** Null, or why the Pulumi engine or Google Cloud would refuse this change (pulumi up stops there). */
  readonly blocked: string | null;
  /** Each changed value, old and new; secrets as `[secret]`. Empty for creates and deletes. */
  readonly changes: readonly ValueChange[];
}

/** Leaf paths whose values differ (list indices dropped; a list whose length changes is one path). */
export function changedPaths(before: unknown, after: unknown, prefix = ''): string[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return [...new Set(before.flatMap((item, index) => changedPaths(item, after[index], prefix)))];
  }
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) => changedPaths(before[key], after[key], prefix === '' ? key : `${prefix}.${key}`));
  }
  return [prefix];
}

const valueAt = (value: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((at, key) => (at !== null && typeof at === 'object' && !Array.isArray(at) ? (at as Json)[key] : undefined), value);

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
const isWorkload = (entry: PlanEntry): boolean => entry.object !== undefined && WORKLOAD_KINDS.has(entry.object.ref.kind) && entry.object.ref.group === 'apps';
const requestsGpus = (entry: PlanEntry): boolean => podTemplateGpus(valueAt(entry.inputs, 'spec.template')) > 0;
const hasGpus = (entry: PlanEntry): boolean => ((valueAt(entry.inputs, 'nodeConfig.guestAccelerators') as unknown[] | undefined) ?? []).length > 0;

function providerSettings(entries: readonly PlanEntry[], providerUrn: string | undefined): KubernetesProviderSettings {
  const provider = entries.find((entry) => entry.id === providerUrn)?.inputs ?? {};
  // Provider inputs reach the engine as strings.
  return { configMapMutable: String(provider.enableConfigMapMutable) === 'true', secretMutable: String(provider.enableSecretMutable) === 'true' };
}

/** The cluster a kubeconfig's current context points at (what pulumi-kubernetes' DiffConfig compares). */
function activeCluster(kubeconfig: unknown): string | undefined {
  if (typeof kubeconfig !== 'string') return undefined;
  try {
    const config = JSON.parse(kubeconfig) as { 'current-context'?: string; contexts?: { name: string; context: { cluster: string } }[]; clusters?: { name: string; cluster: unknown }[] };
    const context = config.contexts?.find((c) => c.name === config['current-context']);
    return JSON.stringify(config.clusters?.find((c) => c.name === context?.context.cluster));
  } catch {
    return undefined;
  }
}

/**
 * Why a resource present in both runs is replaced, given the inputs that changed and what was already
 * found replaced (entries are visited in registration order, so dependencies come first).
 */
function replacementReasons(entry: PlanEntry, previous: PlanEntry, changed: readonly string[], replaced: ReadonlySet<string>, providers: (urn: string | undefined) => KubernetesProviderSettings): string[] {
  const reasons: string[] = [];
  if (entry.providerUrn !== undefined && replaced.has(entry.providerUrn)) reasons.push('its Kubernetes provider (the cluster) is replaced');
  if (entry.type === 'pulumi:providers:kubernetes') {
    if (activeCluster(previous.inputs.kubeconfig) !== activeCluster(entry.inputs.kubeconfig)) reasons.push('the kubeconfig points at another cluster');
    const sources = entry.resource?.options.propertyDependencies.kubeconfig ?? [];
    if (sources.some((urn) => replaced.has(urn))) reasons.push('the kubeconfig comes from a replaced cluster');
    return reasons;
  }
  let forceNew: readonly string[] = [];
  if (entry.object !== undefined) {
    const immutable = valueAt(entry.inputs, 'immutable') === true;
    forceNew = kubernetesForceNew(String(entry.inputs.apiVersion), String(entry.inputs.kind), immutable, providers(entry.providerUrn));
  } else if (GCP_FORCE_NEW[entry.type] !== undefined) {
    const rule = GCP_FORCE_NEW[entry.type];
    forceNew = rule.paths;
    for (const conditional of rule.conditional ?? []) {
      if (changed.some((path) => isUnder(path, conditional.path)) && conditional.replaces(valueAt(previous.inputs, conditional.path), valueAt(entry.inputs, conditional.path))) {
        reasons.push(`${conditional.path} changed (${conditional.why})`);
      }
    }
  }
  const forcing = changed.filter((path) => forceNew.some((force) => isUnder(path, force)));
  if (forcing.length > 0) reasons.push(`${forcing.join(', ')} cannot change in place`);
  // A ForceNew input computed from a replaced resource is unknown at plan time; the provider replaces.
  const propertyDependencies = entry.resource?.options.propertyDependencies ?? {};
  for (const property of new Set(forceNew.map((path) => path.split('.')[0]))) {
    const source = (propertyDependencies[property] ?? []).find((urn) => replaced.has(urn));
    if (source !== undefined) reasons.push(`${property} comes from replaced ${source.split('::').pop()}`);
  }
  return reasons;
}

/**
 * Create-before-delete unless the program set `deleteBeforeReplace`, or left it unset and the provider
 * asks for delete-before-create: pulumi-gcp does for project IAM members, pulumi-terraform-bridge for a
 * name the program set itself (`nameRequiresDeleteBeforeReplace`: the new resource would take the same
 * name), pulumi-kubernetes for an object keeping its name and namespace (provider.go `Diff`).
 */
function replaceOrder(entry: PlanEntry, previous: PlanEntry): ReplaceOrder {
  const chosen = entry.resource?.options.deleteBeforeReplace;
  if (chosen !== undefined) return chosen ? 'delete-before-create' : 'create-before-delete';
  if (entry.object !== undefined) {
    const same = valueAt(entry.inputs, 'metadata.name') === valueAt(previous.inputs, 'metadata.name') && valueAt(entry.inputs, 'metadata.namespace') === valueAt(previous.inputs, 'metadata.namespace');
    return same ? 'delete-before-create' : 'create-before-delete';
  }
  if (GCP_DELETE_BEFORE_REPLACE.has(entry.type)) return 'delete-before-create';
  if (entry.type.startsWith('gcp:')) {
    const explicitName = typeof entry.inputs.name === 'string' || typeof entry.inputs.accountId === 'string';
    return explicitName ? 'delete-before-create' : 'create-before-delete';
  }
  return 'create-before-delete';
}

/** A changed value's path without list positions or names, as ignoreChanges and ForceNew paths read. */
const fieldPath = (path: string): string => path.replace(/\[[^\]]*\]/g, '');

/** What `pulumi up` would do to go from the state `before` describes to the program run `after`. */
export function compareRuns(before: Pick<MockRun, 'resources' | 'objects'>, after: Pick<MockRun, 'resources' | 'objects'>): PlannedChange[] {
  const oldEntries = planEntries(before);
  const old = new Map(oldEntries.map((entry) => [entry.id, entry]));
  const entries = planEntries(after);
  const providers = (urn: string | undefined) => providerSettings(entries, urn);
  const replaced = new Set<string>();
  const recreatedPools = new Map<string, string[]>();
  const changes = new Map<string, PlannedChange>();
  const blank = { restarts: null, impact: 'none', impactReasons: [], blocked: null, changes: [] } as const;

  // Visit in dependency order so that a replaced dependency is known before its dependents.
  const visited = new Set<string>();
  const ordered: PlanEntry[] = [];
  const byId = new Map(entries.map((entry) => [entry.id, entry]));
  const visit = (entry: PlanEntry, path: Set<string>): void => {
    if (visited.has(entry.id) || path.has(entry.id)) return;
    path.add(entry.id);
    for (const id of entry.waitsFor) {
      const dependency = byId.get(id);
      if (dependency) visit(dependency, path);
    }
    visited.add(entry.id);
    ordered.push(entry);
  };
  for (const entry of entries) visit(entry, new Set());

  for (const entry of ordered) {
    const previous = old.get(entry.id);
    if (previous === undefined) {
      // A new subnet is created while every subnet of the old state still exists.
      const overlap = entry.type === 'gcp:compute/subnetwork:Subnetwork' ? overlappingRanges(entry.inputs, oldEntries.filter((other) => other.type === entry.type && other.id !== entry.id)) : null;
      changes.set(entry.id, { ...blank, type: entry.type, name: entry.name, action: 'create', replaceOrder: null, reasons: [], blocked: overlap });
      continue;
    }
    const ignored = entry.resource?.options.ignoreChanges ?? [];
    const changed = changedPaths(previous.inputs, entry.inputs).filter((path) => !ignored.some((ignore) => isUnder(path, ignore)));
    const values = inputChanges(entry.object?.ref.kind, previous.rawInputs, entry.rawInputs).filter((change) => !ignored.some((ignore) => isUnder(fieldPath(change.path), ignore)));
    const reasons = replacementReasons(entry, previous, changed, replaced, providers);
    // Models the engine (pulumi/pulumi pkg/resource/deploy/step_generator.go, providerChanged): a resource
    // whose explicit provider is a different provider resource is replaced, whatever its inputs.
    if (entry.providerUrn !== undefined && previous.providerUrn !== undefined && entry.providerUrn !== previous.providerUrn && !reasons.some((reason) => reason.startsWith('its Kubernetes provider'))) {
      reasons.push(`its provider changes to ${entry.providerUrn.split('::').pop()} (${PROVIDER_CHANGE_SOURCE})`);
    }
    if (reasons.length > 0) {
      replaced.add(entry.id);
      // A replacement forced by the provider (changed, or replaced: its reference carries a new id) is
      // decided by the engine without the provider's Diff, so nothing asks for delete-before-create.
      const byProvider = reasons.some((reason) => reason.startsWith('its provider changes') || reason.startsWith('its Kubernetes provider'));
      const order = byProvider && entry.resource?.options.deleteBeforeReplace === undefined ? 'create-before-delete' : replaceOrder(entry, previous);
      changes.set(entry.id, { ...blank, type: entry.type, name: entry.name, action: 'replace', replaceOrder: order, reasons, changes: values, blocked: protectionBlock(previous, 'replace', entry) });
      continue;
    }
    const refused = refusals(entry.type, previous.inputs, entry.inputs, changed);
    const why = changed.length > 0 ? [`changed: ${changed.join(', ')}`] : [];
    if (entry.type === 'gcp:container/nodePool:NodePool') {
      const recreating = recreatesNodes(changed);
      if (recreating.length > 0) {
        recreatedPools.set(entry.id, recreating);
        why.push(`every node is recreated (${recreating.join(', ')} change in place by a surge upgrade)`);
      }
    }
    changes.set(entry.id, {
      ...blank,
      type: entry.type,
      name: entry.name,
      action: changed.length > 0 ? 'update' : 'same',
      replaceOrder: null,
      reasons: why,
      changes: values,
      blocked: refused.length > 0 ? refused.join('; ') : null,
    });
  }

  // Workloads restart their pods when their pod template changes, when they are replaced, or when the
  // node pool their pods run on is replaced (GKE drains the old pool's nodes) or has its nodes recreated.
  const pools = entries.filter((entry) => entry.type === 'gcp:container/nodePool:NodePool');
  for (const entry of entries.filter(isWorkload)) {
    const change = changes.get(entry.id) as PlannedChange;
    const previous = old.get(entry.id);
    if (previous === undefined) {
      changes.set(entry.id, { ...change, restarts: false });
      continue;
    }
    const why: string[] = [];
    if (change.action === 'replace') why.push('the workload is replaced');
    if (changedPaths(valueAt(previous.inputs, 'spec.template'), valueAt(entry.inputs, 'spec.template')).length > 0) why.push('its pod template changes');
    const pool = pools.find((candidate) => hasGpus(candidate) === requestsGpus(entry));
    if (pool !== undefined && replaced.has(pool.id)) {
      // The deleted pool's drain settings decide (mocks.ts poolDeletionRespectsPdbs).
      why.push(
        poolDeletionRespectsPdbs(old.get(pool.id)?.inputs)
          ? `its node pool ${pool.name} is replaced (the old pool's deletion respects the PodDisruptionBudget: pods move one at a time)`
          : `its node pool ${pool.name} is replaced and deleting the old pool ignores PodDisruptionBudgets: every pod stops at once until the new pool has nodes`,
      );
    }
    if (pool !== undefined && recreatedPools.has(pool.id)) why.push(`the nodes of its node pool ${pool.name} are recreated`);
    changes.set(entry.id, { ...change, restarts: why.length > 0, reasons: [...change.reasons, ...why.map((reason) => `pods restart: ${reason}`)] });
  }

  const rows = [
    ...entries.map((entry) => ({ change: changes.get(entry.id) as PlannedChange, entry, previous: old.get(entry.id) })),
    ...oldEntries
      .filter((entry) => !byId.has(entry.id))
      .map((entry) => ({
        change: { ...blank, type: entry.type, name: entry.name, action: 'delete' as const, replaceOrder: null, restarts: isWorkload(entry) ? false : null, reasons: [], blocked: protectionBlock(entry, 'delete') },
        entry,
      })),
  ];
  const reach = new Map<string, Set<string>>();
  const waits = (later: string, earlier: string): boolean => {
    if (!reach.has(later)) reach.set(later, reachable(entries, later));
    return (reach.get(later) as Set<string>).has(earlier);
  };
  return assessImpact(rows, { after: entries, replaced, recreatedPools, waits, deletionRespectsPdbs: (poolId) => poolDeletionRespectsPdbs(old.get(poolId)?.inputs), poolOf: (entry) => pools.find((candidate) => hasGpus(candidate) === requestsGpus(entry)) });
}
