/**
 * What a planned change does to serving, and what the engine refuses outright. Each rule says which
 * documented behaviour it stands for:
 *
 * - Pulumi `protect` (pulumi/pulumi pkg/resource/deploy/step_generator.go and step.go DeleteStep.Apply):
 *   a resource protected in the state and in the program cannot be replaced; a resource protected in the
 *   state cannot be deleted. terraform-provider-google-beta's `deletion_protection` (resource_container_
 *   cluster.go, resourceContainerClusterDelete) refuses to delete a cluster whose state says true.
 * - A Deployment's rolling update keeps `replicas - maxUnavailable` pods (Kubernetes Deployment
 *   strategy; maxUnavailable rounds down, default 25%); `Recreate` stops them all first.
 * - GKE recreates a pool's nodes by a surge upgrade that honours PodDisruptionBudgets for up to an hour
 *   (cloud.google.com/kubernetes-engine/docs/concepts/node-pool-upgrade-strategies); it deletes a node
 *   pool without honouring them (cloud.google.com/kubernetes-engine/docs/concepts/node-pools, "Deleting
 *   node pools"), so a replaced pool's pods are all evicted at once, unless the old pool's
 *   nodeDrainConfig.respectPdbDuringNodePoolDeletion is set.
 * - The GKE Gateway controller builds one load balancer per Gateway and GatewayClass: another class is
 *   another load balancer with another address (cloud.google.com/kubernetes-engine/docs/concepts/
 *   gateway-api, GatewayClass capabilities: external vs internal).
 * - pulumi-kubernetes applies the objects of different ConfigGroups in parallel unless one depends on the
 *   other; a Deployment counts as created only once its pods are Ready (await logic), so an HTTPRoute
 *   waits for a new pool's model servers only when it depends on them.
 */
import { podTemplateGpus } from '../charts-gen/well-known';
import type { PlanEntry, PlannedChange, Impact } from './plan-model';

export const PROVIDER_CHANGE_SOURCE = 'the Pulumi engine replaces whatever a different explicit provider now owns';

type Json = Record<string, unknown>;
const valueAt = (value: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((at, key) => (at !== null && typeof at === 'object' && !Array.isArray(at) ? (at as Json)[key] : undefined), value);

/**
 * Why the engine or the provider refuses to replace or delete `old` (the state's entry), or null.
 * `next` is the program's entry for a replacement (its protect counts too: unprotecting and replacing in
 * one update is allowed by the engine).
 */
export function protectionBlock(old: PlanEntry, what: 'replace' | 'delete', next?: PlanEntry): string | null {
  const engine = old.resource?.options.protect === true && (what === 'delete' || next?.resource?.options.protect !== false);
  const provider = old.type === 'gcp:container/cluster:Cluster' && old.inputs.deletionProtection === true;
  if (!engine && !provider) return null;
  const who = [engine ? 'the Pulumi engine (protect)' : undefined, provider ? "the provider (the cluster's deletionProtection)" : undefined].filter(Boolean).join(' and ');
  return (
    `${who} ${engine && provider ? 'refuse' : 'refuses'} to ${what} ${old.name}` +
    '; to do it deliberately: set cluster.deletionProtection: false and run pulumi up (that lifts both protections and changes nothing else), then apply this change, which deletes the old cluster and every workload on it'
  );
}

const RANK: Record<Impact, number> = { none: 0, rolling: 1, outage: 2 };
const worst = (impacts: readonly Impact[]): Impact => impacts.reduce<Impact>((a, b) => (RANK[b] > RANK[a] ? b : a), 'none');

/** An IntOrString against a total: a percentage rounds up for surge, down for unavailability. */
function count(value: unknown, total: number, fallback: string, roundUp: boolean): number {
  const raw = value ?? fallback;
  if (typeof raw === 'number') return raw;
  const percent = /^(\d+)%$/.exec(String(raw));
  if (!percent) return Number(raw);
  const exact = (Number(percent[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

const labelsMatch = (selector: unknown, labels: unknown): boolean => {
  const wanted = (valueAt(selector, 'matchLabels') ?? selector) as Json | undefined;
  if (wanted === undefined || typeof wanted !== 'object' || Object.keys(wanted).length === 0) return false;
  return Object.entries(wanted).every(([key, value]) => (labels as Json | undefined)?.[key] === value);
};
const namespaceOf = (entry: PlanEntry): string => String(valueAt(entry.inputs, 'metadata.namespace') ?? 'default');
const kindOf = (entry: PlanEntry): string | undefined => entry.object?.ref.kind ?? (typeof entry.inputs.kind === 'string' ? entry.inputs.kind : undefined);
const podLabels = (entry: PlanEntry): unknown => valueAt(entry.inputs, 'spec.template.metadata.labels');
const gpusPerPod = (entry: PlanEntry): number => podTemplateGpus(valueAt(entry.inputs, 'spec.template'));
const replicasOf = (entry: PlanEntry): number => Number(valueAt(entry.inputs, 'spec.replicas') ?? 1);

export interface ImpactRow {
  readonly change: PlannedChange;
  /** The program's entry, or the state's for a deletion. */
  readonly entry: PlanEntry;
  readonly previous?: PlanEntry;
}

export interface ImpactContext {
  readonly after: readonly PlanEntry[];
  readonly replaced: ReadonlySet<string>;
  /** Node pools whose nodes an in-place update recreates. */
  readonly recreatedPools: ReadonlyMap<string, readonly string[]>;
  /**
   * Whether GKE honours PodDisruptionBudgets when it deletes this (old) node pool: the old pool's
   * nodeDrainConfig decides (plan/mocks.ts poolDeletionRespectsPdbs, from issue 15's program).
   */
  readonly deletionRespectsPdbs: (poolId: string) => boolean;
  /** The node pool a workload's pods run on. */
  readonly poolOf: (entry: PlanEntry) => PlanEntry | undefined;
  /** True when the engine creates `later` only after `earlier` is created (and ready). */
  readonly waits: (later: string, earlier: string) => boolean;
}

interface Finding {
  readonly impact: Impact;
  readonly why: string;
}

/** Serving impact of every row, plus what cannot complete because the GPU pool is too small. */
export function assessImpact(rows: readonly ImpactRow[], context: ImpactContext): PlannedChange[] {
  const byId = new Map(rows.map((row) => [row.entry.id, row]));
  const pdbFor = (workload: PlanEntry): PlanEntry | undefined =>
    context.after.find((entry) => kindOf(entry) === 'PodDisruptionBudget' && namespaceOf(entry) === namespaceOf(workload) && labelsMatch(valueAt(entry.inputs, 'spec.selector'), podLabels(workload)));

  const workloadFindings = (row: ImpactRow): Finding[] => {
    const { change, entry } = row;
    if (change.restarts !== true) return [];
    const replicas = replicasOf(entry);
    const findings: Finding[] = [];
    if (change.action === 'replace') {
      findings.push(
        change.replaceOrder === 'delete-before-create'
          ? { impact: 'outage', why: `every pod is deleted before the replacement ${entry.name.split('/').pop()} exists` }
          : { impact: 'outage', why: 'it is recreated on another cluster; nothing serves there until its pods are Ready behind a new Gateway' },
      );
    } else if (change.reasons.includes('pods restart: its pod template changes')) {
      const strategy = valueAt(entry.inputs, 'spec.strategy') as Json | undefined;
      if (strategy?.type === 'Recreate') {
        findings.push({ impact: 'outage', why: `strategy Recreate stops all ${replicas} pods before starting new ones` });
      } else {
        const unavailable = count(valueAt(strategy, 'rollingUpdate.maxUnavailable'), replicas, '25%', false);
        findings.push(
          replicas - unavailable < 1
            ? { impact: 'outage', why: `the rollout may stop all ${replicas} pod(s) at once (replicas ${replicas}, maxUnavailable ${unavailable})` }
            : { impact: 'rolling', why: `rolling update: at most ${unavailable} of ${replicas} pods down at a time` },
        );
      }
    }
    /** A drain that honours the workload's PodDisruptionBudget: rolling while the budget keeps a pod. */
    const drained = (what: string): Finding => {
      const pdb = pdbFor(entry);
      const allowed = pdb === undefined ? replicas : valueAt(pdb.inputs, 'spec.maxUnavailable') !== undefined ? count(valueAt(pdb.inputs, 'spec.maxUnavailable'), replicas, '0', true) : replicas - count(valueAt(pdb.inputs, 'spec.minAvailable'), replicas, '0', true);
      const kept = replicas - allowed;
      return kept >= 1
        ? { impact: 'rolling', why: `${what} a few at a time; the PodDisruptionBudget keeps ${kept} of ${replicas} pods` }
        : { impact: 'outage', why: `${what} and ${pdb === undefined ? 'no PodDisruptionBudget' : `the PodDisruptionBudget (${allowed} may go)`} keeps none of its ${replicas} pod(s): nothing serves until it is rescheduled and Ready` };
    };
    const pool = context.poolOf(entry);
    if (pool !== undefined && context.replaced.has(pool.id)) {
      findings.push(
        context.deletionRespectsPdbs(pool.id)
          ? drained('the old node pool is drained (its deletion respects PodDisruptionBudgets)')
          : { impact: 'outage', why: `GKE deletes the old node pool without honouring PodDisruptionBudgets: all ${replicas} pods are evicted at once and wait for nodes of the new pool` },
      );
    }
    if (pool !== undefined && context.recreatedPools.has(pool.id)) findings.push(drained('its nodes are recreated'));
    return findings;
  };

  const gatewayFindings = (row: ImpactRow): Finding[] => {
    if (kindOf(row.entry) !== 'Gateway') return [];
    if (row.change.action === 'replace' || row.change.action === 'delete') return [{ impact: 'outage', why: 'the load balancer is deleted with the Gateway; a new one gets a new address' }];
    const classChange = row.change.changes.find((change) => change.path === 'spec.gatewayClassName');
    return classChange === undefined ? [] : [{ impact: 'outage', why: `GKE rebuilds the load balancer for ${String(classChange.to)}: a new address, clients of the old one break` }];
  };

  /** A route that sends traffic to a new InferencePool before that pool's model servers are Ready. */
  const routeFindings = (row: ImpactRow): Finding[] => {
    if (kindOf(row.entry) !== 'HTTPRoute' || row.change.action === 'delete' || row.change.action === 'same') return [];
    const refs = ((valueAt(row.entry.inputs, 'spec.rules') as Json[] | undefined) ?? []).flatMap((rule) => (rule.backendRefs as Json[] | undefined) ?? []).filter((ref) => ref.kind === 'InferencePool');
    const findings: Finding[] = [];
    for (const name of new Set(refs.map((ref) => String(ref.name)))) {
      const pool = context.after.find((entry) => kindOf(entry) === 'InferencePool' && valueAt(entry.inputs, 'metadata.name') === name && namespaceOf(entry) === namespaceOf(row.entry));
      if (pool === undefined || byId.get(pool.id)?.change.action !== 'create') continue;
      // The pool's model servers, and its endpoint picker (the Deployment behind the Service the pool's
      // extensionRef or endpointPickerRef names): the gateway needs both to serve the pool.
      const pickerService = context.after.find(
        (entry) => kindOf(entry) === 'Service' && namespaceOf(entry) === namespaceOf(pool) && valueAt(entry.inputs, 'metadata.name') === (valueAt(pool.inputs, 'spec.extensionRef.name') ?? valueAt(pool.inputs, 'spec.endpointPickerRef.name')),
      );
      const servers = context.after.filter(
        (entry) =>
          kindOf(entry) === 'Deployment' &&
          namespaceOf(entry) === namespaceOf(pool) &&
          (labelsMatch(valueAt(pool.inputs, 'spec.selector'), podLabels(entry)) || (pickerService !== undefined && labelsMatch(valueAt(pickerService.inputs, 'spec.selector'), podLabels(entry)))),
      );
      const early = servers.filter((server) => byId.get(server.id)?.change.action === 'create' && !context.waits(row.entry.id, server.id));
      if (early.length > 0) {
        findings.push({ impact: 'outage', why: `it sends traffic to the new InferencePool ${name} while ${early.map((server) => server.name).join(', ')} ${early.length === 1 ? 'is' : 'are'} still starting (applied in parallel, nothing waits for Ready pods)` });
      }
    }
    return findings;
  };

  const findings = new Map<string, Finding[]>();
  for (const row of rows) {
    const found = [...workloadFindings(row), ...gatewayFindings(row), ...routeFindings(row)];
    if (row.entry.type === 'gcp:container/cluster:Cluster' && row.change.action === 'replace') found.push({ impact: 'outage', why: 'a new cluster: every workload and the Gateway start again there' });
    findings.set(row.entry.id, found);
  }
  // A node pool carries the impact of the workloads on it.
  for (const row of rows) {
    if (row.entry.type !== 'gcp:container/nodePool:NodePool' || (row.change.action !== 'replace' && !context.recreatedPools.has(row.entry.id))) continue;
    const hosted = rows.filter((other) => other.entry.object !== undefined && other.change.restarts === true && context.poolOf(other.entry)?.id === row.entry.id);
    const own: Finding[] = hosted.flatMap((other) => (findings.get(other.entry.id) ?? []).filter((finding) => /node pool|nodes/.test(finding.why)).map((finding) => ({ impact: finding.impact, why: `${other.entry.name}: ${finding.why}` })));
    if (own.length === 0) own.push({ impact: 'rolling', why: 'every node is drained and recreated' });
    findings.set(row.entry.id, own);
  }

  const capacity = gpuCapacityBlocks(rows, context);
  return rows.map((row) => {
    const found = findings.get(row.entry.id) ?? [];
    const impact = worst(found.map((finding) => finding.impact));
    const blocked = [row.change.blocked, capacity.get(row.entry.id)].filter((reason): reason is string => typeof reason === 'string');
    return { ...row.change, impact, impactReasons: found.filter((finding) => finding.impact === impact && impact !== 'none').map((finding) => finding.why), blocked: blocked.length > 0 ? blocked.join('; ') : null };
  });
}

/**
 * New GPU Deployments that cannot all be Ready: the engine deletes what the program dropped only at the
 * end of the update, so while the new pods start, the old ones still hold their GPUs. When the GPU pool's
 * maxNodes cannot hold both, the new pods stay Pending and pulumi up fails at the Deployment's timeout.
 */
function gpuCapacityBlocks(rows: readonly ImpactRow[], context: ImpactContext): Map<string, string> {
  const blocks = new Map<string, string>();
  const gpuPool = context.after.find((entry) => entry.type === 'gcp:container/nodePool:NodePool' && ((valueAt(entry.inputs, 'nodeConfig.guestAccelerators') as unknown[] | undefined) ?? []).length > 0);
  if (gpuPool === undefined) return blocks;
  const perNode = Number(valueAt((valueAt(gpuPool.inputs, 'nodeConfig.guestAccelerators') as Json[])[0], 'count') ?? 0);
  const maxNodes = Number(valueAt(gpuPool.inputs, 'autoscaling.totalMaxNodeCount') ?? valueAt(gpuPool.inputs, 'autoscaling.maxNodeCount') ?? 0);
  const capacity = perNode * maxNodes;
  const demand = (entry: PlanEntry): number => (kindOf(entry) === 'Deployment' ? replicasOf(entry) * gpusPerPod(entry) : 0);
  const staying = rows.filter((row) => row.change.action !== 'delete').reduce((sum, row) => sum + demand(row.entry), 0);
  const leaving = rows.filter((row) => row.change.action === 'delete').reduce((sum, row) => sum + demand(row.entry), 0);
  if (leaving === 0 || staying + leaving <= capacity) return blocks;
  for (const row of rows.filter((candidate) => candidate.change.action === 'create' && demand(candidate.entry) > 0)) {
    blocks.set(
      row.entry.id,
      `the GPU pool holds at most ${capacity} GPUs (maxNodes ${maxNodes} x ${perNode}), but the new pods need ${staying} while the deleted Deployments still hold ${leaving} until the end of the update: they stay Pending and pulumi up fails at the Deployment's timeout (raise cluster.gpuPool.maxNodes for the switch, or remove the old pool first)`,
    );
  }
  return blocks;
}
