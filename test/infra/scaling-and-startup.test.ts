/**
 * Issue 19 under mocks: what `pulumi up` installs so an HPA sees its metric, image streaming with an
 * Artifact Registry mirror, and the Cloud Storage bucket of the weights.
 */
import { MODEL_SERVER_TIMEOUT_SECONDS } from '../../infra/manifests';
import type { MockRun } from '../../plan/program';
import { GUIDE_POOL_NAME, METRICS_ADAPTER } from '../../spec';
import { CONFIG_GROUP, PROJECT, gpuNodeConfig, ofType, one, plain, run, runSpec } from './harness';

const IAM_MEMBER = 'gcp:projects/iAMMember:IAMMember';
const ADAPTER_PRINCIPAL = `principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/${PROJECT}.svc.id.goog/subject/ns/${METRICS_ADAPTER.namespace}/sa/${METRICS_ADAPTER.serviceAccount}`;

const REPOSITORY = 'gcp:artifactregistry/repository:Repository';
const SERVICE = 'gcp:projects/service:Service';

let defaults: MockRun;
let autoscaled: MockRun;
let noStreaming: MockRun;
let mirrored: MockRun;
let gcs: MockRun;
beforeAll(async () => {
  gcs = await runSpec({ inferenceExtension: { version: 'llm-d-v0.10.0' }, pools: [{ name: GUIDE_POOL_NAME, modelServer: { weightsFrom: 'gcs', weightsBucket: 'my-weights' } }] });
  defaults = await runSpec({});
  noStreaming = await runSpec({ cluster: { images: { streaming: false } } });
  mirrored = await runSpec({ cluster: { images: { mirrorProject: PROJECT } } });
  autoscaled = await runSpec({ cluster: { gpuPool: { maxNodes: 4 } }, pools: [{ name: GUIDE_POOL_NAME, autoscaling: { minReplicas: 1, maxReplicas: 4 } }] });
});

describe('autoscaling: what serves the metric', () => {
  test("the adapter's Kubernetes service account may read Cloud Monitoring (Workload Identity principal, no key)", () => {
    const grants = ofType(autoscaled, IAM_MEMBER).map(plain).filter((inputs) => inputs.member === ADAPTER_PRINCIPAL);
    expect(grants).toEqual([expect.objectContaining({ project: PROJECT, role: 'roles/monitoring.viewer' })]);
  });

  test('the adapter, its APIServices and the HPA are applied, the adapter before nothing else needs it', () => {
    const adapterGroup = autoscaled.objects.filter((entry) => entry.group === 'metrics-adapter');
    expect(adapterGroup.map((entry) => entry.object.kind)).toEqual(expect.arrayContaining(['Namespace', 'Deployment', 'Service', 'APIService']));
    // Its Deployment waits for its Namespace and ServiceAccount (pulumi-kubernetes' ConfigGroup order).
    const deployment = adapterGroup.find((entry) => entry.object.kind === 'Deployment');
    expect([...(deployment?.waitsFor ?? [])].join(' ')).toMatch(/Namespace.*custom-metrics|ServiceAccount/);
    const hpa = autoscaled.objects.filter((entry) => entry.object.kind === 'HorizontalPodAutoscaler');
    expect(hpa.map((entry) => entry.name)).toEqual([`pool-${GUIDE_POOL_NAME}:default/${GUIDE_POOL_NAME}`]);
  });

  test('the grant waits for the Resource Manager API and the cluster (its Workload Identity pool); nothing runs before an API is on', () => {
    expect(autoscaled.violations).toEqual([]);
  });

  test('the Kubernetes objects wait for the grant', () => {
    const group = ofType(autoscaled, CONFIG_GROUP).find((resource) => resource.name === 'metrics-adapter');
    const grant = ofType(autoscaled, IAM_MEMBER).find((resource) => plain(resource).member === ADAPTER_PRINCIPAL);
    expect(group).toBeDefined();
    expect(grant).toBeDefined();
    expect(group?.options.dependencies).toContain(grant?.urn);
  });

  test('without autoscaling there is no grant and no adapter', () => {
    expect(ofType(defaults, IAM_MEMBER).map(plain).filter((inputs) => inputs.role === 'roles/monitoring.viewer')).toEqual([]);
    expect(defaults.objects.filter((entry) => entry.group === 'metrics-adapter')).toEqual([]);
  });
});

describe('image streaming and the Artifact Registry mirror', () => {
  test('the GPU pool has image streaming on (gcfsConfig), by default', () => {
    expect(gpuNodeConfig(defaults).gcfsConfig).toEqual({ enabled: true });
    expect(gpuNodeConfig(noStreaming).gcfsConfig).toEqual({ enabled: false });
  });

  test("remote repositories mirror Docker Hub, registry.k8s.io and ghcr.io in the cluster's region", () => {
    const repositories = ofType(defaults, REPOSITORY).map(plain);
    expect(repositories.map((inputs) => inputs.repositoryId).sort()).toEqual(['inference-gateway-docker-hub', 'inference-gateway-ghcr', 'inference-gateway-registry-k8s-io']);
    for (const inputs of repositories) {
      expect(inputs).toMatchObject({ project: PROJECT, location: 'us-central1', format: 'DOCKER', mode: 'REMOTE_REPOSITORY' });
    }
    const upstreams = repositories.map((inputs) => inputs.remoteRepositoryConfig as Record<string, unknown>);
    expect(upstreams).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ dockerRepository: { publicRepository: 'DOCKER_HUB' } }),
        expect.objectContaining({ commonRepository: { uri: 'https://registry.k8s.io' } }),
        expect.objectContaining({ commonRepository: { uri: 'https://ghcr.io' } }),
      ]),
    );
  });

  test('Artifact Registry and the Container File System API are enabled first (the mocks time enablement)', () => {
    const services = ofType(defaults, SERVICE).map((service) => plain(service).service);
    expect(services).toEqual(expect.arrayContaining(['artifactregistry.googleapis.com', 'containerfilesystem.googleapis.com']));
    expect(defaults.violations).toEqual([]);
    expect(mirrored.violations).toEqual([]);
  });

  test('without streaming: no repositories and neither API', () => {
    expect(ofType(noStreaming, REPOSITORY)).toEqual([]);
    const services = ofType(noStreaming, SERVICE).map((service) => plain(service).service);
    expect(services).not.toContain('artifactregistry.googleapis.com');
    expect(services).not.toContain('containerfilesystem.googleapis.com');
  });

  test('the manifests keep upstream images by default, and pull through the repositories when the spec names the mirror project', () => {
    const vllm = (result: MockRun) => one(result, CONFIG_GROUP, `pool-${GUIDE_POOL_NAME}`) && result.objects.find((entry) => entry.object.kind === 'Deployment' && entry.ref.name === GUIDE_POOL_NAME);
    const image = (result: MockRun) => ((vllm(result)?.object.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0].image);
    expect(image(defaults)).toBe('vllm/vllm-openai:v0.8.5');
    expect(image(mirrored)).toBe(`us-central1-docker.pkg.dev/${PROJECT}/inference-gateway-docker-hub/vllm/vllm-openai:v0.8.5`);
  });

  test("a mirror project other than the stack's is a configuration error", async () => {
    await expect(run({ 'inference-gateway:spec': JSON.stringify({ cluster: { images: { mirrorProject: 'another-project' } } }) })).rejects.toThrow(
      /cluster\.images\.mirrorProject must be this stack's gcp:project \(example-project\).*got another-project/,
    );
  });
});

describe('weights from Cloud Storage', () => {
  const BUCKET = 'gcp:storage/bucket:Bucket';
  const BUCKET_MEMBER = 'gcp:storage/bucketIAMMember:BucketIAMMember';
  const principal = (account: string) => `principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/${PROJECT}.svc.id.goog/subject/ns/default/sa/${account}`;

  test("a bucket in the cluster's region, private and refusing deletion while it holds weights", () => {
    expect(ofType(gcs, BUCKET).map(plain)).toEqual([
      expect.objectContaining({ project: PROJECT, name: 'my-weights', location: 'US-CENTRAL1', uniformBucketLevelAccess: true, publicAccessPrevention: 'enforced', forceDestroy: false }),
    ]);
    expect(ofType(defaults, BUCKET)).toEqual([]);
  });

  test('the model server may read it and the fill Job may write it, each as its Kubernetes service account', () => {
    const members = ofType(gcs, BUCKET_MEMBER).map(plain).map((inputs) => [inputs.role, inputs.member]);
    expect(members.sort()).toEqual([
      ['roles/storage.objectUser', principal(`${GUIDE_POOL_NAME}-fill`)],
      ['roles/storage.objectViewer', principal(GUIDE_POOL_NAME)],
    ]);
  });

  test('Cloud Storage is enabled before the bucket and its grants', () => {
    expect(ofType(gcs, SERVICE).map((service) => plain(service).service)).toContain('storage.googleapis.com');
    expect(gcs.violations).toEqual([]);
  });

  test('pulumi up waits for the fill Job to complete, with the model server timeout, before the Deployment', () => {
    const job = gcs.objects.find((entry) => entry.object.kind === 'Job');
    expect(job?.object.metadata?.annotations?.['pulumi.com/timeoutSeconds']).toBe(String(MODEL_SERVER_TIMEOUT_SECONDS));
    const deployment = gcs.objects.find((entry) => entry.object.kind === 'Deployment' && entry.ref.name === GUIDE_POOL_NAME);
    expect([...(deployment?.waitsFor ?? [])].some((key) => key.includes(`Job`) && key.includes(`${GUIDE_POOL_NAME}-fill`))).toBe(true);
  });
});
