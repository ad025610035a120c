/**
 * The default synth (no spec file): every object the guide applies, everything the inferencepool chart
 * installs, nothing secret, and only pinned images.
 */
import { resolveSpec } from '../../spec';
import { imageTag } from '../../spec/rules';
import { allContainers, allStrings, findAll, findObject, guideSpec, inventory, synthApp, synthCharts, synthDocument } from './helpers';

const objects = synthApp();

/** What the guide's kubectl apply steps create (the HF token Secret is created by hand, outside). */
const GUIDE_OBJECTS = [
  // Step 5 of "prepare the environment": the metrics reader. Its cluster-scoped objects carry the
  // namespace in their name; the collector's read access to the token is a Role in that namespace.
  'ClusterRole/default.inference-gateway-metrics-reader',
  'ServiceAccount/inference-gateway-sa-metrics-reader',
  'ClusterRoleBinding/default.inference-gateway-sa-metrics-reader-role-binding',
  'Secret/inference-gateway-sa-metrics-reader-secret',
  'Role/inference-gateway-sa-metrics-reader-secret-read',
  'RoleBinding/gmp-system:collector:inference-gateway-sa-metrics-reader-secret-read',
  // vllm-llama3-8b-instruct.yaml (its HealthCheckPolicy is the chart's one, named after the pool).
  'Deployment/vllm-llama3-8b-instruct',
  'ConfigMap/vllm-llama3-8b-adapters',
  'HealthCheckPolicy/vllm-llama3-8b-instruct',
  // inferencemodel.yaml, gateway.yaml, httproute.yaml.
  'InferenceModel/food-review',
  'InferenceModel/llama3-base-model',
  // Ours: the guide loads this adapter but gives it no InferenceModel, so the picker would refuse it.
  'InferenceModel/cad-fabricator',
  'Gateway/inference-gateway',
  'HTTPRoute/my-route',
];

/**
 * What `helm install vllm-llama3-8b-instruct ... inferencepool --set provider.name=gke` (v0.3.0) creates,
 * with its ClusterRole split into a Role for what the picker watches in its namespace and a ClusterRole for
 * the token and access reviews, and cluster-scoped names that carry the namespace.
 */
const CHART_OBJECTS = [
  'InferencePool/vllm-llama3-8b-instruct',
  'Deployment/vllm-llama3-8b-instruct-epp',
  'Service/vllm-llama3-8b-instruct-epp',
  'ServiceAccount/vllm-llama3-8b-instruct-epp',
  'Role/vllm-llama3-8b-instruct-epp',
  'RoleBinding/vllm-llama3-8b-instruct-epp',
  'ClusterRole/default.vllm-llama3-8b-instruct-epp',
  'ClusterRoleBinding/default.vllm-llama3-8b-instruct-epp',
  'GCPBackendPolicy/vllm-llama3-8b-instruct',
  'ClusterPodMonitoring/default.vllm-llama3-8b-instruct',
];

/** Our addition: node drains evict GPU pods and the picker one at a time. */
const DISRUPTION_BUDGETS = ['PodDisruptionBudget/vllm-llama3-8b-instruct', 'PodDisruptionBudget/vllm-llama3-8b-instruct-epp'];
/** Our addition: Managed Prometheus scrapes vLLM too, not only the picker. */
const MODEL_SERVER_MONITORING = ['PodMonitoring/vllm-llama3-8b-instruct-vllm'];

describe('the default synth', () => {
  test('has the charts metrics-reader, pool-vllm-llama3-8b-instruct and gateway', () => {
    expect(Object.keys(synthCharts())).toEqual(['metrics-reader', 'pool-vllm-llama3-8b-instruct', 'gateway']);
  });

  test('holds every object the guide applies', () => {
    expect(inventory(objects)).toEqual(expect.arrayContaining(GUIDE_OBJECTS));
  });

  test('holds everything the inferencepool chart installs', () => {
    expect(inventory(objects)).toEqual(expect.arrayContaining(CHART_OBJECTS));
  });

  test("holds nothing else but the two PodDisruptionBudgets and vLLM's PodMonitoring", () => {
    expect(inventory(objects)).toEqual([...GUIDE_OBJECTS, ...CHART_OBJECTS, ...DISRUPTION_BUDGETS, ...MODEL_SERVER_MONITORING].sort());
  });

  test('writes no Secret hf-token: the Hugging Face token is created outside the manifests', () => {
    expect(objects.filter((object) => object.kind === 'Secret' && object.metadata.name === 'hf-token')).toEqual([]);
  });

  test('the only Secret is the metrics reader token Secret, which the token controller fills', () => {
    expect(findAll(objects, 'Secret').map((secret) => [secret.metadata.name, secret.type, secret.data, secret.stringData])).toEqual([
      ['inference-gateway-sa-metrics-reader-secret', 'kubernetes.io/service-account-token', undefined, undefined],
    ]);
  });

  test("contains no Hugging Face token (no string anywhere contains 'hf_')", () => {
    expect(allStrings(objects).filter((value) => value.includes('hf_'))).toEqual([]);
  });

  test('every binding names roleRef.apiGroup rbac.authorization.k8s.io', () => {
    const bindings = objects.filter((object) => object.kind === 'ClusterRoleBinding' || object.kind === 'RoleBinding');
    expect(bindings).toHaveLength(4);
    for (const binding of bindings) expect(binding.roleRef.apiGroup).toBe('rbac.authorization.k8s.io');
  });

  test('every namespaced object is in namespace default', () => {
    const clusterScoped = new Set(['ClusterRole', 'ClusterRoleBinding', 'ClusterPodMonitoring']);
    const namespaced = objects.filter((object) => !clusterScoped.has(object.kind));
    expect(namespaced.filter((object) => object.metadata.namespace !== 'default')).toEqual([]);
    expect(objects.filter((object) => clusterScoped.has(object.kind) && object.metadata.namespace !== undefined)).toEqual([]);
  });
});

describe('images', () => {
  const containers = allContainers(objects);

  test('are vLLM v0.8.5, lora-syncer v1.0.2 and epp v0.3.0', () => {
    expect(containers.map((container) => container.image).sort()).toEqual([
      'registry.k8s.io/gateway-api-inference-extension/epp:v0.3.0',
      'registry.k8s.io/gateway-api-inference-extension/lora-syncer:v1.0.2',
      'vllm/vllm-openai:v0.8.5',
    ]);
  });

  test('every container image has a tag, and it is neither latest nor main', () => {
    const tags = containers.map((container) => imageTag(container.image));
    expect(tags).not.toContain(undefined);
    expect(tags).not.toContain('latest');
    expect(tags).not.toContain('main');
  });

  test("the endpoint picker image tag equals the spec's inferenceExtension.version", () => {
    const epp = containers.find((container) => container.name === 'epp');
    expect(imageTag(epp?.image)).toBe(guideSpec().inferenceExtension.version);
  });
});

describe('monitoring', () => {
  test('with monitoring.metricsReader false, there is no metrics-reader chart and no ClusterPodMonitoring', () => {
    const spec = resolveSpec({ monitoring: { metricsReader: false } });
    expect(Object.keys(synthCharts(spec))).toEqual(['pool-vllm-llama3-8b-instruct', 'gateway']);
    expect(findAll(synthApp(spec), 'ClusterPodMonitoring')).toEqual([]);
  });

  test('with collectorNamespace gke-gmp-system (Autopilot), the collector binding names that namespace', () => {
    const objects = synthDocument({ monitoring: { collectorNamespace: 'gke-gmp-system' } });
    const binding = findObject(objects, 'RoleBinding', 'gke-gmp-system:collector:inference-gateway-sa-metrics-reader-secret-read');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'collector', namespace: 'gke-gmp-system' }]);
  });
});

describe('every container requests the memory it needs (no pod is BestEffort)', () => {
  const specs = {
    guide: {},
    GA: { inferenceExtension: { version: 'llm-d-v0.10.0' } },
    'two pools behind one URL (body-based router)': { cluster: { gpuPool: { maxNodes: 6 } }, pools: [{ name: 'a' }, { name: 'b', modelServer: { baseModel: 'Qwen/Qwen2.5-7B-Instruct' } }] },
  };

  test.each(Object.entries(specs))('%s', (_name, document) => {
    const containers = allContainers(synthDocument(document));
    expect(containers.length).toBeGreaterThan(2);
    for (const container of containers) {
      expect([container.name, container.resources?.requests?.memory !== undefined, container.resources?.requests?.cpu !== undefined]).toEqual([container.name, true, true]);
    }
  });
});
