/**
 * Thirteen-style day-2 changes run through the real program under the mocks, then through the plan model:
 * each test names the behaviour it relies on (engine protect, provider change, Google Cloud refusals,
 * node recreation, load balancer rebuild, ordering) as plan/impact.ts and google-cloud-rules.ts model it.
 */
import { compareRuns, type PlannedChange } from '../../plan/plan-model';
import type { MockRun } from '../../plan/program';
import { runSpec, withoutDrainConfigs } from '../infra/harness';

const POOL = 'vllm-llama3-8b-instruct';
const VLLM = `pool-${POOL}:default/${POOL}`;
const CLUSTER = 'gcp:container/cluster:Cluster';
const SUBNET = 'gcp:compute/subnetwork:Subnetwork';

const specs = {
  base: {},
  region: { cluster: { region: 'us-east4' } },
  renamed: { cluster: { name: 'inference-gateway-2' } },
  podRange: { cluster: { network: { podCidr: '10.16.0.0/14' } } },
  proxyRange: { cluster: { network: { proxyOnlyCidr: '10.129.0.0/22' } } },
  internal: { gateway: { className: 'gke-l7-rilb' } },
  systemMachine: { cluster: { systemPool: { machineType: 'e2-standard-8' } } },
  rank64: { pools: [{ name: POOL, modelServer: { maxLoraRank: 64 } }] },
  critical: { pools: [{ name: POOL, models: [{ name: 'food-review', modelName: 'food-review', criticality: 'Critical', targetModels: [{ name: 'food-review', weight: 100 }] }, { name: 'llama3-base-model', modelName: 'meta-llama/Llama-3.1-8B-Instruct', criticality: 'Critical' }, { name: 'cad-fabricator', modelName: 'cad-fabricator', criticality: 'Standard' }] }] },
  poolRenamed: { pools: [{ name: 'llama3-8b' }] },
  poolRenamedRoomy: { cluster: { gpuPool: { maxNodes: 6 } }, pools: [{ name: 'llama3-8b' }] },
  roomy: { cluster: { gpuPool: { maxNodes: 6 } } },
  ga: { inferenceExtension: { version: 'llm-d-v0.10.0' } },
  gaInferencePoolRenamed: { inferenceExtension: { version: 'llm-d-v0.10.0' }, pools: [{ name: POOL, inferencePoolName: 'llama-pool' }] },
} as const;

const runs = {} as Record<keyof typeof specs, MockRun>;
// One program run at a time: the mocks are the Pulumi runtime's global state.
beforeAll(async () => {
  for (const [name, spec] of Object.entries(specs)) runs[name as keyof typeof specs] = await runSpec(spec);
});

const plan = (from: keyof typeof specs, to: keyof typeof specs) => compareRuns(runs[from], runs[to]);
const row = (changes: readonly PlannedChange[], type: string, name?: string): PlannedChange => {
  const found = changes.filter((change) => change.type === type && (name === undefined || change.name === name));
  if (found.length !== 1) throw new Error(`expected one ${type} ${name ?? ''}, found ${found.map((c) => `${c.name}:${c.action}`).join(', ')}`);
  return found[0];
};
const kubernetes = (changes: readonly PlannedChange[]) => changes.filter((change) => change.type.startsWith('kubernetes:') && change.type !== 'kubernetes:yaml/v2:ConfigGroup' && !change.type.startsWith('kubernetes:yaml'));

describe('Pulumi protect and the cluster\'s deletionProtection', () => {
  test('a region change replaces the protected cluster, which the engine refuses, with how to do it deliberately', () => {
    const cluster = row(plan('base', 'region'), CLUSTER);
    expect(cluster).toMatchObject({ action: 'replace', impact: 'outage' });
    expect(cluster.blocked).toContain('the Pulumi engine (protect)');
    expect(cluster.blocked).toContain('set cluster.deletionProtection: false and run pulumi up');
    expect(cluster.changes).toContainEqual({ path: 'location', from: 'us-central1', to: 'us-east4' });
  });

  test('a cluster rename deletes the protected old cluster: blocked', () => {
    const changes = plan('base', 'renamed');
    const old = changes.find((change) => change.type === CLUSTER && change.action === 'delete');
    expect(old?.name).toBe('inference-gateway');
    expect(old?.blocked).toMatch(/^the Pulumi engine \(protect\) and the provider \(the cluster's deletionProtection\) refuse to delete inference-gateway;/);
    expect(changes.find((change) => change.type === CLUSTER && change.action === 'create')?.blocked).toBeNull();
  });

  test('a cluster rename also creates a node subnet with the same ranges while the old one exists: refused', () => {
    const subnet = plan('base', 'renamed').find((change) => change.type === SUBNET && change.action === 'create');
    expect(subnet?.name).toBe('inference-gateway-2-nodes');
    expect(subnet?.blocked).toMatch(/^Google Cloud refuses 10\.0\.0\.0\/20: it overlaps 10\.0\.0\.0\/20 of subnet inference-gateway-nodes/);
  });

  test('a cluster rename moves every Kubernetes object to a new provider: each is replaced, none unchanged', () => {
    const objects = kubernetes(plan('base', 'renamed')).filter((change) => change.action !== 'create' && change.action !== 'delete');
    expect(objects.length).toBeGreaterThan(10);
    expect(objects.filter((change) => change.action !== 'replace').map((change) => change.name)).toEqual([]);
    // The engine replaces them without asking the provider, so nothing asks for delete-before-create.
    expect(new Set(objects.map((change) => change.replaceOrder))).toEqual(new Set(['create-before-delete']));
    expect(objects.find((change) => change.name === VLLM)?.reasons.join(' ')).toMatch(/its Kubernetes provider|its provider changes/);
  });

  test('without deletionProtection nothing is blocked by protection', async () => {
    const unprotected = await runSpec({ cluster: { deletionProtection: false } });
    const moved = await runSpec({ cluster: { deletionProtection: false, region: 'us-east4' } });
    expect(row(compareRuns(unprotected, moved), CLUSTER)).toMatchObject({ action: 'replace', blocked: null });
  });
});

describe('what Google Cloud refuses although the provider updates in place', () => {
  test('changing the pod range is an in-place update of the subnet that Google Cloud refuses', () => {
    const changes = plan('base', 'podRange');
    const subnet = row(changes, SUBNET, 'inference-gateway-nodes');
    expect(subnet.action).toBe('update');
    expect(subnet.blocked).toMatch(/secondaryIpRanges: Google Cloud refuses to change or remove a secondary range while the cluster uses it/);
    expect(subnet.changes).toContainEqual({ path: 'secondaryIpRanges[0].ipCidrRange', from: '10.4.0.0/14', to: '10.16.0.0/14' });
  });

  test('growing the proxy-only subnet (which the provider would expand in place) is refused', () => {
    const subnet = row(plan('base', 'proxyRange'), SUBNET, 'inference-gateway-proxy-only');
    expect(subnet.action).toBe('update');
    expect(subnet.blocked).toMatch(/^ipCidrRange: Google Cloud cannot expand a proxy-only subnet in place/);
  });
});

describe('serving impact', () => {
  test('switching the Gateway class from external to internal is an outage: a new load balancer and address', () => {
    const gateway = kubernetes(plan('base', 'internal')).find((change) => change.type === 'kubernetes:gateway.networking.k8s.io/v1:Gateway');
    expect(gateway).toMatchObject({ action: 'update', impact: 'outage', blocked: null });
    expect(gateway?.impactReasons[0]).toMatch(/new address/);
    expect(gateway?.changes).toContainEqual({ path: 'spec.gatewayClassName', from: 'gke-l7-regional-external-managed', to: 'gke-l7-rilb' });
  });

  test('a system pool machine type change recreates its nodes: the pool row and the single endpoint picker are not "none"', () => {
    const changes = plan('base', 'systemMachine');
    const pool = row(changes, 'gcp:container/nodePool:NodePool', 'inference-gateway-system');
    expect(pool.action).toBe('update');
    expect(pool.impact).not.toBe('none');
    expect(pool.reasons.join(' ')).toContain('every node is recreated (nodeConfig.machineType');
    const picker = kubernetes(changes).find((change) => change.type === 'kubernetes:apps/v1:Deployment' && change.name.endsWith('-epp'));
    expect(picker).toMatchObject({ action: 'same', restarts: true, impact: 'outage' });
    expect(picker?.impactReasons[0]).toMatch(/keeps none of its 1 pod/);
    expect(row(changes, 'kubernetes:apps/v1:Deployment', VLLM)).toMatchObject({ restarts: false, impact: 'none' });
  });

  test('raising the adapter rank restarts the model servers one at a time and shows --max-lora-rank 16 to 64', () => {
    const vllm = row(plan('base', 'rank64'), 'kubernetes:apps/v1:Deployment', VLLM);
    expect(vllm).toMatchObject({ action: 'update', restarts: true, impact: 'rolling' });
    expect(vllm.changes).toEqual([{ path: 'spec.template.spec.containers[vllm].args[--max-lora-rank]', from: '16', to: '64' }]);
  });

  test('a criticality change updates an InferenceModel in place with no serving impact', () => {
    const changes = kubernetes(plan('base', 'critical')).filter((change) => change.action !== 'same');
    expect(changes.map((change) => [change.type, change.action, change.impact])).toEqual([['kubernetes:inference.networking.x-k8s.io/v1alpha2:InferenceModel', 'update', 'none']]);
    expect(changes[0].changes).toEqual([{ path: 'spec.criticality', from: 'Standard', to: 'Critical' }]);
  });

  test('a pool rename: the route waits for the new model servers, and the GPU pool must hold old and new pods at once', () => {
    const changes = plan('base', 'poolRenamed');
    const route = kubernetes(changes).find((change) => change.type === 'kubernetes:gateway.networking.k8s.io/v1:HTTPRoute');
    expect(route).toMatchObject({ action: 'update', impact: 'none' });
    const created = row(changes, 'kubernetes:apps/v1:Deployment', 'pool-llama3-8b:default/llama3-8b');
    expect(created.action).toBe('create');
    expect(created.blocked).toMatch(/the GPU pool holds at most 3 GPUs \(maxNodes 3 x 1\), but the new pods need 3 while the deleted Deployments still hold 3/);
    expect(row(plan('roomy', 'poolRenamedRoomy'), 'kubernetes:apps/v1:Deployment', 'pool-llama3-8b:default/llama3-8b').blocked).toBeNull();
  });

  test('an InferencePool rename (GA profile): a new pool and picker, and the route switches only once they are Ready', () => {
    const changes = kubernetes(plan('ga', 'gaInferencePoolRenamed'));
    const pools = changes.filter((change) => change.type.endsWith(':InferencePool'));
    expect(pools.map((change) => change.action).sort()).toEqual(['create', 'delete']);
    expect(pools.find((change) => change.action === 'create')?.name).toMatch(/\/llama-pool$/);
    expect(changes.filter((change) => change.type === 'kubernetes:apps/v1:Deployment' && change.action === 'create').map((change) => change.name)).toEqual([expect.stringMatching(/llama-pool/)]);
    const route = changes.find((change) => change.type === 'kubernetes:gateway.networking.k8s.io/v1:HTTPRoute');
    expect(route).toMatchObject({ action: 'update', impact: 'none', blocked: null });
    expect(route?.changes.length).toBeGreaterThan(0);
  });

  test('replacing the GPU pool: the old pool is drained one pod at a time when its deletion respects PodDisruptionBudgets, else every model server stops at once', async () => {
    const eight = await runSpec({ cluster: { gpuPool: { acceleratorCount: 8 } } });
    const changes = compareRuns(runs.base, eight);
    // The program sets the pools' nodeDrainConfig (respectPdbDuringNodePoolDeletion): the vLLM
    // PodDisruptionBudget (maxUnavailable 1) keeps 2 of 3 pods.
    expect(row(changes, 'kubernetes:apps/v1:Deployment', VLLM)).toMatchObject({ impact: 'rolling', impactReasons: [expect.stringMatching(/keeps 2 of 3 pods/)] });
    expect(row(changes, 'gcp:container/nodePool:NodePool', 'inference-gateway-gpu')).toMatchObject({ action: 'replace', impact: 'rolling' });
    // A state written before that setting: GKE deletes the old pool ignoring the budget.
    const legacy = withoutDrainConfigs(runs.base);
    const fromLegacy = compareRuns(legacy, eight);
    expect(row(fromLegacy, 'kubernetes:apps/v1:Deployment', VLLM)).toMatchObject({ impact: 'outage', impactReasons: [expect.stringMatching(/without honouring PodDisruptionBudgets: all 3 pods/)] });
    expect(row(fromLegacy, 'gcp:container/nodePool:NodePool', 'inference-gateway-gpu')).toMatchObject({ impact: 'outage' });
  });
});
