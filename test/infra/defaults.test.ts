/**
 * `pulumi up` with only gcp:project and the token set: one program run under mocks, then one behaviour
 * per test, read off the inputs the mocks received.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import * as pulumi from '@pulumi/pulumi';
import { buildApp } from '../../charts-gen/app';
import { PULUMI_ANNOTATION_PREFIX, type KubeObject } from '../../infra/manifests';
import { isSecretValue } from '../../plan/mocks';
import type { MockRun } from '../../plan/program';
import { resolveSpec, EXTENSION_RELEASES } from '../../spec';
import { bundledCrds } from '../../validate';
import { projectRoot } from '../../validate/schema-source';
import { crdManifestFile } from '../../infra/crd-files';

const ROOT = projectRoot();
import { CONFIG_GROUP, GPU_POOL, HF_TOKEN, NODE_POOL, PROJECT, SUBNETWORK, SYSTEM_POOL, gpuNodeConfig, one, ofType, plain, proxyOnlySubnets, redacted, run, runSpec, type Inputs } from './harness';

let result: MockRun;
beforeAll(async () => {
  result = await run();
});

const K8S_PROVIDER_URN = /\$pulumi:providers:kubernetes::inference-gateway-k8s::/;

function withoutPulumiAnnotations(object: KubeObject): KubeObject {
  const annotations = Object.fromEntries(Object.entries(object.metadata?.annotations ?? {}).filter(([key]) => !key.startsWith(PULUMI_ANNOTATION_PREFIX)));
  const metadata: Record<string, unknown> = { ...object.metadata };
  if (Object.keys(annotations).length === 0) delete metadata.annotations;
  else metadata.annotations = annotations;
  return { ...object, metadata };
}

function versionAtLeast(version: string, minimum: string): boolean {
  const [a, b] = [version, minimum].map((v) => v.split('-')[0].split('.').map(Number));
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

describe('Google Cloud APIs', () => {
  test("the guide's container, compute and networkservices, plus IAM, Resource Manager, Service Usage, Logging, Monitoring (also the dashboard's and alerts') and Cloud Quotas, are enabled in the project, and Model Armor is not", () => {
    const services = ofType(result, 'gcp:projects/service:Service').map((s) => plain(s));
    expect(services.map((s) => s.service).sort()).toEqual([
      // Image streaming (cluster.images.streaming, on by default): the mirror and the streaming backend.
      'artifactregistry.googleapis.com',
      'cloudquotas.googleapis.com',
      'cloudresourcemanager.googleapis.com',
      'compute.googleapis.com',
      'container.googleapis.com',
      'containerfilesystem.googleapis.com',
      'iam.googleapis.com',
      'logging.googleapis.com',
      'monitoring.googleapis.com',
      'networkservices.googleapis.com',
      'serviceusage.googleapis.com',
    ]);
    expect(services.every((s) => s.project === PROJECT)).toBe(true);
  });

  test('no API is disabled on destroy, nor are dependent services', () => {
    for (const service of ofType(result, 'gcp:projects/service:Service')) {
      expect(service.inputs).toMatchObject({ disableOnDestroy: false, disableDependentServices: false });
    }
  });
});

describe('network', () => {
  test('the VPC is custom mode, in the project, named after the spec', () => {
    expect(plain(one(result, 'gcp:compute/network:Network'))).toMatchObject({ name: 'inference-gateway', project: PROJECT, autoCreateSubnetworks: false });
  });

  test('the node subnet has the pod and service secondary ranges the cluster names, and Private Google Access', () => {
    expect(plain(one(result, SUBNETWORK, 'inference-gateway-nodes'))).toMatchObject({
      region: 'us-central1',
      ipCidrRange: '10.0.0.0/20',
      network: `projects/${PROJECT}/global/networks/inference-gateway`,
      secondaryIpRanges: [
        { rangeName: 'inference-gateway-pods', ipCidrRange: '10.4.0.0/14' },
        { rangeName: 'inference-gateway-services', ipCidrRange: '10.8.0.0/20' },
      ],
      privateIpGoogleAccess: true,
    });
  });

  test('one active proxy-only subnet lives in the cluster region of the same network', () => {
    const [subnet] = proxyOnlySubnets(result);
    expect(proxyOnlySubnets(result)).toHaveLength(1);
    expect(plain(subnet)).toMatchObject({
      region: 'us-central1',
      ipCidrRange: '10.129.0.0/23',
      purpose: 'REGIONAL_MANAGED_PROXY',
      role: 'ACTIVE',
      network: `projects/${PROJECT}/global/networks/inference-gateway`,
    });
  });

  test('without Shared VPC there are no IAM grants and no project lookup', () => {
    expect(ofType(result, 'gcp:compute/subnetworkIAMMember:SubnetworkIAMMember')).toHaveLength(0);
    expect(result.calls.filter((call) => call.token === 'gcp:organizations/getProject:getProject')).toHaveLength(0);
  });
});

describe('cluster', () => {
  const cluster = () => plain(one(result, 'gcp:container/cluster:Cluster'));

  test('there is exactly one cluster, regional in the spec region', () => {
    expect(ofType(result, 'gcp:container/cluster:Cluster')).toHaveLength(1);
    expect(cluster()).toMatchObject({ name: 'inference-gateway', project: PROJECT, location: 'us-central1' });
  });

  test('its minimum version is the spec version, at least 1.32.3, on the spec release channel', () => {
    // The mocks report no channel default here; see variants.test.ts for the channel's own version.
    expect(cluster().minMasterVersion).toBe('1.32.3');
    expect(versionAtLeast(cluster().minMasterVersion as string, '1.32.3')).toBe(true);
    expect(cluster().releaseChannel).toEqual({ channel: 'RAPID' });
  });

  test('it is VPC-native on the node subnet, using the subnet secondary ranges by name', () => {
    expect(cluster()).toMatchObject({
      networkingMode: 'VPC_NATIVE',
      network: `projects/${PROJECT}/global/networks/inference-gateway`,
      subnetwork: `projects/${PROJECT}/regions/us-central1/subnetworks/inference-gateway-nodes`,
      ipAllocationPolicy: { clusterSecondaryRangeName: 'inference-gateway-pods', servicesSecondaryRangeName: 'inference-gateway-services' },
    });
  });

  test('the Gateway API (standard channel) and the HttpLoadBalancing add-on are enabled', () => {
    expect(cluster().gatewayApiConfig).toEqual({ channel: 'CHANNEL_STANDARD' });
    expect(cluster().addonsConfig).toEqual({ httpLoadBalancing: { disabled: false } });
  });

  test('Workload Identity uses the project pool and Managed Prometheus is on', () => {
    expect(cluster().workloadIdentityConfig).toEqual({ workloadPool: `${PROJECT}.svc.id.goog` });
    expect(cluster().monitoringConfig).toEqual({ managedPrometheus: { enabled: true } });
  });

  test('the default node pool is removed and deletion protection is set explicitly from the spec (true)', () => {
    expect(cluster()).toMatchObject({ removeDefaultNodePool: true, initialNodeCount: 1, deletionProtection: true });
  });
});

describe('node pools', () => {
  test('the system pool autoscales between the spec totals with GKE_METADATA and cloud-platform scope', () => {
    const system = plain(one(result, NODE_POOL, SYSTEM_POOL));
    expect(system).toMatchObject({
      cluster: 'inference-gateway',
      location: 'us-central1',
      autoscaling: { totalMinNodeCount: 1, totalMaxNodeCount: 3 },
      nodeConfig: {
        machineType: 'e2-standard-4',
        workloadMetadataConfig: { mode: 'GKE_METADATA' },
        oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
      },
    });
    expect((system.nodeConfig as Inputs).guestAccelerators).toBeUndefined();
  });

  test('the GPU pool is an A3 pool with one nvidia-h100-80gb per node and GKE-installed drivers', () => {
    expect(gpuNodeConfig(result)).toMatchObject({
      machineType: 'a3-highgpu-1g',
      guestAccelerators: [{ type: 'nvidia-h100-80gb', count: 1, gpuDriverInstallationConfig: { gpuDriverVersion: 'LATEST' } }],
      workloadMetadataConfig: { mode: 'GKE_METADATA' },
      oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
    });
  });

  test('the default GPU pool is Spot, because a3-highgpu-1g exists only as Spot or Flex-start', () => {
    expect(gpuNodeConfig(result).spot).toBe(true);
    expect(gpuNodeConfig(result).flexStart).toBeUndefined();
  });

  test('the GPU pool scales 0..3 in total over the spec zones, starting empty', () => {
    expect(plain(one(result, NODE_POOL, GPU_POOL))).toMatchObject({
      initialNodeCount: 0,
      autoscaling: { totalMinNodeCount: 0, totalMaxNodeCount: 3 },
      nodeLocations: ['us-central1-a', 'us-central1-b', 'us-central1-c'],
    });
  });

  test('emptyDir volumes go to the two local SSDs of a3-highgpu-1g', () => {
    expect(gpuNodeConfig(result).ephemeralStorageLocalSsdConfig).toEqual({ localSsdCount: 2 });
  });
});

describe('Kubernetes provider', () => {
  test('it authenticates with gke-gcloud-auth-plugin against the cluster endpoint and CA, with server-side apply', () => {
    const provider = plain(one(result, 'pulumi:providers:kubernetes'));
    // Provider inputs reach the engine as strings.
    expect(provider.enableServerSideApply).toBe('true');
    const kubeconfig = JSON.parse(provider.kubeconfig as string);
    expect(kubeconfig.clusters[0].cluster).toEqual({ server: 'https://192.0.2.1', 'certificate-authority-data': Buffer.from('mock CA').toString('base64') });
    expect(kubeconfig.users[0].user.exec).toMatchObject({ apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'gke-gcloud-auth-plugin', provideClusterInfo: true });
    expect(kubeconfig.users[0].user.token).toBeUndefined();
  });

  test('every Kubernetes resource goes through the new cluster provider', () => {
    const kubernetes = result.resources.filter((r) => r.type.startsWith('kubernetes:'));
    expect(kubernetes.length).toBeGreaterThan(0);
    for (const resource of kubernetes) expect(resource.provider).toMatch(K8S_PROVIDER_URN);
  });
});

describe('Kubernetes objects', () => {
  test("the CRDs come from the schema bundle, as a local file the provider reads: the release's two CRDs, labelled, nothing downloaded", () => {
    const configFile = one(result, 'kubernetes:yaml/v2:ConfigFile');
    expect(configFile.name).toBe('inference-extension-v0.3.0-crds');
    const file = plain(configFile).file as string;
    // Relative to the project directory, where Pulumi runs the provider: the same input on every machine.
    expect(file).toMatch(/^node_modules\/\.cache\/igw-crds\/v0\.3\.0-crds-1-[0-9a-f]{16}\.yaml$/);
    const crds = parseAllDocuments(readFileSync(join(ROOT, file), 'utf8')).map((document) => document.toJS());
    expect(crds.map((crd) => crd.metadata.name)).toEqual(['inferencepools.inference.networking.x-k8s.io', 'inferencemodels.inference.networking.x-k8s.io']);
    expect(crds.map((crd) => crd.spec)).toEqual(EXTENSION_RELEASES['v0.3.0'].crdManifests[0].flatMap((pinned) => bundledCrds(pinned).map((crd) => crd.spec)));
    for (const crd of crds) expect(crd.metadata.labels['app.kubernetes.io/part-of']).toBe('inference-gateway');
  });

  test('a cached CRD file that no longer holds its CRDs is written again, not trusted for its name', () => {
    const spec = resolveSpec({}, 'defaults');
    const file = crdManifestFile(spec, 'v0.3.0', 0);
    const text = readFileSync(join(ROOT, file), 'utf8');
    writeFileSync(join(ROOT, file), 'kind: Tampered\n');
    expect(crdManifestFile(spec, 'v0.3.0', 0)).toBe(file);
    expect(readFileSync(join(ROOT, file), 'utf8')).toBe(text);
  });

  test('the GA profile keeps one ConfigFile per manifest it once downloaded (-1 objectives, -2 model rewrites), so no CRD changes URN', async () => {
    const ga = await runSpec({ inferenceExtension: { version: 'llm-d-v0.10.0' }, cluster: { version: '1.34.0-gke.1626000' } });
    const files = ofType(ga, 'kubernetes:yaml/v2:ConfigFile');
    expect(files.map((file) => file.name)).toEqual(['inference-extension-llm-d-v0.10.0-crds-1', 'inference-extension-llm-d-v0.10.0-crds-2']);
    const names = files.map((file) => parseAllDocuments(readFileSync(plain(file).file as string, 'utf8')).map((document) => document.toJS().metadata.name));
    expect(names).toEqual([['inferenceobjectives.llm-d.ai'], ['inferencemodelrewrites.llm-d.ai']]);
  });

  test('every object of the default synth is handed to a ConfigGroup named after its chart, unchanged but for pulumi.com/ annotations', () => {
    const charts = buildApp(resolveSpec({})).charts;
    expect(ofType(result, CONFIG_GROUP).map((g) => g.name).sort()).toEqual(charts.map((c) => c.node.id).sort());
    for (const chart of charts) {
      const group = plain(one(result, CONFIG_GROUP, chart.node.id));
      expect((group.objs as KubeObject[]).map(withoutPulumiAnnotations)).toEqual(chart.toJson());
    }
  });

  test('the only additions are Pulumi await annotations on the Gateway and the GPU Deployment', () => {
    const annotated = ofType(result, CONFIG_GROUP)
      .flatMap((group) => plain(group).objs as KubeObject[])
      .filter((object) => Object.keys(object.metadata?.annotations ?? {}).some((key) => key.startsWith(PULUMI_ANNOTATION_PREFIX)))
      .map((object) => [object.kind, object.metadata?.name, Object.fromEntries(Object.entries(object.metadata?.annotations ?? {}).filter(([key]) => key.startsWith(PULUMI_ANNOTATION_PREFIX)))])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(annotated).toEqual([
      ['Deployment', 'vllm-llama3-8b-instruct', { 'pulumi.com/timeoutSeconds': '2400' }],
      ['Gateway', 'inference-gateway', { 'pulumi.com/waitFor': 'condition=Programmed', 'pulumi.com/timeoutSeconds': '1200' }],
    ]);
  });

  test('custom resources are registered after their CRDs, and the cluster objects after the node pools', () => {
    const index = (type: string, name?: string) => result.resources.findIndex((r) => r.type === type && (name === undefined || r.name === name));
    const crds = index('kubernetes:yaml/v2:ConfigFile');
    const secret = index('kubernetes:core/v1:Secret');
    expect(index('gcp:compute/network:Network')).toBeGreaterThan(index('gcp:projects/service:Service'));
    expect(index('gcp:container/cluster:Cluster')).toBeGreaterThan(index('gcp:compute/network:Network'));
    expect(crds).toBeGreaterThan(index(NODE_POOL, GPU_POOL));
    expect(crds).toBeGreaterThan(index(NODE_POOL, SYSTEM_POOL));
    for (const group of ofType(result, CONFIG_GROUP)) {
      expect(result.resources.indexOf(group)).toBeGreaterThan(crds);
      expect(result.resources.indexOf(group)).toBeGreaterThan(secret);
    }
  });

  test('the hf-token Secret holds the token under key "token" in the spec namespace', () => {
    const secret = one(result, 'kubernetes:core/v1:Secret');
    expect(plain(secret)).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'hf-token', namespace: 'default' }, type: 'Opaque', stringData: { token: HF_TOKEN } });
  });

  test('the token reaches the engine only as a secret, never in plain text', async () => {
    const secret = one(result, 'kubernetes:core/v1:Secret');
    expect(isSecretValue(secret.inputs.stringData)).toBe(true);
    expect(JSON.stringify(result.resources.map((r) => redacted(r.inputs)))).not.toContain(HF_TOKEN);
    expect(await pulumi.isSecret(result.outputs.kubernetes.tokenSecrets[0].stringData)).toBe(true);
  });

  test('no namespace is created for "default"', () => {
    expect(ofType(result, 'kubernetes:core/v1:Namespace')).toHaveLength(0);
  });
});

describe('stack outputs', () => {
  test('clusterName is the cluster name', () => {
    expect(result.exported.clusterName).toBe('inference-gateway');
  });

  test('gatewayAddress is read from the live Gateway status after the charts are applied', () => {
    const read = one(result, 'kubernetes:gateway.networking.k8s.io/v1:Gateway');
    expect(read.readId).toBe('default/inference-gateway');
    expect(result.resources.indexOf(read)).toBeGreaterThan(Math.max(...ofType(result, CONFIG_GROUP).map((g) => result.resources.indexOf(g))));
    expect(result.exported.gatewayAddress).toBe('192.0.2.10');
  });

  test('curlCommand asks the listener port for /v1/completions with model food-review, as in the guide, each value one quoted word', () => {
    expect(result.exported.curlCommand).toBe(
      `curl -i -X POST 'http://192.0.2.10:80/v1/completions' -H 'Content-Type: application/json' -d '{"model":"food-review","prompt":"What is the best pizza in the world?","max_tokens":2048,"temperature":0}'`,
    );
  });

  test('neither output is secret', async () => {
    expect(await pulumi.isSecret(result.outputs.curlCommand)).toBe(false);
    expect(await pulumi.isSecret(result.outputs.gatewayAddress)).toBe(false);
  });
});
