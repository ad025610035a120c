/**
 * One program run per flag combination (as in cluster-toolkit's plan tests): each test states the spec
 * it deploys and the resource settings that follow from it. The modules are loaded once; every run
 * installs fresh mocks.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { A3_LOCAL_SSD_COUNT, GPU_UPGRADE_SETTINGS, provisioningSettings } from '../../infra/node-pools';
import { withPulumiAwait, type KubeObject } from '../../infra/manifests';
import { creationVersion } from '../../infra/cluster';
import { namespaceObject } from '../../charts-gen/gitops-bundle';
import { runWithMocks, type MockRun } from '../../plan/program';
import { completionsRequest } from '../../infra/stack';
import { A3_MACHINE_TYPES, resolveSpec } from '../../spec';
import { CONFIG_GROUP, GPU_POOL, HF_TOKEN_KEY, NODE_POOL, PROJECT, REQUIRED_CONFIG, SUBNETWORK, gpuNodeConfig, one, ofType, plain, proxyOnlySubnets, run, runSpec, type Inputs } from './harness';

const HOST = 'host-project';
const GKE_AGENT = 'serviceAccount:service-123456789012@container-engine-robot.iam.gserviceaccount.com';

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the program to fail');
}

describe('gateway classes', () => {
  test('gke-l7-rilb still gets the proxy-only subnet: its Envoy proxies take their addresses from it too', async () => {
    const result = await runSpec({ gateway: { className: 'gke-l7-rilb' } });
    expect(proxyOnlySubnets(result).map(plain)).toEqual([expect.objectContaining({ region: 'us-central1', purpose: 'REGIONAL_MANAGED_PROXY', role: 'ACTIVE' })]);
    const gateway = (plain(one(result, CONFIG_GROUP, 'gateway')).objs as KubeObject[]).find((o) => o.kind === 'Gateway');
    expect((gateway?.spec as Inputs).gatewayClassName).toBe('gke-l7-rilb');
  });

  test('createProxyOnlySubnet false creates none, reusing the region one', async () => {
    const result = await runSpec({ cluster: { network: { createProxyOnlySubnet: false } } });
    expect(proxyOnlySubnets(result)).toHaveLength(0);
    expect(ofType(result, SUBNETWORK).map((s) => s.name)).toEqual(['inference-gateway-nodes']);
  });
});

describe('cluster version', () => {
  const channelDefaults = { RAPID: '1.34.1-gke.1000', REGULAR: '1.33.5-gke.1200', STABLE: '1.32.9-gke.1100' };
  const clusterVersion = (result: MockRun) => plain(one(result, 'gcp:container/cluster:Cluster')).minMasterVersion;

  test("is the release channel's default in the region when that is at least the spec minimum", async () => {
    const result = await runWithMocks({ config: REQUIRED_CONFIG, secretKeys: [HF_TOKEN_KEY], channelDefaults });
    expect(result.calls).toContainEqual({ token: 'gcp:container/getEngineVersions:getEngineVersions', inputs: { project: PROJECT, location: 'us-central1' } });
    expect(clusterVersion(result)).toBe('1.34.1-gke.1000');
  });

  test('follows the chosen channel', async () => {
    const config = { ...REQUIRED_CONFIG, 'inference-gateway:spec': JSON.stringify({ cluster: { releaseChannel: 'STABLE' } }) };
    const result = await runWithMocks({ config, secretKeys: [HF_TOKEN_KEY], channelDefaults });
    expect(clusterVersion(result)).toBe('1.32.9-gke.1100');
  });

  test("is the spec minimum when the channel's default is older", async () => {
    const config = { ...REQUIRED_CONFIG, 'inference-gateway:spec': JSON.stringify({ cluster: { version: '1.35.0' } }) };
    const result = await runWithMocks({ config, secretKeys: [HF_TOKEN_KEY], channelDefaults });
    expect(clusterVersion(result)).toBe('1.35.0');
  });

  test('compares GKE builds, not strings', () => {
    expect(creationVersion('1.32.10-gke.100', '1.32.9')).toBe('1.32.10-gke.100');
    expect(creationVersion('1.32.3-gke.1785000', '1.32.3')).toBe('1.32.3-gke.1785000');
    expect(creationVersion('1.31.9-gke.100', '1.32.3')).toBe('1.32.3');
    expect(creationVersion(undefined, '1.32.3')).toBe('1.32.3');
  });
});

describe('a second stack in an existing network', () => {
  test('looks the VPC up, adds only its own node subnet and reuses the proxy-only subnet', async () => {
    const result = await runSpec({
      cluster: {
        name: 'second',
        network: { createNetwork: false, createProxyOnlySubnet: false, nodeCidr: '10.16.0.0/20', podCidr: '10.20.0.0/14', serviceCidr: '10.24.0.0/20' },
      },
    });
    expect(ofType(result, 'gcp:compute/network:Network')).toHaveLength(0);
    expect(result.calls).toContainEqual({ token: 'gcp:compute/getNetwork:getNetwork', inputs: { name: 'inference-gateway', project: PROJECT } });
    expect(proxyOnlySubnets(result)).toHaveLength(0);
    expect(plain(one(result, SUBNETWORK, 'second-nodes'))).toMatchObject({
      network: `projects/${PROJECT}/global/networks/inference-gateway`,
      ipCidrRange: '10.16.0.0/20',
      secondaryIpRanges: [
        { rangeName: 'second-pods', ipCidrRange: '10.20.0.0/14' },
        { rangeName: 'second-services', ipCidrRange: '10.24.0.0/20' },
      ],
    });
    expect(plain(one(result, 'gcp:container/cluster:Cluster', 'second'))).toMatchObject({
      network: `projects/${PROJECT}/global/networks/inference-gateway`,
      ipAllocationPolicy: { clusterSecondaryRangeName: 'second-pods', servicesSecondaryRangeName: 'second-services' },
    });
  });
});

describe('GPU pool', () => {
  test('acceleratorCount 8 picks a3-highgpu-8g with 8 H100s and 16 local SSDs', async () => {
    const result = await runSpec({ cluster: { gpuPool: { acceleratorCount: 8 } } });
    expect(gpuNodeConfig(result)).toMatchObject({
      machineType: 'a3-highgpu-8g',
      guestAccelerators: [{ type: 'nvidia-h100-80gb', count: 8, gpuDriverInstallationConfig: { gpuDriverVersion: 'LATEST' } }],
      ephemeralStorageLocalSsdConfig: { localSsdCount: 16 },
      spot: true,
    });
  });

  test('flex-start sets flexStart, the max run duration, no reservation and location policy ANY, and not spot', async () => {
    const result = await runSpec({ cluster: { gpuPool: { provisioning: 'flex-start', maxRunDurationSeconds: 86400 } } });
    const nodeConfig = gpuNodeConfig(result);
    expect(nodeConfig).toMatchObject({ flexStart: true, maxRunDuration: '86400s', reservationAffinity: { consumeReservationType: 'NO_RESERVATION' } });
    expect(nodeConfig.spot).toBeUndefined();
    expect(plain(one(result, NODE_POOL, GPU_POOL)).autoscaling).toEqual({ totalMinNodeCount: 0, totalMaxNodeCount: 3, locationPolicy: 'ANY' });
  });

  test('on-demand a3-highgpu-8g is neither Spot nor Flex-start', async () => {
    const result = await runSpec({ cluster: { gpuPool: { acceleratorCount: 8, provisioning: 'on-demand' } } });
    const nodeConfig = gpuNodeConfig(result);
    expect(nodeConfig.machineType).toBe('a3-highgpu-8g');
    expect([nodeConfig.spot, nodeConfig.flexStart, nodeConfig.maxRunDuration, nodeConfig.reservationAffinity]).toEqual([undefined, undefined, undefined, undefined]);
  });

  test('every A3 machine type of the spec has its local SSD count', () => {
    expect(Object.values(A3_MACHINE_TYPES).map((type) => [type, A3_LOCAL_SSD_COUNT[type]])).toEqual([
      ['a3-highgpu-1g', 2],
      ['a3-highgpu-2g', 4],
      ['a3-highgpu-4g', 8],
      ['a3-highgpu-8g', 16],
    ]);
  });

  test('provisioning settings: spot sets only spot, and keeps auto-repair', () => {
    expect(provisioningSettings(resolveSpec({}).cluster.gpuPool)).toEqual({ nodeConfig: { spot: true }, autoRepair: true, upgradeSettings: GPU_UPGRADE_SETTINGS });
  });
});

describe('Shared VPC', () => {
  let result: Awaited<ReturnType<typeof runSpec>>;
  beforeAll(async () => {
    result = await runSpec({ cluster: { sharedVpc: { hostProject: HOST } } });
  });

  test('the network and both subnets are created in the host project', () => {
    expect(plain(one(result, 'gcp:compute/network:Network')).project).toBe(HOST);
    expect(ofType(result, SUBNETWORK).map((s) => [s.name, plain(s).project])).toEqual(
      expect.arrayContaining([
        ['inference-gateway-nodes', HOST],
        ['inference-gateway-proxy-only', HOST],
      ]),
    );
  });

  test('the service project GKE agent becomes Compute Network User on the node subnet', () => {
    const grants = ofType(result, 'gcp:compute/subnetworkIAMMember:SubnetworkIAMMember').map(plain);
    expect(grants).toContainEqual({ project: HOST, region: 'us-central1', subnetwork: 'inference-gateway-nodes', role: 'roles/compute.networkUser', member: GKE_AGENT });
  });

  test('the Google APIs service agent, which creates the node instance groups, may use the node subnet too', () => {
    const grants = ofType(result, 'gcp:compute/subnetworkIAMMember:SubnetworkIAMMember').map(plain);
    expect(grants).toContainEqual(expect.objectContaining({ role: 'roles/compute.networkUser', member: 'serviceAccount:123456789012@cloudservices.gserviceaccount.com' }));
  });

  test('the GKE agent is Host Service Agent User on the host project', () => {
    const hostGrants = ofType(result, 'gcp:projects/iAMMember:IAMMember').map(plain).filter((grant) => grant.project === HOST);
    expect(hostGrants).toContainEqual({ project: HOST, role: 'roles/container.hostServiceAgentUser', member: GKE_AGENT });
  });

  test('the project number comes from getProject for the service project', () => {
    expect(result.calls.filter((call) => call.token === 'gcp:organizations/getProject:getProject')).toEqual([
      { token: 'gcp:organizations/getProject:getProject', inputs: { projectId: PROJECT } },
    ]);
  });

  test('the cluster stays in the service project but uses the host network and subnet', () => {
    expect(plain(one(result, 'gcp:container/cluster:Cluster'))).toMatchObject({
      project: PROJECT,
      network: `projects/${HOST}/global/networks/inference-gateway`,
      subnetwork: `projects/${HOST}/regions/us-central1/subnetworks/inference-gateway-nodes`,
      workloadIdentityConfig: { workloadPool: `${PROJECT}.svc.id.goog` },
    });
  });

  test('the cluster is registered only after the grants exist', () => {
    const cluster = result.resources.findIndex((r) => r.type === 'gcp:container/cluster:Cluster');
    for (const grant of [...ofType(result, 'gcp:compute/subnetworkIAMMember:SubnetworkIAMMember'), ...ofType(result, 'gcp:projects/iAMMember:IAMMember')]) {
      expect(result.resources.indexOf(grant)).toBeLessThan(cluster);
    }
  });

  test('the Kubernetes Engine and Compute Engine APIs are enabled in the host project as well, and Resource Manager for the host grants', () => {
    const hostServices = ofType(result, 'gcp:projects/service:Service').map(plain).filter((s) => s.project === HOST);
    expect(hostServices.map((s) => s.service).sort()).toEqual(['cloudresourcemanager.googleapis.com', 'compute.googleapis.com', 'container.googleapis.com', 'serviceusage.googleapis.com']);
  });
});

describe('other spec settings', () => {
  test('cluster.enableModelArmor is refused, naming gateway.modelArmor.enabled, which replaced it', async () => {
    await expect(runSpec({ cluster: { enableModelArmor: true } })).rejects.toThrow(/cluster\.enableModelArmor: was replaced by gateway\.modelArmor\.enabled/);
  });

  test('deletionProtection false reaches the cluster (the first step of teardown)', async () => {
    const result = await runSpec({ cluster: { deletionProtection: false } });
    expect(plain(one(result, 'gcp:container/cluster:Cluster')).deletionProtection).toBe(false);
  });

  test('a namespace other than default is created before the Secret, which lives in it', async () => {
    const result = await runSpec({ namespace: 'inference' });
    expect(plain(one(result, 'kubernetes:core/v1:Namespace'))).toMatchObject({ metadata: { name: 'inference' } });
    // The very Namespace synth writes: its labels and annotations too, not a copy kept by hand.
    const written = namespaceObject(resolveSpec({ namespace: 'inference' }));
    expect(plain(one(result, 'kubernetes:core/v1:Namespace')).metadata).toEqual(written?.metadata);
    expect(plain(one(result, 'kubernetes:core/v1:Secret')).metadata).toEqual({ name: 'hf-token', namespace: 'inference' });
    expect(one(result, 'kubernetes:gateway.networking.k8s.io/v1:Gateway').readId).toBe('inference/inference-gateway');
  });

  test('a namespace every cluster has (kube-node-lease included) is not created', async () => {
    for (const namespace of ['kube-system', 'kube-node-lease']) expect(ofType(await runSpec({ namespace }), 'kubernetes:core/v1:Namespace')).toEqual([]);
  });

  test('pools sharing a token Secret name get one Secret; each pool gets its own ConfigGroup', async () => {
    const result = await runSpec({
      cluster: { gpuPool: { maxNodes: 9 } },
      pools: [
        { name: 'vllm-llama3-8b-instruct' },
        { name: 'second', routePathPrefix: '/second' },
        { name: 'third', routePathPrefix: '/third', modelServer: { hfTokenSecret: 'hf-token-third' } },
      ],
    });
    expect(ofType(result, 'kubernetes:core/v1:Secret').map((s) => plain(s).metadata)).toEqual([
      { name: 'hf-token', namespace: 'default' },
      { name: 'hf-token-third', namespace: 'default' },
    ]);
    expect(ofType(result, CONFIG_GROUP).map((g) => g.name).sort()).toEqual(['gateway', 'metrics-reader', 'pool-second', 'pool-third', 'pool-vllm-llama3-8b-instruct']);
  });

  test('the curl command follows the listener port, the route prefix and the first model of a pool without adapters', () => {
    const spec = resolveSpec({ gateway: { listenerPort: 8080, route: { pathPrefix: '/llm/' } }, pools: [{ name: 'plain', adapters: { models: [] } }] });
    expect(completionsRequest(spec)).toEqual({ path: '/llm/v1/completions', model: 'meta-llama/Llama-3.1-8B-Instruct' });
  });

  test('a spec file named by inference-gateway:specFile is deployed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'igw-spec-'));
    const file = join(dir, 'spec.yaml');
    writeFileSync(file, 'cluster:\n  name: from-file\n  region: europe-west4\n  gpuPool:\n    nodeLocations: [europe-west4-a]\n');
    const result = await run({ 'inference-gateway:specFile': file });
    expect(plain(one(result, 'gcp:container/cluster:Cluster'))).toMatchObject({ name: 'from-file', location: 'europe-west4' });
    expect(result.exported.clusterName).toBe('from-file');
  });
});

describe('configuration errors', () => {
  test('a spec whose replicas cannot fit the GPU pool is rejected with one clear error (a RunError: Pulumi prints it without a stack trace)', async () => {
    const error = await rejection(runSpec({ cluster: { gpuPool: { maxNodes: 1 } } }));
    expect(error).toBeInstanceOf(pulumi.RunError);
    expect(error.message).toBe(
      'the stack configuration has problems:\n' +
        'inference-gateway:spec: 1 problem in the deployment spec\n' +
        '  cluster.gpuPool.maxNodes: the pools need 3 GPUs (replicas plus rollout surge, times gpus) but maxNodes 1 x acceleratorCount 1 gives 1; raise maxNodes to at least 3 or lower the replicas',
    );
  });

  test('on-demand with one GPU per node is rejected with the reason', async () => {
    const error = await rejection(runSpec({ cluster: { gpuPool: { provisioning: 'on-demand' } } }));
    expect(error).toBeInstanceOf(pulumi.RunError);
    expect(error.message).toContain('cluster.gpuPool.provisioning: on-demand needs acceleratorCount 8 (a3-highgpu-8g)');
  });

  test('spec and specFile together, and a missing token, are reported together', async () => {
    const error = await rejection(
      runWithMocks({ config: { 'gcp:project': PROJECT, 'inference-gateway:spec': '{}', 'inference-gateway:specFile': 'spec.yaml' } }),
    );
    expect(error).toBeInstanceOf(pulumi.RunError);
    expect(error.message.split('\n')).toEqual([
      'the stack configuration has problems:',
      'set either inference-gateway:spec or inference-gateway:specFile, not both (specFile is spec.yaml)',
      'inference-gateway:hfToken is not set: pulumi config set --secret inference-gateway:hfToken <Hugging Face token>',
    ]);
  });

  test('a missing spec file names the file', async () => {
    const error = await rejection(run({ 'inference-gateway:specFile': '/nonexistent/spec.yaml' }));
    expect(error.message).toContain('/nonexistent/spec.yaml: 1 problem in the deployment spec\n  (document): cannot read the spec file: no such file');
  });
});

describe('Pulumi await annotations', () => {
  test('withPulumiAwait returns a copy and leaves the synthesized object untouched', () => {
    const gateway: KubeObject = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'g', namespace: 'default' }, spec: {} };
    const before = JSON.stringify(gateway);
    const annotated = withPulumiAwait(gateway);
    expect(JSON.stringify(gateway)).toBe(before);
    expect(annotated.metadata?.annotations).toEqual({ 'pulumi.com/waitFor': 'condition=Programmed', 'pulumi.com/timeoutSeconds': '1200' });
  });

  test('a Deployment without GPUs (the endpoint picker) keeps Pulumi default timeout', () => {
    const picker: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'epp' }, spec: { template: { spec: { containers: [{ name: 'epp' }] } } } };
    expect(withPulumiAwait(picker)).toBe(picker);
  });
});
