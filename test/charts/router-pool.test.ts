/**
 * The GA profile (`inferenceExtension.version: llm-d-v0.10.0`) for the guide's pool, object by object
 * against what the published llm-d-router-gateway chart v0.10.0 renders for release
 * vllm-llama3-8b-instruct in namespace default with provider gke and monitoring on. Where we deviate
 * from the chart on purpose, the test title says so.
 */
import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import { resolveSpec, type DeploymentSpec } from '../../spec';
import { COMMON_LABELS, COMMON_LABELS_BUT_VERSION, findAll, findContainer, findObject, inventory, selects, synthCharts, type K8sObject } from './helpers';

const POOL = 'vllm-llama3-8b-instruct';
const EPP = `${POOL}-epp`;
const GA = { version: 'llm-d-v0.10.0' };
/** The chart's common labels (llm-d-router.labels), with the published chart's appVersion. */
const LABELS = { 'app.kubernetes.io/name': EPP, 'app.kubernetes.io/version': 'v0.10.0', ...COMMON_LABELS_BUT_VERSION };
/** The chart's selector label (llm-d-router.selectorLabels). */
const SELECTOR = { 'llm-d-router-gateway': EPP };
/** The chart's mode label (llm-d-router.modeLabels). */
const MODE = { 'llm-d.ai/igw-mode': 'llm-d-router-gateway' };
const POOL_REF = { group: 'inference.networking.k8s.io', kind: 'InferencePool', name: POOL };
const READ = ['get', 'watch', 'list'];

/** The objects of the guide pool's chart for a GA spec document. */
function poolObjects(document: Record<string, unknown> = {}): K8sObject[] {
  const spec: DeploymentSpec = resolveSpec({ inferenceExtension: GA, ...document }, 'GA spec');
  return synthCharts(spec)[`pool-${POOL}`];
}

const objects = poolObjects();
const deployment = findObject(objects, 'Deployment', EPP);
const pod: K8sObject = deployment.spec.template.spec;
const epp = findContainer(deployment, 'epp');
const config = findObject(objects, 'ConfigMap', EPP);

describe('the GA InferencePool', () => {
  const pool = findObject(objects, 'InferencePool', POOL);

  test('is inference.networking.k8s.io/v1 InferencePool vllm-llama3-8b-instruct in default, with the chart labels', () => {
    expect(pool.apiVersion).toBe('inference.networking.k8s.io/v1');
    expect(pool.metadata).toEqual({ name: POOL, namespace: 'default', labels: LABELS });
  });

  test('targets port 8000 of the model servers, without appProtocol: the CRD GKE installs at 1.34.0-gke.1626000 (v1.0.0) lacks it', () => {
    expect(pool.spec.targetPorts).toEqual([{ number: 8000 }]);
    expect(pool.spec).not.toHaveProperty('appProtocol');
  });

  test('selects the model server pods by matchLabels app: vllm-llama3-8b-instruct', () => {
    expect(pool.spec.selector).toEqual({ matchLabels: { app: POOL } });
    expect(selects(pool.spec.selector.matchLabels, findObject(objects, 'Deployment', POOL).spec.template.metadata.labels)).toBe(true);
  });

  test('asks picker Service vllm-llama3-8b-instruct-epp on port 9002 and fails open, with no kind or group (the CRD defaults them)', () => {
    expect(pool.spec.endpointPickerRef).toEqual({ name: EPP, port: { number: 9002 }, failureMode: 'FailOpen' });
  });
});

describe('the endpoint picker Deployment', () => {
  test('is apps/v1 Deployment vllm-llama3-8b-instruct-epp in default, with the chart labels and the mode label', () => {
    expect(deployment.apiVersion).toBe('apps/v1');
    // The annotation tells Pulumi and Argo CD that the leader alone being Ready is healthy (test/infra/picker-await).
    expect(deployment.metadata).toEqual({ name: EPP, namespace: 'default', labels: { ...LABELS, ...MODE }, annotations: { 'inference-gateway/ready-replicas': '1' } });
  });

  test('runs 2 replicas by default (our deviation: the chart runs 1) under leader election', () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(epp.args).toContain('--ha-enable-leader-election');
  });

  test('is replaced with the Recreate strategy, so the old leader is gone before new pods start', () => {
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
  });

  test('selects its pods by llm-d-router-gateway: vllm-llama3-8b-instruct-epp, and labels them with it and the mode label', () => {
    expect(deployment.spec.selector).toEqual({ matchLabels: SELECTOR });
    expect(deployment.spec.template.metadata.labels).toEqual({ ...SELECTOR, ...MODE });
  });

  test("annotates its pods with the sha256 of its config file (our deviation: the chart's pods have no annotations), so a changed config restarts it", () => {
    const sha = createHash('sha256').update(config.data['default-plugins.yaml']).digest('hex');
    expect(deployment.spec.template.metadata.annotations).toEqual({ 'inference-gateway/config-sha256': sha });
  });

  test('runs as ServiceAccount vllm-llama3-8b-instruct-epp with its token mounted, and 130 seconds to terminate', () => {
    expect(pod.serviceAccountName).toBe(EPP);
    expect(pod.automountServiceAccountToken).toBe(true);
    expect(pod.terminationGracePeriodSeconds).toBe(130);
  });

  test('runs the single container epp from ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.10.0, IfNotPresent (the published chart)', () => {
    expect(pod.containers.map((container: K8sObject) => container.name)).toEqual(['epp']);
    expect(pod.initContainers).toBeUndefined();
    expect(epp.image).toBe('ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.10.0');
    expect(epp.imagePullPolicy).toBe('IfNotPresent');
  });

  test("passes the chart's arguments in the chart's order, with leader election above one replica", () => {
    expect(epp.args).toEqual([
      '--pool-name', POOL,
      '--pool-namespace', 'default',
      '--pool-group', 'inference.networking.k8s.io',
      '--zap-encoder', 'json',
      '--config-file', '/config/default-plugins.yaml',
      '--ha-enable-leader-election',
      '--grpc-health-port', '9003',
      '--tracing=false',
    ]);
  });

  test('passes no deprecated metric flag: v0.10.0 refuses them (metric names go into its config)', () => {
    expect(epp.args.filter((arg: string) => arg.endsWith('-metric'))).toEqual([]);
  });

  test('gets NAMESPACE and POD_NAME from the downward API', () => {
    expect(epp.env).toEqual([
      { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    ]);
  });

  test('exposes grpc 9002, grpc-health 9003 and metrics 9090', () => {
    expect(epp.ports).toEqual([
      { name: 'grpc', containerPort: 9002 },
      { name: 'grpc-health', containerPort: 9003 },
      { name: 'metrics', containerPort: 9090 },
    ]);
  });

  test('liveness asks gRPC health service liveness on 9003 after 5 s, every 10 s (any replica answers)', () => {
    expect(epp.livenessProbe).toEqual({ grpc: { port: 9003, service: 'liveness' }, initialDelaySeconds: 5, periodSeconds: 10 });
  });

  test('readiness asks gRPC health service readiness on 9003 every 2 s (only the leader is ready)', () => {
    expect(epp.readinessProbe).toEqual({ grpc: { port: 9003, service: 'readiness' }, periodSeconds: 2 });
  });

  test('requests 1 CPU and 2 GiB with a 4 GiB memory limit (our deviation: the chart requests 8 CPUs and 8 GiB, limit 16 GiB)', () => {
    expect(epp.resources).toEqual({ requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '4Gi' } });
  });

  test('mounts its config ConfigMap as volume plugins-config-volume at /config', () => {
    expect(epp.volumeMounts).toEqual([{ name: 'plugins-config-volume', mountPath: '/config' }]);
    expect(pod.volumes).toEqual([{ name: 'plugins-config-volume', configMap: { name: EPP } }]);
  });

  test('runs as the distroless nonroot user with a read-only filesystem, no capabilities and the default seccomp profile (our deviation: the chart sets no security context)', () => {
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
});

describe('the endpoint picker with one replica', () => {
  const single = poolObjects({ pools: [{ name: POOL, endpointPicker: { replicas: 1 } }] });
  const container = findContainer(findObject(single, 'Deployment', EPP), 'epp');

  test('runs without leader election (no --ha-enable-leader-election)', () => {
    expect(container.args).toEqual([
      '--pool-name', POOL,
      '--pool-namespace', 'default',
      '--pool-group', 'inference.networking.k8s.io',
      '--zap-encoder', 'json',
      '--config-file', '/config/default-plugins.yaml',
      '--grpc-health-port', '9003',
      '--tracing=false',
    ]);
  });

  test('liveness and readiness ask gRPC health service inference-extension', () => {
    expect(container.livenessProbe.grpc).toEqual({ port: 9003, service: 'inference-extension' });
    expect(container.readinessProbe.grpc).toEqual({ port: 9003, service: 'inference-extension' });
  });

  test('gets no leader-election Role or RoleBinding', () => {
    expect(findAll(single, 'Role').map((role) => role.metadata.name)).toEqual([`${EPP}-non-sa`, `${EPP}-sa`, `${POOL}-metrics-reader-secret-read`]);
    expect(findAll(single, 'RoleBinding').map((binding) => binding.metadata.name)).not.toContain(`${EPP}-leader-election-binding`);
  });
});

describe("the endpoint picker's config", () => {
  test('is ConfigMap vllm-llama3-8b-instruct-epp in default, with only the common labels, with the files default-plugins.yaml and payload-agnostic.yaml', () => {
    expect(config.metadata).toEqual({ name: EPP, namespace: 'default', labels: COMMON_LABELS });
    expect(Object.keys(config.data)).toEqual(['default-plugins.yaml', 'payload-agnostic.yaml']);
  });

  // Our deviation: the model server pods carry llm-d.ai/engine-type: vllm (the built-in names, which vLLM
  // v0.21.0 exports), and unlabelled pods (an older vLLM still rolling out) are read with the pre-rename names.
  test("default-plugins.yaml is the chart's queue, KV-cache and prefix-cache scoring; labelled pods get the built-in vLLM names, unlabelled ones the pre-rename names", () => {
    expect(parse(config.data['default-plugins.yaml'])).toEqual({
      apiVersion: 'llm-d.ai/v1alpha1',
      kind: 'EndpointPickerConfig',
      plugins: [
        { type: 'queue-scorer' },
        { type: 'kv-cache-utilization-scorer' },
        { type: 'prefix-cache-scorer' },
        { type: 'metrics-data-source', parameters: { scheme: 'http', path: '/metrics', insecureSkipVerify: true } },
        {
          type: 'core-metrics-extractor',
          parameters: {
            defaultEngine: 'vllm-before-0.10',
            engineConfigs: [
              {
                name: 'vllm-before-0.10',
                queuedRequestsSpec: 'vllm:num_requests_waiting',
                runningRequestsSpec: 'vllm:num_requests_running',
                kvUsageSpec: 'vllm:gpu_cache_usage_perc',
                loraSpec: 'vllm:lora_requests_info',
                cacheInfoSpec: 'vllm:cache_config_info',
              },
            ],
          },
        },
      ],
      schedulingProfiles: [
        {
          name: 'default',
          plugins: [
            { pluginRef: 'queue-scorer', weight: 2 },
            { pluginRef: 'kv-cache-utilization-scorer', weight: 2 },
            { pluginRef: 'prefix-cache-scorer', weight: 3 },
          ],
        },
      ],
    });
  });

  test("payload-agnostic.yaml is the chart's unused second config", () => {
    expect(parse(config.data['payload-agnostic.yaml'])).toEqual({
      apiVersion: 'llm-d.ai/v1alpha1',
      kind: 'EndpointPickerConfig',
      plugins: [{ type: 'passthrough-parser' }, { type: 'active-request-scorer' }, { type: 'session-affinity-scorer' }],
      requestHandler: { parsers: [{ pluginRef: 'passthrough-parser' }] },
      schedulingProfiles: [
        {
          name: 'default',
          plugins: [
            { pluginRef: 'active-request-scorer', weight: 1 },
            { pluginRef: 'session-affinity-scorer', weight: 1 },
          ],
        },
      ],
    });
  });
});

describe('the endpoint picker Service', () => {
  const service = findObject(objects, 'Service', EPP);

  test('is ClusterIP Service vllm-llama3-8b-instruct-epp in default, with the chart labels, selecting the picker pods', () => {
    expect(service.metadata).toEqual({ name: EPP, namespace: 'default', labels: LABELS });
    expect(service.spec.type).toBe('ClusterIP');
    expect(service.spec.selector).toEqual(SELECTOR);
  });

  test('publishes grpc-ext-proc on 9002 with appProtocol kubernetes.io/h2c and http-metrics on 9090, without targetPorts', () => {
    expect(service.spec.ports).toEqual([
      { name: 'grpc-ext-proc', protocol: 'TCP', port: 9002, appProtocol: 'kubernetes.io/h2c' },
      { name: 'http-metrics', protocol: 'TCP', port: 9090 },
    ]);
  });
});

describe("the endpoint picker's ServiceAccount and RBAC", () => {
  const subject = [{ kind: 'ServiceAccount', name: EPP, namespace: 'default' }];
  const roleRef = (kind: string, name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind, name });

  test('ServiceAccount vllm-llama3-8b-instruct-epp lives in default, with the chart labels', () => {
    expect(findObject(objects, 'ServiceAccount', EPP).metadata).toEqual({ name: EPP, namespace: 'default', labels: LABELS });
  });

  test('Role vllm-llama3-8b-instruct-epp-non-sa reads objectives and model rewrites (both groups) and the GA InferencePools', () => {
    const role = findObject(objects, 'Role', `${EPP}-non-sa`);
    expect(role.metadata).toEqual({ name: `${EPP}-non-sa`, namespace: 'default', labels: LABELS });
    expect(role.rules).toEqual([
      { apiGroups: ['inference.networking.x-k8s.io'], resources: ['inferenceobjectives', 'inferencemodelrewrites'], verbs: READ },
      { apiGroups: ['llm-d.ai'], resources: ['inferenceobjectives', 'inferencemodelrewrites'], verbs: READ },
      { apiGroups: ['inference.networking.k8s.io'], resources: ['inferencepools'], verbs: READ },
    ]);
  });

  test('RoleBinding vllm-llama3-8b-instruct-epp-non-sa, with only the common labels, grants it to the picker', () => {
    const binding = findObject(objects, 'RoleBinding', `${EPP}-non-sa`);
    expect(binding.metadata).toEqual({ name: `${EPP}-non-sa`, namespace: 'default', labels: COMMON_LABELS });
    expect(binding.subjects).toEqual(subject);
    expect(binding.roleRef).toEqual(roleRef('Role', `${EPP}-non-sa`));
  });

  test('Role vllm-llama3-8b-instruct-epp-sa reads pods in default, and its RoleBinding grants it to the picker', () => {
    const role = findObject(objects, 'Role', `${EPP}-sa`);
    expect(role.metadata).toEqual({ name: `${EPP}-sa`, namespace: 'default', labels: LABELS });
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: READ }]);
    const binding = findObject(objects, 'RoleBinding', `${EPP}-sa`);
    expect(binding.subjects).toEqual(subject);
    expect(binding.roleRef).toEqual(roleRef('Role', `${EPP}-sa`));
  });

  test('Role vllm-llama3-8b-instruct-epp-leader-election manages Leases and records events', () => {
    const role = findObject(objects, 'Role', `${EPP}-leader-election`);
    expect(role.metadata).toEqual({ name: `${EPP}-leader-election`, namespace: 'default', labels: LABELS });
    expect(role.rules).toEqual([
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
    ]);
  });

  test("RoleBinding vllm-llama3-8b-instruct-epp-leader-election-binding grants it to the picker (our deviation: the subject names its namespace, the chart's leaves it out)", () => {
    const binding = findObject(objects, 'RoleBinding', `${EPP}-leader-election-binding`);
    expect(binding.subjects).toEqual(subject);
    expect(binding.roleRef).toEqual(roleRef('Role', `${EPP}-leader-election`));
  });

  test("ClusterRole default.vllm-llama3-8b-instruct-epp reviews tokens and access and GETs /metrics (our deviation: the chart names it vllm-llama3-8b-instruct-default-epp, which two namespaces' dashes can make collide)", () => {
    const role = findObject(objects, 'ClusterRole', `default.${EPP}`);
    expect(role.metadata).toEqual({ name: `default.${EPP}`, labels: LABELS });
    expect(role.rules).toEqual([
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
      { nonResourceURLs: ['/metrics'], verbs: ['get'] },
    ]);
  });

  test('ClusterRoleBinding default.vllm-llama3-8b-instruct-epp, with only the common labels, grants it to the picker in default', () => {
    const binding = findObject(objects, 'ClusterRoleBinding', `default.${EPP}`);
    expect(binding.metadata).toEqual({ name: `default.${EPP}`, labels: COMMON_LABELS });
    expect(binding.subjects).toEqual(subject);
    expect(binding.roleRef).toEqual(roleRef('ClusterRole', `default.${EPP}`));
  });
});

describe('the GKE policies of the GA InferencePool', () => {
  test('HealthCheckPolicy vllm-llama3-8b-instruct checks HTTP /health on fixed port 8000 every 2 s with a 2 s timeout (our deviation: portSpecification USE_FIXED_PORT, which the CRD needs beside a port)', () => {
    const policy = findObject(objects, 'HealthCheckPolicy', POOL);
    expect(policy.apiVersion).toBe('networking.gke.io/v1');
    expect(policy.metadata).toEqual({ name: POOL, namespace: 'default', labels: LABELS });
    expect(policy.spec).toEqual({
      targetRef: POOL_REF,
      default: {
        timeoutSec: 2,
        checkIntervalSec: 2,
        config: { type: 'HTTP', httpHealthCheck: { requestPath: '/health', portSpecification: 'USE_FIXED_PORT', port: 8000 } },
      },
    });
  });

  test('GCPBackendPolicy vllm-llama3-8b-instruct allows 300 s per request and logs requests', () => {
    const policy = findObject(objects, 'GCPBackendPolicy', POOL);
    expect(policy.apiVersion).toBe('networking.gke.io/v1');
    expect(policy.metadata).toEqual({ name: POOL, namespace: 'default', labels: LABELS });
    expect(policy.spec).toEqual({ targetRef: POOL_REF, default: { timeoutSec: 300, logging: { enabled: true } } });
  });
});

describe('Managed Prometheus scraping of the picker', () => {
  const reader = `${POOL}-metrics-reader`;

  test('PodMonitoring vllm-llama3-8b-instruct scrapes the picker pods on port metrics every 10 s with the reader token', () => {
    const monitoring = findObject(objects, 'PodMonitoring', POOL);
    expect(monitoring.apiVersion).toBe('monitoring.googleapis.com/v1');
    expect(monitoring.metadata).toEqual({ name: POOL, namespace: 'default', labels: LABELS });
    expect(monitoring.spec).toEqual({
      selector: { matchLabels: SELECTOR },
      endpoints: [
        {
          port: 'metrics',
          scheme: 'http',
          interval: '10s',
          path: '/metrics',
          authorization: { type: 'Bearer', credentials: { secret: { name: `${reader}-secret`, key: 'token' } } },
        },
      ],
    });
  });

  test('ServiceAccount vllm-llama3-8b-instruct-metrics-reader-sa lives in default, with only the common labels', () => {
    expect(findObject(objects, 'ServiceAccount', `${reader}-sa`).metadata).toEqual({ name: `${reader}-sa`, namespace: 'default', labels: COMMON_LABELS });
  });

  test('Secret vllm-llama3-8b-instruct-metrics-reader-secret holds its token, with the chart labels', () => {
    const secret = findObject(objects, 'Secret', `${reader}-secret`);
    expect(secret.type).toBe('kubernetes.io/service-account-token');
    expect(secret.metadata.labels).toEqual(LABELS);
    expect(secret.metadata.annotations?.['kubernetes.io/service-account.name']).toBe(`${reader}-sa`);
  });

  test('the token Secret is applied after its ServiceAccount (depends-on and sync wave 1)', () => {
    const annotations = findObject(objects, 'Secret', `${reader}-secret`).metadata.annotations;
    expect(annotations?.['config.kubernetes.io/depends-on']).toBe(`/namespaces/default/ServiceAccount/${reader}-sa`);
    expect(annotations?.['argocd.argoproj.io/sync-wave']).toBe('1');
  });

  test('ClusterRole default.vllm-llama3-8b-instruct-metrics-reader GETs /metrics, and its binding grants it to the reader (our deviation: the chart joins namespace and pool with "-")', () => {
    expect(findObject(objects, 'ClusterRole', `default.${reader}`).rules).toEqual([{ nonResourceURLs: ['/metrics'], verbs: ['get'] }]);
    const binding = findObject(objects, 'ClusterRoleBinding', `default.${reader}-role-binding`);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: `${reader}-sa`, namespace: 'default' }]);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `default.${reader}` });
  });

  test('Role vllm-llama3-8b-instruct-metrics-reader-secret-read, in default, reads that one Secret', () => {
    const role = findObject(objects, 'Role', `${reader}-secret-read`);
    expect(role.metadata.namespace).toBe('default');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'], resourceNames: [`${reader}-secret`] }]);
  });

  test('RoleBinding gmp-system:collector:default-vllm-llama3-8b-instruct-metrics-reader-secret-read grants it to the collector in gmp-system', () => {
    const binding = findObject(objects, 'RoleBinding', `gmp-system:collector:default-${reader}-secret-read`);
    expect(binding.metadata.namespace).toBe('default');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'collector', namespace: 'gmp-system' }]);
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${reader}-secret-read` });
  });
});

describe('the GA stack as a whole', () => {
  const modelServer = [`Deployment/${POOL}`, `PodDisruptionBudget/${POOL}`, 'ConfigMap/vllm-llama3-8b-adapters'];
  const stack = objects.filter((object) => !modelServer.includes(`${object.kind}/${object.metadata.name}`));

  test("is the chart's 20 objects plus the leader-election Role and RoleBinding, and three InferenceObjectives", () => {
    expect(inventory(stack)).toEqual([
      `ClusterRole/default.${EPP}`,
      `ClusterRole/default.${POOL}-metrics-reader`,
      `ClusterRoleBinding/default.${EPP}`,
      `ClusterRoleBinding/default.${POOL}-metrics-reader-role-binding`,
      `ConfigMap/${EPP}`,
      `Deployment/${EPP}`,
      `GCPBackendPolicy/${POOL}`,
      `HealthCheckPolicy/${POOL}`,
      'InferenceObjective/cad-fabricator',
      'InferenceObjective/food-review',
      'InferenceObjective/llama3-base-model',
      `InferencePool/${POOL}`,
      `PodMonitoring/${POOL}`,
      `PodMonitoring/${POOL}-vllm`,
      `Role/${EPP}-leader-election`,
      `Role/${EPP}-non-sa`,
      `Role/${EPP}-sa`,
      `Role/${POOL}-metrics-reader-secret-read`,
      `RoleBinding/gmp-system:collector:default-${POOL}-metrics-reader-secret-read`,
      `RoleBinding/${EPP}-leader-election-binding`,
      `RoleBinding/${EPP}-non-sa`,
      `RoleBinding/${EPP}-sa`,
      `Secret/${POOL}-metrics-reader-secret`,
      `Service/${EPP}`,
      `ServiceAccount/${EPP}`,
      `ServiceAccount/${POOL}-metrics-reader-sa`,
    ]);
  });

  test('has no InferenceModel and no v0.3.0 picker objects', () => {
    expect(findAll(objects, 'InferenceModel')).toEqual([]);
    expect(objects.filter((object) => object.apiVersion.startsWith('inference.networking.x-k8s.io'))).toEqual([]);
  });
});

describe('with monitoring.metricsReader false', () => {
  const unmonitored = poolObjects({ monitoring: { metricsReader: false } });

  test("there is no picker PodMonitoring (vLLM's stays), no metrics reader and no metrics ClusterRole", () => {
    expect(findAll(unmonitored, 'PodMonitoring').map((monitor) => monitor.metadata.name)).toEqual([`${POOL}-vllm`]);
    expect(findAll(unmonitored, 'Secret')).toEqual([]);
    expect(findAll(unmonitored, 'ClusterRole')).toEqual([]);
    expect(findAll(unmonitored, 'ClusterRoleBinding')).toEqual([]);
    expect(findAll(unmonitored, 'ServiceAccount').map((account) => account.metadata.name)).toEqual([EPP]);
    expect(findAll(unmonitored, 'Role').map((role) => role.metadata.name)).toEqual([`${EPP}-non-sa`, `${EPP}-sa`, `${EPP}-leader-election`]);
  });

  test('the picker keeps its InferencePool, Deployment, Service and GKE policies', () => {
    for (const [kind, name] of [['InferencePool', POOL], ['Deployment', EPP], ['Service', EPP], ['HealthCheckPolicy', POOL], ['GCPBackendPolicy', POOL]]) {
      findObject(unmonitored, kind, name);
    }
  });
});

describe('the InferenceObjectives', () => {
  const objectives = findAll(objects, 'InferenceObjective');

  test('are llm-d.ai/v1alpha2 objects named like the guide InferenceModels, in default, with the chart labels', () => {
    expect(objectives.map((objective) => objective.apiVersion)).toEqual(['llm-d.ai/v1alpha2', 'llm-d.ai/v1alpha2', 'llm-d.ai/v1alpha2']);
    expect(objectives.map((objective) => objective.metadata)).toEqual([
      { name: 'food-review', namespace: 'default', labels: LABELS },
      { name: 'llama3-base-model', namespace: 'default', labels: LABELS },
      { name: 'cad-fabricator', namespace: 'default', labels: LABELS },
    ]);
  });

  test('Critical becomes priority 1 and Standard priority 0, each with poolRef group inference.networking.k8s.io and no kind', () => {
    const poolRef = { group: 'inference.networking.k8s.io', name: POOL };
    expect(objectives.map((objective) => objective.spec)).toEqual([
      { priority: 0, poolRef },
      { priority: 1, poolRef },
      { priority: 0, poolRef },
    ]);
  });

  test('food-review, served under its own name, gets no InferenceModelRewrite', () => {
    expect(findAll(objects, 'InferenceModelRewrite')).toEqual([]);
  });
});

describe('InferenceObjectives and InferenceModelRewrites of models that rename or split', () => {
  const renamed = poolObjects({
    pools: [
      {
        name: POOL,
        models: [
          { name: 'llama3-base-model', modelName: 'meta-llama/Llama-3.1-8B-Instruct', criticality: 'Critical' },
          { name: 'cad', modelName: 'cad', criticality: 'Sheddable', targetModels: [{ name: 'cad-fabricator' }] },
          { name: 'food-canary', modelName: 'food', criticality: 'Standard', targetModels: [{ name: 'food-review', weight: 90 }, { name: 'cad-fabricator', weight: 10 }] },
        ],
      },
    ],
  });
  const poolRef = { group: 'inference.networking.k8s.io', name: POOL };

  test('Sheddable becomes priority -1', () => {
    expect(findObject(renamed, 'InferenceObjective', 'cad').spec).toEqual({ priority: -1, poolRef });
  });

  test('only the renaming and the splitting model get an InferenceModelRewrite, named like their objective', () => {
    expect(findAll(renamed, 'InferenceModelRewrite').map((rewrite) => `${rewrite.apiVersion} ${rewrite.metadata.name}`)).toEqual([
      'llm-d.ai/v1alpha2 cad',
      'llm-d.ai/v1alpha2 food-canary',
    ]);
  });

  test('a rename rewrites model cad to adapter cad-fabricator', () => {
    expect(findObject(renamed, 'InferenceModelRewrite', 'cad').spec).toEqual({
      poolRef,
      rules: [{ matches: [{ model: { value: 'cad' } }], targets: [{ modelRewrite: 'cad-fabricator' }] }],
    });
  });

  test('a split rewrites model food to food-review and cad-fabricator by weight 90 to 10', () => {
    expect(findObject(renamed, 'InferenceModelRewrite', 'food-canary').spec).toEqual({
      poolRef,
      rules: [
        {
          matches: [{ model: { value: 'food' } }],
          targets: [
            { modelRewrite: 'food-review', weight: 90 },
            { modelRewrite: 'cad-fabricator', weight: 10 },
          ],
        },
      ],
    });
  });
});
