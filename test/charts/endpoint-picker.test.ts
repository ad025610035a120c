/**
 * The endpoint picker (EPP) that the v0.3.0 inferencepool chart installs for vllm-llama3-8b-instruct.
 */
import { argValue, findContainer, findObject, guidePool, selects, synthConstruct, type K8sObject } from './helpers';
import { buildInferencePool } from './helpers';

const objects = synthConstruct((chart) => buildInferencePool(chart));
const name = 'vllm-llama3-8b-instruct-epp';
const deployment = findObject(objects, 'Deployment', name);
const pod: K8sObject = deployment.spec.template.spec;
const epp = findContainer(deployment, 'epp');
const grpcHealthProbe = { grpc: { port: 9003, service: 'inference-extension' }, initialDelaySeconds: 5, periodSeconds: 10 };
/** The chart's labels on its objects (not on the pods). */
const chartLabels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/version': 'v0.3.0' };

describe('the endpoint picker Deployment', () => {
  test('is named vllm-llama3-8b-instruct-epp in namespace default', () => {
    expect(deployment.apiVersion).toBe('apps/v1');
    expect(deployment.metadata).toEqual({ name, namespace: 'default', labels: chartLabels });
  });

  test('runs one replica (the v0.3.0 picker has no leader election)', () => {
    expect(deployment.spec.replicas).toBe(1);
  });

  test('labels its pods app: vllm-llama3-8b-instruct-epp and selects them', () => {
    expect(deployment.spec.template.metadata.labels).toEqual({ app: name });
    expect(deployment.spec.selector).toEqual({ matchLabels: { app: name } });
  });

  test('requests half a core and 512 MiB (the chart requests nothing, which makes it BestEffort)', () => {
    expect(epp.resources).toEqual({ requests: { cpu: '500m', memory: '512Mi' } });
  });

  test('runs as the distroless nonroot user (65532) with a read-only filesystem, no capabilities and the default seccomp profile', () => {
    expect(epp.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
    });
    expect(pod.securityContext).toEqual({ seccompProfile: { type: 'RuntimeDefault' } });
  });

  test('mounts its ServiceAccount token: it watches pods and InferenceModels through the API server', () => {
    expect(pod.automountServiceAccountToken).toBe(true);
  });

  test('serves pool vllm-llama3-8b-instruct in default with gRPC 9002, health 9003 and metrics 9090', () => {
    expect(epp.args).toEqual([
      '-poolName', 'vllm-llama3-8b-instruct',
      '-poolNamespace', 'default',
      '-v', '3',
      '-grpcPort', '9002',
      '-grpcHealthPort', '9003',
      '-metricsPort', '9090',
    ]);
  });

  test('streams responses (USE_STREAMING=true)', () => {
    expect(epp.env).toEqual([{ name: 'USE_STREAMING', value: 'true' }]);
  });

  test('exposes ports grpc 9002, grpc-health 9003 and metrics 9090', () => {
    expect(epp.ports).toEqual([
      { name: 'grpc', containerPort: 9002 },
      { name: 'grpc-health', containerPort: 9003 },
      { name: 'metrics', containerPort: 9090 },
    ]);
  });

  test('liveness probe calls gRPC health service inference-extension on 9003', () => {
    expect(epp.livenessProbe).toEqual(grpcHealthProbe);
  });

  test('readiness probe calls gRPC health service inference-extension on 9003', () => {
    expect(epp.readinessProbe).toEqual(grpcHealthProbe);
  });

  test("gets the model servers' 130 seconds to terminate, so it outlives the pods it routes to", () => {
    expect(pod.terminationGracePeriodSeconds).toBe(130);
  });

  test('runs as ServiceAccount vllm-llama3-8b-instruct-epp', () => {
    expect(pod.serviceAccountName).toBe(name);
  });

  test('mounts its ServiceAccount token to watch pods and InferenceModels', () => {
    expect(pod.automountServiceAccountToken).not.toBe(false);
  });

  test('runs the epp:v0.3.0 image', () => {
    expect(epp.image).toBe('registry.k8s.io/gateway-api-inference-extension/epp:v0.3.0');
  });
});

describe('the endpoint picker Service', () => {
  const service = findObject(objects, 'Service', name);

  test('is ClusterIP Service vllm-llama3-8b-instruct-epp in namespace default', () => {
    expect(service.metadata).toEqual({ name, namespace: 'default', labels: chartLabels });
    expect(service.spec.type).toBe('ClusterIP');
  });

  test('publishes grpc-ext-proc on 9002 (HTTP/2) and http-metrics on 9090', () => {
    expect(service.spec.ports).toEqual([
      { name: 'grpc-ext-proc', protocol: 'TCP', port: 9002, targetPort: 9002, appProtocol: 'http2' },
      { name: 'http-metrics', protocol: 'TCP', port: 9090, targetPort: 9090 },
    ]);
  });

  test("selects exactly the endpoint picker's pod labels", () => {
    expect(service.spec.selector).toEqual(deployment.spec.template.metadata.labels);
    expect(selects(service.spec.selector, deployment.spec.template.metadata.labels)).toBe(true);
  });
});

describe('the endpoint picker RBAC', () => {
  test('ServiceAccount vllm-llama3-8b-instruct-epp lives in namespace default', () => {
    expect(findObject(objects, 'ServiceAccount', name).metadata).toEqual({ name, namespace: 'default', labels: chartLabels });
  });

  test('a Role in its namespace lets it read InferenceModels, InferencePools and Pods there, and nowhere else', () => {
    // v0.3.0 pkg/epp/server/controller_manager.go limits its cache to the pool namespace (ByObject).
    const role = findObject(objects, 'Role', name);
    expect(role.metadata.namespace).toBe('default');
    expect(role.rules).toEqual([
      { apiGroups: ['inference.networking.x-k8s.io'], resources: ['inferencemodels', 'inferencepools'], verbs: ['get', 'watch', 'list'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'watch', 'list'] },
    ]);
    const binding = findObject(objects, 'RoleBinding', name);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name, namespace: 'default' }]);
  });

  test('its ClusterRole, named after the namespace, only reviews tokens and access (the auth of its /metrics)', () => {
    expect(findObject(objects, 'ClusterRole', `default.${name}`).rules).toEqual([
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
    ]);
  });

  test('the ClusterRoleBinding grants that ClusterRole to the ServiceAccount, naming roleRef.apiGroup', () => {
    const binding = findObject(objects, 'ClusterRoleBinding', `default.${name}`);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `default.${name}` });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name, namespace: 'default' }]);
  });
});

describe('the endpoint picker PodDisruptionBudget', () => {
  test('allows the single picker pod to be evicted so node upgrades keep moving', () => {
    expect(findObject(objects, 'PodDisruptionBudget', name).spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { app: name } } });
  });
});

describe('the metric names the picker reads', () => {
  test('are its own defaults while vLLM v0.8.5 runs, so no metric flag is passed', () => {
    expect(epp.args.filter((arg: string) => arg.endsWith('Metric'))).toEqual([]);
  });

  test('follow a vLLM that renamed the KV-cache metric (0.10 and later): the flag names the new metric', () => {
    const pool = guidePool();
    const newer = { ...pool, modelServer: { ...pool.modelServer, image: 'vllm/vllm-openai:v0.11.0' } };
    const args = findContainer(findObject(synthConstruct((chart) => buildInferencePool(chart, newer)), 'Deployment', name), 'epp').args;
    expect(argValue(args, '-kvCacheUsagePercentageMetric')).toBe('vllm:kv_cache_usage_perc');
    expect(args.filter((arg: string) => arg.endsWith('Metric'))).toEqual(['-kvCacheUsagePercentageMetric']);
  });
});
