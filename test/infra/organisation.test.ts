/**
 * A real organisation's project (issue 15): private nodes and Cloud NAT, a kubeconfig that works with
 * Application Default Credentials alone, the GKE service agent created before any Shared VPC grant,
 * the GPU quota and GKE version checked before the cluster, PodDisruptionBudgets respected when the GPU
 * pool is deleted, the APIs complete. Each new mock model is also shown catching the defect it is for.
 */
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { ADC_ARGUMENT } from '../../infra/kubeconfig';
import { poolDeletionRespectsPdbs, type RecordedResource } from '../../plan/mocks';
import { GPU_POOL_DELETE_TIMEOUT, GPU_UPGRADE_SETTINGS, NODE_DRAIN_CONFIG } from '../../infra/node-pools';
import { FLEX_START_MODEL_SERVER_TIMEOUT_SECONDS, MODEL_SERVER_TIMEOUT_SECONDS } from '../../infra/manifests';
import { compareRuns } from '../../plan/plan-model';
import { describeViolation } from '../../plan/cli';
import { runWithMocks, type MockRun } from '../../plan/program';
import { gpuQuotaNeeds, quotaValue, type QuotaDimensionsInfo } from '../../infra/quota';
import { resolveSpec } from '../../spec';
import { GPU_POOL, HF_TOKEN_KEY, NODE_POOL, REQUIRED_CONFIG, SYSTEM_POOL, one, ofType, plain, program, runExpectingFailure, runSpec, withoutDrainConfigs, type Inputs } from './harness';

const CLUSTER = 'gcp:container/cluster:Cluster';
const HOST = 'host-project';
const VLLM = 'pool-vllm-llama3-8b-instruct:default/vllm-llama3-8b-instruct';
const withConfig = (options: Omit<Parameters<typeof runWithMocks>[0], 'config'>, spec: unknown = {}) =>
  ({ config: { ...REQUIRED_CONFIG, 'inference-gateway:spec': JSON.stringify(spec) }, secretKeys: [HF_TOKEN_KEY], ...options }) as const;

/**
 * A failed check kept the cluster from being registered, while what does not wait for the checks (the
 * APIs, the network) was: the run got that far, so the cluster's absence is the check's doing.
 */
function expectStoppedBeforeCluster(resources: readonly RecordedResource[]): void {
  const types = resources.map((resource) => resource.type);
  expect(types).toEqual(expect.arrayContaining(['gcp:projects/service:Service', 'gcp:compute/network:Network']));
  expect(types).not.toContain(CLUSTER);
  expect(types).not.toContain(NODE_POOL);
}

/** Hours in a Go duration of hours and minutes ("3h", "90m", "1h30m"), as Pulumi's customTimeouts take. */
function goDurationHours(duration: string): number {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?$/.exec(duration);
  if (match === null || duration === '') throw new Error(`not a duration of hours and minutes: ${duration}`);
  return Number(match[1] ?? 0) + Number(match[2] ?? 0) / 60;
}

let defaults: MockRun;
let sharedVpc: MockRun;
let flex: MockRun;
beforeAll(async () => {
  defaults = await runSpec({});
  sharedVpc = await runSpec({ cluster: { sharedVpc: { hostProject: HOST, attachServiceProject: true } } });
  flex = await runSpec({ cluster: { gpuPool: { provisioning: 'flex-start' } } });
});

describe('private nodes and egress', () => {
  test('the cluster and every node pool have private nodes; the control plane keeps its public endpoint by default', () => {
    expect(plain(one(defaults, CLUSTER)).privateClusterConfig).toEqual({ enablePrivateNodes: true, enablePrivateEndpoint: false });
    const pools = ofType(defaults, NODE_POOL);
    expect(pools.map((pool) => pool.name).sort()).toEqual([GPU_POOL, SYSTEM_POOL]);
    for (const pool of pools) expect((plain(pool).networkConfig as Inputs).enablePrivateNodes).toBe(true);
  });

  test('a Cloud Router and Cloud NAT give the node subnet (all its ranges) egress, and the cluster waits for them', () => {
    const nat = plain(one(defaults, 'gcp:compute/routerNat:RouterNat'));
    const router = one(defaults, 'gcp:compute/router:Router');
    expect(nat).toMatchObject({ region: 'us-central1', sourceSubnetworkIpRangesToNat: 'LIST_OF_SUBNETWORKS', natIpAllocateOption: 'AUTO_ONLY', router: plain(router).name });
    expect(nat.subnetworks).toEqual([{ name: 'https://www.googleapis.com/compute/v1/projects/example-project/regions/us-central1/subnetworks/inference-gateway-nodes', sourceIpRangesToNats: ['ALL_IP_RANGES'] }]);
    expect(one(defaults, CLUSTER).options.dependencies).toEqual(expect.arrayContaining([one(defaults, 'gcp:compute/routerNat:RouterNat').urn, router.urn]));
  });

  test('createNat: false leaves the NAT to the network owner; a private endpoint and authorized networks reach the cluster', async () => {
    const run = await runSpec({ cluster: { network: { createNat: false }, controlPlane: { privateEndpoint: true, authorizedNetworks: ['203.0.113.0/24'] } } });
    expect(ofType(run, 'gcp:compute/routerNat:RouterNat')).toEqual([]);
    const cluster = plain(one(run, CLUSTER));
    expect(cluster.privateClusterConfig).toEqual({ enablePrivateNodes: true, enablePrivateEndpoint: true });
    expect(cluster.masterAuthorizedNetworksConfig).toEqual({ cidrBlocks: [{ cidrBlock: '203.0.113.0/24', displayName: '203.0.113.0/24' }] });
  });

  test('an authorized network that is not a CIDR range is a spec error naming the field', () => {
    expect(() => resolveSpec({ cluster: { controlPlane: { authorizedNetworks: ['office'] } } })).toThrow(/cluster\.controlPlane\.authorizedNetworks\[0\]: must be an IPv4 CIDR range/);
  });
});

describe('credentials', () => {
  test('the kubeconfig runs gke-gcloud-auth-plugin with Application Default Credentials and holds no token', () => {
    const provider = one(defaults, 'pulumi:providers:kubernetes');
    const kubeconfig = JSON.parse(String(plain(provider).kubeconfig)) as { users: { user: Record<string, Record<string, unknown>> }[] };
    const user = kubeconfig.users[0].user;
    expect(user.exec).toMatchObject({ command: 'gke-gcloud-auth-plugin', args: [ADC_ARGUMENT] });
    expect(ADC_ARGUMENT).toBe('--use_application_default_credentials');
    expect(Object.keys(user)).toEqual(['exec']);
  });
});

describe('APIs and identities', () => {
  test('Logging, Monitoring and Cloud Quotas are enabled, and every API after Service Usage and Resource Manager', () => {
    const services = ofType(defaults, 'gcp:projects/service:Service');
    expect(services.map((service) => service.inputs.service)).toEqual(expect.arrayContaining(['logging.googleapis.com', 'monitoring.googleapis.com', 'cloudquotas.googleapis.com']));
    expect(defaults.violations).toEqual([]);
    const bootstrap = services.filter((service) => ['serviceusage.googleapis.com', 'cloudresourcemanager.googleapis.com'].includes(String(service.inputs.service)));
    for (const service of services.filter((candidate) => !bootstrap.includes(candidate))) {
      expect(service.options.dependencies).toEqual(expect.arrayContaining(bootstrap.map((first) => first.urn)));
    }
  });

  test('no node runs as the Compute Engine default account: the default pool runs as the nodes\' account too', () => {
    const account = one(defaults, 'gcp:serviceaccount/account:Account');
    expect((plain(one(defaults, CLUSTER)).nodeConfig as Inputs).serviceAccount).toBe('inference-gateway-nodes@example-project.iam.gserviceaccount.com');
    expect(one(defaults, CLUSTER).options.dependencies).toContain(account.urn);
    for (const pool of ofType(defaults, NODE_POOL)) expect((plain(pool).nodeConfig as Inputs).serviceAccount).toBe('inference-gateway-nodes@example-project.iam.gserviceaccount.com');
  });
});

describe('Shared VPC', () => {
  test('the GKE service agent is created (finished) before any grant to it, and the service project is attached', () => {
    expect(sharedVpc.violations).toEqual([]);
    const identity = one(sharedVpc, 'gcp:projects/serviceIdentity:ServiceIdentity');
    expect(plain(identity)).toMatchObject({ project: 'example-project', service: 'container.googleapis.com' });
    const grants = sharedVpc.resources.filter((resource) => resource.type.includes('IAMMember') && String(resource.inputs.member).includes('container-engine-robot'));
    expect(grants).toHaveLength(3);
    for (const grant of grants) expect(grant.options.dependencies).toContain(identity.urn);
    expect(plain(one(sharedVpc, 'gcp:compute/sharedVPCServiceProject:SharedVPCServiceProject'))).toEqual({ hostProject: HOST, serviceProject: 'example-project' });
    expect(one(sharedVpc, CLUSTER).options.dependencies).toEqual(expect.arrayContaining([identity.urn, ...grants.map((grant) => grant.urn)]));
  });

  test('without attachServiceProject the stack does not attach the project (a Shared VPC Admin does)', async () => {
    const run = await runSpec({ cluster: { sharedVpc: { hostProject: HOST } } });
    expect(ofType(run, 'gcp:compute/sharedVPCServiceProject:SharedVPCServiceProject')).toEqual([]);
  });
});

describe('GPU quota, read before anything costly', () => {
  test('every quota the pool needs is read before the cluster create starts', () => {
    const quotaReads = defaults.events.flatMap((event, index) => (event === 'invoke gcp:cloudquota/getSQuotaInfo:getSQuotaInfo' ? [index] : []));
    expect(quotaReads).toHaveLength(2);
    expect(Math.max(...quotaReads)).toBeLessThan(defaults.events.indexOf('resource gcp:container/cluster:Cluster inference-gateway'));
    const ids = defaults.calls.filter((call) => call.token === 'gcp:cloudquota/getSQuotaInfo:getSQuotaInfo').map((call) => call.inputs.quotaId);
    expect(ids.sort()).toEqual(['GPUS-ALL-REGIONS-per-project', 'PREEMPTIBLE-NVIDIA-H100-GPUS-per-project-region']);
  });

  test('with a quota of 0 the program fails before the cluster, naming the quota, the need and the value', async () => {
    const { error, resources } = await runExpectingFailure(withConfig({ quotas: { 'PREEMPTIBLE-NVIDIA-H100-GPUS-per-project-region': 0 } }));
    expectStoppedBeforeCluster(resources);
    expect(error).toBeInstanceOf(pulumi.RunError);
    expect(error.message).toBe(
      'GPU quota PREEMPTIBLE-NVIDIA-H100-GPUS-per-project-region (region=us-central1) of project example-project is 0, but cluster.gpuPool needs 3 (maxNodes x acceleratorCount); ' +
        'request more at https://console.cloud.google.com/iam-admin/quotas?project=example-project or lower cluster.gpuPool.maxNodes',
    );
  });

  test('GPUS_ALL_REGIONS counts too, and on-demand pools read the per-family quota', async () => {
    const { error } = await runExpectingFailure(withConfig({ quotas: { 'GPUS-ALL-REGIONS-per-project': 8 } }, { cluster: { gpuPool: { acceleratorCount: 8, maxNodes: 2, provisioning: 'on-demand' } } }));
    expect(error.message).toMatch(/^GPU quota GPUS-ALL-REGIONS-per-project of project example-project is 8, but cluster.gpuPool needs 16 /);
    const onDemand = resolveSpec({ cluster: { gpuPool: { acceleratorCount: 8, provisioning: 'on-demand' } } }).cluster.gpuPool;
    expect(gpuQuotaNeeds(onDemand, 'us-east5')[0]).toEqual({ quotaId: 'GPUS-PER-GPU-FAMILY-per-project-region', dimensions: { region: 'us-east5', gpu_family: 'NVIDIA_H100' }, gpus: 24 });
  });

  test('the applicable value is the most specific matching dimensionsInfo; -1 is unlimited, none is 0', () => {
    const infos: QuotaDimensionsInfo[] = [
      { dimensions: { region: 'us-central1' }, details: [{ value: '16' }] },
      { dimensions: { region: 'europe-west4' }, details: [{ value: '-1' }] },
      { dimensions: {}, details: [{ value: '0' }] },
    ];
    expect(quotaValue(infos, { region: 'us-central1' })).toBe(16);
    expect(quotaValue(infos, { region: 'europe-west4' })).toBe(Infinity);
    expect(quotaValue(infos, { region: 'asia-southeast1' })).toBe(0);
    expect(quotaValue([], { region: 'us-central1' })).toBe(0);
  });
});

describe('GKE version gate', () => {
  test('the GA profile in a region offering GKE 1.33 at most fails naming 1.34.0-gke.1626000', async () => {
    const { error, resources } = await runExpectingFailure(withConfig({ offeredVersions: { validMasterVersions: ['1.33.5-gke.1080000', '1.32.3-gke.1785000'] } }, { inferenceExtension: { version: 'llm-d-v0.10.0' } }));
    expectStoppedBeforeCluster(resources);
    expect(error.message).toBe(
      'cluster.version: us-central1 offers GKE 1.33.5-gke.1080000 at most on the RAPID channel, but this deployment needs 1.34.0-gke.1626000 or later; choose another region or release channel (gcloud container get-server-config --region us-central1)',
    );
  });

  test("the guide's profile runs there, and the channel's own newest version decides when the region names one", async () => {
    await expect(runWithMocks(withConfig({ offeredVersions: { validMasterVersions: ['1.33.5-gke.1080000'] } }))).resolves.toBeDefined();
    const { error } = await runExpectingFailure(
      withConfig({ offeredVersions: { validMasterVersions: ['1.35.1-gke.1396000'], releaseChannelLatestVersion: { RAPID: '1.33.5-gke.1080000' } } }, { inferenceExtension: { version: 'llm-d-v0.10.0' } }),
    );
    expect(error.message).toMatch(/offers GKE 1.33.5-gke.1080000 at most on the RAPID channel/);
  });
});

describe('replacements that keep serving', () => {
  test('both pools respect PodDisruptionBudgets when deleted, and the GPU pool waits long enough for its pods to move', () => {
    for (const pool of ofType(defaults, NODE_POOL)) {
      expect(plain(pool).nodeDrainConfigs).toEqual([NODE_DRAIN_CONFIG]);
      expect(plain(pool).nodeDrainConfigs).toEqual([{ respectPdbDuringNodePoolDeletion: true }]);
      expect(poolDeletionRespectsPdbs(plain(pool))).toBe(true);
    }
    expect(one(defaults, NODE_POOL, GPU_POOL).options.deleteTimeout).toBe(GPU_POOL_DELETE_TIMEOUT);
    // Moving each model server means a new H100 node, the image and the model: far beyond the
    // provider's 30-minute default for a node pool delete; at least an hour.
    const deleteTimeout = String(one(defaults, NODE_POOL, GPU_POOL).options.deleteTimeout);
    expect(deleteTimeout).toBe('3h');
    expect(goDurationHours(deleteTimeout)).toBeGreaterThanOrEqual(1);
  });

  test('the wait for the model servers is bounded: 40 minutes, an hour with flex-start capacity', () => {
    const timeout = (run: MockRun) => run.objects.find((entry) => entry.name === VLLM)?.object.metadata?.annotations?.['pulumi.com/timeoutSeconds'];
    expect(timeout(defaults)).toBe(String(MODEL_SERVER_TIMEOUT_SECONDS));
    expect(timeout(defaults)).toBe('2400');
    expect(MODEL_SERVER_TIMEOUT_SECONDS).toBeLessThan(3600);
    expect(timeout(flex)).toBe(String(FLEX_START_MODEL_SERVER_TIMEOUT_SECONDS));
    expect(timeout(flex)).toBe('3600');
  });

  test('flex-start pools send no upgrade settings (GKE upgrades them short-lived); Spot keeps surge-free upgrades', () => {
    expect(plain(one(flex, NODE_POOL, GPU_POOL))).not.toHaveProperty('upgradeSettings');
    expect((plain(one(flex, NODE_POOL, GPU_POOL)).management as Inputs).autoRepair).toBe(false);
    expect(plain(one(defaults, NODE_POOL, GPU_POOL)).upgradeSettings).toEqual(GPU_UPGRADE_SETTINGS);
    expect(plain(one(defaults, NODE_POOL, GPU_POOL)).upgradeSettings).toEqual({ strategy: 'SURGE', maxSurge: 0, maxUnavailable: 1 });
  });

  test('the plan says outage when the pool being deleted ignores PodDisruptionBudgets, and a move one at a time when it does not', () => {
    const respecting = compareRuns(defaults, flex).find((change) => change.name === VLLM);
    expect(respecting?.reasons.join('; ')).toMatch(/respects the PodDisruptionBudget: pods move one at a time/);
    expect(respecting?.impact).toBe('rolling');
    // A stack made before this change: its pool carries no drain config.
    const legacy = withoutDrainConfigs(defaults);
    const ignoring = compareRuns(legacy, flex).find((change) => change.name === VLLM);
    expect(ignoring?.restarts).toBe(true);
    expect(ignoring?.reasons.join('; ')).toMatch(/ignores PodDisruptionBudgets/);
    expect(ignoring?.impact).toBe('outage');
  });
});

const AGENT = 'serviceAccount:service-123456789012@container-engine-robot.iam.gserviceaccount.com';

describe('the new mock models catch the defects they are for', () => {
  test('a grant to the GKE service agent right after the API enablement, as the program did, is reported', async () => {
    const run = await program(() => {
      new gcp.projects.IAMMember('grant', { project: 'h', role: 'roles/container.hostServiceAgentUser', member: AGENT });
    });
    expect(run.violations.filter((violation) => violation.kind === 'agent')).toEqual([
      { kind: 'agent', type: 'gcp:projects/iAMMember:IAMMember', name: 'grant', api: 'container.googleapis.com', project: 'h', member: AGENT },
    ]);
  });

  test('the same grant after the ServiceIdentity has finished is not', async () => {
    const run = await program(() => {
      const identity = new gcp.projects.ServiceIdentity('agent', { project: 'p', service: 'container.googleapis.com' });
      new gcp.projects.IAMMember('grant', { project: 'h', role: 'roles/container.hostServiceAgentUser', member: AGENT }, { dependsOn: [identity] });
    });
    expect(run.resources.map((resource) => resource.name)).toEqual(['agent', 'grant']);
    expect(run.violations.filter((violation) => violation.kind === 'agent')).toEqual([]);
  });

  test('an API enabled before Service Usage and Resource Manager, or without waiting for them, is reported', async () => {
    const run = await program(() => {
      new gcp.projects.Service('early', { project: 'p', service: 'container.googleapis.com' });
      const usage = new gcp.projects.Service('usage', { project: 'p', service: 'serviceusage.googleapis.com' });
      const manager = new gcp.projects.Service('manager', { project: 'p', service: 'cloudresourcemanager.googleapis.com' });
      new gcp.projects.Service('ordered', { project: 'p', service: 'compute.googleapis.com' }, { dependsOn: [usage, manager] });
    });
    expect(run.resources.map((resource) => resource.name)).toEqual(expect.arrayContaining(['early', 'usage', 'manager', 'ordered']));
    expect(run.violations.map((violation) => `${violation.name} ${violation.api}`)).toEqual(['early serviceusage.googleapis.com', 'early cloudresourcemanager.googleapis.com']);
  });

  test('a quota read before the Cloud Quotas API is enabled is reported (403 on a first run)', async () => {
    const run = await program(() => {
      new gcp.projects.Service('quotas', { project: 'p', service: 'cloudquotas.googleapis.com' });
      gcp.cloudquota.getSQuotaInfoOutput({ parent: 'projects/p', service: 'compute.googleapis.com', quotaId: 'GPUS-ALL-REGIONS-per-project' });
    });
    expect(run.violations).toEqual([{ kind: 'invoke', type: 'gcp:cloudquota/getSQuotaInfo:getSQuotaInfo', api: 'cloudquotas.googleapis.com', project: 'p' }]);
  });

  test('a pool deletion without the drain setting is modelled as ignoring PodDisruptionBudgets', () => {
    expect(poolDeletionRespectsPdbs({})).toBe(false);
    expect(poolDeletionRespectsPdbs({ nodeDrainConfigs: [{ respectPdbDuringNodePoolDeletion: false }] })).toBe(false);
    expect(poolDeletionRespectsPdbs({ nodeDrainConfigs: [{ respectPdbDuringNodePoolDeletion: true }] })).toBe(true);
  });
});

describe('the plan names a grant to a missing service agent', () => {
  test('describeViolation says which agent and why', () => {
    expect(describeViolation({ kind: 'agent', type: 'gcp:projects/iAMMember:IAMMember', name: 'grant', api: 'container.googleapis.com', project: 'h', member: AGENT })).toBe(
      `  gcp:projects/iAMMember:IAMMember grant grants to ${AGENT}, the container.googleapis.com service agent, before a ServiceIdentity has created it ("does not exist" on a first run)`,
    );
  });

  test('describeViolation says which Workload Identity principal came before its cluster', () => {
    const member = 'serviceAccount:p.svc.id.goog[app/reader]';
    expect(describeViolation({ kind: 'pool', type: 'gcp:projects/iAMMember:IAMMember', name: 'grant', api: 'container.googleapis.com', project: 'p', member })).toBe(
      `  gcp:projects/iAMMember:IAMMember grant grants to ${member}, a Workload Identity principal, before the cluster that creates its pool ("Identity Pool does not exist" on a first run)`,
    );
  });
});
