/**
 * Issue 9: the first `pulumi up` on an empty project succeeds, and day-2 changes do what the plan says
 * and nothing worse. The mocks model what Google Cloud and the engine do with what the program sends
 * (plan/mocks.ts, plan/plan-model.ts); one program run per spec, then one behaviour per test.
 */
import { GPU_TAINT } from '../../infra/node-pools';
import { SHARED_VPC_FIREWALL_ROLE } from '../../infra/network';
import { compareRuns, mustPrecede, waitsFor, type PlannedChange } from '../../plan/plan-model';
import { runWithMocks, type MockRun } from '../../plan/program';
import { HF_TOKEN_KEY, NODE_POOL, GPU_POOL, SYSTEM_POOL, REQUIRED_CONFIG, one, ofType, plain, proxyOnlySubnets, runSpec, type Inputs } from './harness';

const HOST = 'host-project';
const CLUSTER = 'gcp:container/cluster:Cluster';
const VLLM = 'pool-vllm-llama3-8b-instruct:default/vllm-llama3-8b-instruct';

let defaults: MockRun;
let flexSharedVpc: MockRun;
let existingNetwork: MockRun;
let eightGpus: MockRun;
let flexStart: MockRun;
let later: MockRun;
let withAdapter: MockRun;
beforeAll(async () => {
  defaults = await runSpec({});
  flexSharedVpc = await runSpec({ cluster: { sharedVpc: { hostProject: HOST }, gpuPool: { provisioning: 'flex-start' } } });
  existingNetwork = await runSpec({ cluster: { deletionProtection: false, network: { createNetwork: false, createProxyOnlySubnet: false } } });
  eightGpus = await runSpec({ cluster: { gpuPool: { acceleratorCount: 8 } } });
  flexStart = await runSpec({ cluster: { gpuPool: { provisioning: 'flex-start' } } });
  // The same stack a few weeks later, with more GPU nodes allowed: the release channel's default moved on.
  later = await runWithMocks({ config: { ...REQUIRED_CONFIG, 'inference-gateway:spec': JSON.stringify({ cluster: { gpuPool: { maxNodes: 5 } } }) }, secretKeys: [HF_TOKEN_KEY], channelDefaults: { RAPID: '1.35.1-gke.1200' } });
  withAdapter = await runSpec({
    pools: [
      {
        name: 'vllm-llama3-8b-instruct',
        adapters: {
          models: [
            { id: 'food-review', source: 'Kawon/llama3.1-food-finetune_v14_r8' },
            { id: 'cad-fabricator', source: 'redcathode/fabricator' },
            { id: 'sql-lora', source: 'someone/sql-lora' },
          ],
        },
        models: [
          { name: 'food-review', modelName: 'food-review', criticality: 'Standard', targetModels: [{ name: 'food-review', weight: 100 }] },
          { name: 'llama3-base-model', modelName: 'meta-llama/Llama-3.1-8B-Instruct', criticality: 'Critical' },
          { name: 'cad-fabricator', modelName: 'cad-fabricator', criticality: 'Standard' },
          // The v0.3.0 picker refuses a model name without an InferenceModel: a new adapter comes with one.
          { name: 'sql-lora', modelName: 'sql-lora', criticality: 'Standard' },
        ],
      },
    ],
  });
});

const change = (changes: readonly PlannedChange[], type: string, name: string): PlannedChange => {
  const found = changes.find((c) => c.type === type && c.name === name);
  if (found === undefined) throw new Error(`no planned change for ${type} ${name}`);
  return found;
};
const gpuPool = (run: MockRun) => plain(one(run, NODE_POOL, GPU_POOL));
const systemPool = (run: MockRun) => plain(one(run, NODE_POOL, SYSTEM_POOL));

describe('1. a first run in an empty project calls no API before it is enabled', () => {
  test.each([
    ['the defaults', () => defaults],
    ['Shared VPC with flex-start', () => flexSharedVpc],
    ['an existing network (looked up with getNetwork)', () => existingNetwork],
  ])('with %s, no resource or invoke of container, compute, networkservices, IAM or Resource Manager runs before its enablement completed', (_, run) => {
    expect(run().violations).toEqual([]);
  });

  test('getEngineVersions, getNetwork and getProject are all called (after the enablement), not skipped', () => {
    expect(defaults.calls.map((call) => call.token)).toContain('gcp:container/getEngineVersions:getEngineVersions');
    expect(existingNetwork.calls.map((call) => call.token)).toContain('gcp:compute/getNetwork:getNetwork');
    expect(flexSharedVpc.calls.map((call) => call.token)).toContain('gcp:organizations/getProject:getProject');
  });

  test('the APIs a first run needs are enabled: IAM for the node service account, Resource Manager for project grants and getProject', () => {
    expect(ofType(defaults, 'gcp:projects/service:Service').map((s) => plain(s).service)).toEqual(expect.arrayContaining(['iam.googleapis.com', 'cloudresourcemanager.googleapis.com']));
  });
});

describe('2. flex-start', () => {
  test('the flex-start GPU pool has auto-repair off (GKE creates flex-start pools with --no-enable-autorepair)', () => {
    expect(gpuPool(flexStart).management).toEqual({ autoRepair: false, autoUpgrade: true });
  });

  test('Spot and the system pool keep auto-repair on', () => {
    expect((gpuPool(defaults).management as Inputs).autoRepair).toBe(true);
    expect((systemPool(flexStart).management as Inputs).autoRepair).toBe(true);
  });
});

describe('3. replacing the GPU pool keeps serving', () => {
  test('changing acceleratorCount replaces the GPU pool, creating the new pool before deleting the old one', () => {
    expect(change(compareRuns(defaults, eightGpus), NODE_POOL, GPU_POOL)).toMatchObject({ action: 'replace', replaceOrder: 'create-before-delete' });
  });

  test('changing provisioning replaces the GPU pool the same way', () => {
    expect(change(compareRuns(defaults, flexStart), NODE_POOL, GPU_POOL)).toMatchObject({ action: 'replace', replaceOrder: 'create-before-delete' });
  });

  test('the replacement gets a new name, so it cannot collide with the pool it replaces', () => {
    expect(gpuPool(eightGpus).name).not.toBe(gpuPool(defaults).name);
    expect(gpuPool(defaults).name).toMatch(/^gpu-[0-9a-f]{8}$/);
  });

  test("the default spec's pool names stay what they are: any change to them replaces both pools of every existing stack", () => {
    // Changing plan/force-new.ts or the pools' inputs can change these names; if that is intended,
    // say in the change that the next pulumi up replaces the pools (new first).
    expect([systemPool(defaults).name, gpuPool(defaults).name]).toEqual(['system-f6e5a2d8', 'gpu-6cae3662']);
  });

  test('the vLLM pods restart when their pool is replaced (GKE drains the old nodes)', () => {
    expect(change(compareRuns(defaults, eightGpus), 'kubernetes:apps/v1:Deployment', VLLM).restarts).toBe(true);
  });

  test('raising maxNodes updates the pool in place, keeping its name and its pods', () => {
    const changes = compareRuns(defaults, later);
    expect(change(changes, NODE_POOL, GPU_POOL).action).toBe('update');
    expect(gpuPool(later).name).toBe(gpuPool(defaults).name);
    expect(change(changes, 'kubernetes:apps/v1:Deployment', VLLM).restarts).toBe(false);
  });

  test('adding an adapter replaces nothing: the adapters ConfigMap is updated in place and no pod restarts', () => {
    const changes = compareRuns(defaults, withAdapter);
    expect(changes.filter((c) => c.action === 'replace')).toEqual([]);
    expect(change(changes, 'kubernetes:core/v1:ConfigMap', 'pool-vllm-llama3-8b-instruct:default/vllm-llama3-8b-adapters').action).toBe('update');
    expect(changes.filter((c) => c.restarts === true)).toEqual([]);
  });

  test('both pools ask for create-before-delete explicitly, overriding the bridge for names the program sets', () => {
    for (const pool of ofType(defaults, NODE_POOL)) expect(pool.options.deleteBeforeReplace).toBe(false);
  });
});

describe('4. GPU taint', () => {
  test('the GPU pool carries nvidia.com/gpu=present:NoSchedule itself, not relying on GKE adding it', () => {
    expect((gpuPool(defaults).nodeConfig as Inputs).taints).toEqual([{ key: 'nvidia.com/gpu', value: 'present', effect: 'NO_SCHEDULE' }]);
    expect(GPU_TAINT.key).toBe('nvidia.com/gpu');
  });

  test('the system pool has no taint', () => {
    expect((systemPool(defaults).nodeConfig as Inputs).taints).toBeUndefined();
  });
});

describe('5. node identity', () => {
  const email = 'inference-gateway-nodes@example-project.iam.gserviceaccount.com';

  test('a dedicated service account exists for the nodes', () => {
    expect(plain(one(defaults, 'gcp:serviceaccount/account:Account'))).toMatchObject({ project: 'example-project', accountId: 'inference-gateway-nodes' });
  });

  test('it has Kubernetes Engine Default Node Service Account and Artifact Registry Reader on the project', () => {
    const grants = ofType(defaults, 'gcp:projects/iAMMember:IAMMember').map(plain);
    expect(grants).toEqual(
      expect.arrayContaining([
        { project: 'example-project', role: 'roles/container.defaultNodeServiceAccount', member: `serviceAccount:${email}` },
        { project: 'example-project', role: 'roles/artifactregistry.reader', member: `serviceAccount:${email}` },
      ]),
    );
  });

  test('both pools run as it, and are created only after its roles are granted', () => {
    const grants = ofType(defaults, 'gcp:projects/iAMMember:IAMMember');
    for (const pool of ofType(defaults, NODE_POOL)) {
      expect((plain(pool).nodeConfig as Inputs).serviceAccount).toBe(email);
      for (const grant of grants) expect(waitsFor(defaults, pool.urn, grant.urn)).toBe(true);
    }
  });
});

describe('6. upgrades', () => {
  test('the GPU pool upgrades without surge, one node at a time', () => {
    expect(gpuPool(defaults).upgradeSettings).toEqual({ strategy: 'SURGE', maxSurge: 0, maxUnavailable: 1 });
  });

  test('a newer release channel default on a later run leaves the cluster unchanged (minMasterVersion is read at creation only)', () => {
    expect(plain(one(later, CLUSTER)).minMasterVersion).toBe('1.35.1-gke.1200');
    expect(one(defaults, CLUSTER).options.ignoreChanges).toEqual(['minMasterVersion', 'nodeConfig']);
    expect(change(compareRuns(defaults, later), CLUSTER, 'inference-gateway').action).toBe('same');
  });
});

describe('7. teardown', () => {
  test('deletionProtection also sets Pulumi protect on the cluster, so a mistaken destroy deletes nothing', () => {
    expect(one(defaults, CLUSTER).options.protect).toBe(true);
    expect(plain(one(defaults, CLUSTER)).deletionProtection).toBe(true);
  });

  test('deletionProtection false lifts both', () => {
    expect(one(existingNetwork, CLUSTER).options.protect).toBe(false);
    expect(plain(one(existingNetwork, CLUSTER)).deletionProtection).toBe(false);
  });

  test('the cluster, the pools and every Kubernetes object wait for the whole network, so destroy removes them before the VPC and both subnets', () => {
    const network = [one(defaults, 'gcp:compute/network:Network'), ...ofType(defaults, 'gcp:compute/subnetwork:Subnetwork')];
    expect(proxyOnlySubnets(defaults)).toHaveLength(1);
    const dependents = defaults.resources.filter((r) => r.readId === undefined && (r.type === CLUSTER || r.type === NODE_POOL || r.type.startsWith('kubernetes:') || r.type === 'pulumi:providers:kubernetes'));
    expect(dependents.length).toBeGreaterThan(5);
    for (const dependent of dependents) for (const part of network) expect(`${dependent.name} waits for ${part.name}: ${waitsFor(defaults, dependent.urn, part.urn)}`).toBe(`${dependent.name} waits for ${part.name}: true`);
  });

  test('with Shared VPC the cluster also waits for every host-project grant', () => {
    const cluster = one(flexSharedVpc, CLUSTER);
    const grants = [...ofType(flexSharedVpc, 'gcp:compute/subnetworkIAMMember:SubnetworkIAMMember'), ...ofType(flexSharedVpc, 'gcp:projects/iAMMember:IAMMember').filter((g) => plain(g).project === HOST)];
    expect(grants).toHaveLength(4);
    for (const grant of grants) expect(waitsFor(flexSharedVpc, cluster.urn, grant.urn)).toBe(true);
  });
});

describe('8. Shared VPC firewall rules', () => {
  const agent = 'serviceAccount:service-123456789012@container-engine-robot.iam.gserviceaccount.com';

  test('the GKE agent may write firewall rules in the host project (Compute Security Admin), not only read them', () => {
    expect(SHARED_VPC_FIREWALL_ROLE).toBe('roles/compute.securityAdmin');
    expect(ofType(flexSharedVpc, 'gcp:projects/iAMMember:IAMMember').map(plain)).toContainEqual({ project: HOST, role: 'roles/compute.securityAdmin', member: agent });
  });

  test('without Shared VPC nothing is granted on another project', () => {
    expect(ofType(defaults, 'gcp:projects/iAMMember:IAMMember').map((g) => plain(g).project)).toEqual(['example-project', 'example-project']);
  });
});

describe('9. region', () => {
  test('changing only cluster.region moves the cluster, both subnets and the GPU zones to that region', async () => {
    const europe = await runSpec({ cluster: { region: 'europe-west4' } });
    expect(plain(one(europe, CLUSTER)).location).toBe('europe-west4');
    expect(ofType(europe, 'gcp:compute/subnetwork:Subnetwork').map((s) => plain(s).region)).toEqual(['europe-west4', 'europe-west4']);
    expect(gpuPool(europe).nodeLocations).toEqual(['europe-west4-b', 'europe-west4-c']);
    expect(europe.violations).toEqual([]);
  });
});

describe('ConfigGroup ordering in the deployed program (config-group-order.ts)', () => {
  test("a chart's objects wait for the token Secret their group depends on, but not for each other unless annotated", () => {
    expect(mustPrecede(defaults, { kind: 'Secret', name: 'hf-token' }, { kind: 'Deployment', name: 'vllm-llama3-8b-instruct' })).toBe(true);
    expect(mustPrecede(defaults, { kind: 'ServiceAccount', name: 'vllm-llama3-8b-instruct-epp' }, { kind: 'Deployment', name: 'vllm-llama3-8b-instruct-epp' })).toBe(false);
    expect(mustPrecede(defaults, { kind: 'Deployment', name: 'vllm-llama3-8b-instruct' }, { kind: 'Secret', name: 'hf-token' })).toBe(false);
  });
});
