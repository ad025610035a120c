import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-30';
import { yamlText } from '../spec/yaml-writer';
import { GcpBackendPolicy } from '../imports/gcpbackendpolicies-networking.gke.io';
import {
  HealthCheckPolicy,
  HealthCheckPolicySpecDefaultConfigHttpHealthCheckPortSpecification,
  HealthCheckPolicySpecDefaultConfigType,
} from '../imports/healthcheckpolicies-networking.gke.io';
import {
  InferencePool as InferencePoolV1,
  InferencePoolSpecAppProtocol,
  InferencePoolSpecEndpointPickerRefFailureMode,
} from '../imports/inferencepools-inference.networking.k8s.io';
import { PodMonitoring, PodMonitoringSpecEndpointsPort, PodMonitoringSpecEndpointsScheme } from '../imports/podmonitorings-monitoring.googleapis.com';
import {
  clusterScopedName,
  endpointPickerName,
  GKE_INFERENCE_POOL_CRDS,
  inferencePoolHas,
  routerPickerRoles,
  poolMetricsReader,
  PRE_RENAME_VLLM_ENGINE,
  PRE_RENAME_VLLM_VERSION,
  scaleMemory,
  VLLM_ENGINE,
  vllmMetrics,
  type EndpointPickerSpec,
  type ExtensionRelease,
  type VllmMetricNames,
} from '../spec';
import { securityPolicy, type PoolReference } from './inference-pool';
import { MetricsReader } from './metrics-reader';
import type { ModelServer } from './model-server';
import { DISTROLESS_CONTAINER, RUNTIME_DEFAULT_SECCOMP } from './security';
import { ENDPOINT_PICKER_PORTS, RBAC_API_GROUP, READY_REPLICAS_ANNOTATION } from './well-known';

export interface RouterPoolProps {
  readonly namespace: string;
  /** The model servers this pool routes to: their pod labels and port become its selector and target. */
  readonly modelServer: ModelServer;
  /** The GA release (llm-d router): API group, picker image and defaults. */
  readonly release: ExtensionRelease;
  /** InferencePool name; the picker's objects are named `<name>-epp`. */
  readonly name: string;
  readonly endpointPicker: EndpointPickerSpec;
  /** The metric names the model servers' vLLM exports. */
  readonly vllmMetrics: VllmMetricNames;
  /** GCPBackendPolicy `timeoutSec`: size it from steady-state p99 latency, not drain time. */
  readonly backendTimeoutSeconds: number;
  /**
   * Name of the Cloud Armor policy (in the Gateway's project and region) the GCPBackendPolicy attaches to
   * this pool's backend service. @default none: every client that reaches the Gateway gets through
   */
  readonly securityPolicy?: string;
  /**
   * Managed Prometheus scrapes the picker (PodMonitoring, its metrics reader, the picker's metrics auth
   * RBAC), as the chart does with `monitoring.prometheus.enabled`. @default false
   */
  readonly monitoring?: boolean;
  /** Namespace of Managed Prometheus' collector. @default 'gmp-system' */
  readonly collectorNamespace?: string;
  /**
   * The InferencePool v1 CRD release the cluster has at its minimum version (`inferencePoolCrd`): fields
   * newer than it are left out. @default the oldest GKE-installed CRD (GKE_INFERENCE_POOL_CRDS)
   */
  readonly inferencePoolCrd?: string;
}

/** The picker's config file name in its ConfigMap and under /config (the chart's default). */
const CONFIG_FILE = 'default-plugins.yaml';
const CONFIG_DIRECTORY = '/config';

/** One core-metrics-extractor engine entry with a vLLM's metric names. */
function engineEntry(name: string, vllm: VllmMetricNames): Record<string, string> {
  return {
    name,
    queuedRequestsSpec: vllm.queuedRequests,
    runningRequestsSpec: vllm.runningRequests,
    kvUsageSpec: vllm.kvCacheUsage,
    loraSpec: vllm.loraInfo,
    cacheInfoSpec: vllm.cacheInfo,
  };
}

/**
 * The EndpointPickerConfig the llm-d-router-gateway chart (v0.10.0) renders for vLLM over HTTP: queue,
 * KV-cache and prefix-cache scorers over metrics scraped from each model server. The core metrics
 * extractor picks the names per pod by its engine label, and unlabelled pods get `defaultEngine`
 * (extractor/metrics factories.go, extractor.go):
 * - pods labelled with the built-in `vllm` engine (their vLLM exports its names): an entry for the
 *   pre-rename names becomes the default, so pods of the older vLLM still running while an upgrade rolls
 *   keep being scored (both read correctly, each with its own names);
 * - unlabelled pods whose vLLM's names differ from the built-in ones: an entry named `vllm` replaces the
 *   built-in one whole, so every name is repeated;
 * - otherwise the chart's bare extractor.
 */
export function endpointPickerConfig(vllm: VllmMetricNames, builtIn: VllmMetricNames, labelled = false): Record<string, unknown> {
  const differs = (Object.keys(builtIn) as (keyof VllmMetricNames)[]).some((key) => vllm[key] !== builtIn[key]);
  const extractor = labelled
    ? { type: 'core-metrics-extractor', parameters: { defaultEngine: PRE_RENAME_VLLM_ENGINE, engineConfigs: [engineEntry(PRE_RENAME_VLLM_ENGINE, vllmMetrics(PRE_RENAME_VLLM_VERSION))] } }
    : differs
      ? { type: 'core-metrics-extractor', parameters: { engineConfigs: [engineEntry(VLLM_ENGINE, vllm)] } }
      : { type: 'core-metrics-extractor' };
  return {
    apiVersion: 'llm-d.ai/v1alpha1',
    kind: 'EndpointPickerConfig',
    plugins: [
      { type: 'queue-scorer' },
      { type: 'kv-cache-utilization-scorer' },
      { type: 'prefix-cache-scorer' },
      { type: 'metrics-data-source', parameters: { scheme: 'http', path: '/metrics', insecureSkipVerify: true } },
      extractor,
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
  };
}

/** The chart's second, unused config (selected with `pluginsConfigFile`), kept for a like-for-like ConfigMap. */
const PAYLOAD_AGNOSTIC_CONFIG = {
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
};

/**
 * A GA (`inference.networking.k8s.io/v1`) InferencePool with what the llm-d-router-gateway chart
 * (v0.10.0, provider gke, monitoring on) installs beside it: the llm-d endpoint picker with its
 * EndpointPickerConfig, Service, ServiceAccount and namespaced RBAC, leader election above one replica,
 * GKE's HealthCheckPolicy and GCPBackendPolicy, and the PodMonitoring with its metrics reader.
 */
export class RouterPool extends Construct {
  static readonly GRPC_PORT = ENDPOINT_PICKER_PORTS.grpc;
  static readonly GRPC_HEALTH_PORT = ENDPOINT_PICKER_PORTS.grpcHealth;
  static readonly METRICS_PORT = ENDPOINT_PICKER_PORTS.metrics;
  static readonly METRICS_PORT_NAME = 'metrics';
  /** The chart's mode label on the picker's Deployment and pods. */
  static readonly MODE_LABEL = { 'llm-d.ai/igw-mode': 'llm-d-router-gateway' } as const;

  readonly name: string;
  readonly reference: PoolReference;
  /** The picker's Deployment, Service and ServiceAccount name. */
  readonly endpointPickerName: string;
  readonly endpointPickerPodLabels: Readonly<Record<string, string>>;
  /** The chart's common labels. */
  readonly labels: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: RouterPoolProps) {
    super(scope, id);
    const { namespace, release, modelServer } = props;
    this.name = props.name;
    this.reference = { group: release.poolGroup, kind: 'InferencePool', name: this.name };
    const pickerName = endpointPickerName(this.name);
    this.endpointPickerName = pickerName;
    this.labels = { 'app.kubernetes.io/name': pickerName, 'app.kubernetes.io/version': release.endpointPickerTag };
    const selectorLabels = { 'llm-d-router-gateway': pickerName };
    this.endpointPickerPodLabels = { ...selectorLabels, ...RouterPool.MODE_LABEL };
    const replicas = props.endpointPicker.replicas;
    const leaderElection = release.leaderElection && replicas > 1;
    const roles = routerPickerRoles(pickerName);

    const serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: pickerName, namespace, labels: { ...this.labels } },
    });
    const bindToPicker = (roleId: string, roleName: string, rules: k8s.PolicyRule[], bindingName = roleName): void => {
      const role = new k8s.KubeRole(this, roleId, { metadata: { name: roleName, namespace, labels: { ...this.labels } }, rules });
      new k8s.KubeRoleBinding(this, `${roleId}Binding`, {
        metadata: { name: bindingName, namespace },
        subjects: [{ kind: 'ServiceAccount', name: serviceAccount.name, namespace }],
        roleRef: { apiGroup: RBAC_API_GROUP, kind: 'Role', name: role.name },
      });
    };
    const read = ['get', 'watch', 'list'];
    // What the picker watches, all in its own namespace: its InferencePool, the objectives and model
    // rewrites (either API group), and the pods it routes to.
    bindToPicker('ObjectsRole', roles.objects, [
      { apiGroups: ['inference.networking.x-k8s.io'], resources: ['inferenceobjectives', 'inferencemodelrewrites'], verbs: read },
      { apiGroups: ['llm-d.ai'], resources: ['inferenceobjectives', 'inferencemodelrewrites'], verbs: read },
      { apiGroups: [release.poolGroup], resources: ['inferencepools'], verbs: read },
    ]);
    bindToPicker('PodsRole', roles.pods, [{ apiGroups: [''], resources: ['pods'], verbs: read }]);
    if (leaderElection) {
      // controller-runtime leader election: a Lease in the namespace, and events about it.
      bindToPicker(
        'LeaderElectionRole',
        roles.leaderElection,
        [
          { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
          { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
        ],
        roles.leaderElectionBinding,
      );
    }
    if (props.monitoring) {
      // Cluster-scoped by nature: TokenReviews and SubjectAccessReviews guard the picker's /metrics.
      const metricsAuth = new k8s.KubeClusterRole(this, 'MetricsAuthRole', {
        metadata: { name: clusterScopedName(namespace, pickerName), labels: { ...this.labels } },
        rules: [
          { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
          { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
          { nonResourceUrLs: ['/metrics'], verbs: ['get'] },
        ],
      });
      new k8s.KubeClusterRoleBinding(this, 'MetricsAuthRoleBinding', {
        metadata: { name: metricsAuth.name },
        subjects: [{ kind: 'ServiceAccount', name: serviceAccount.name, namespace }],
        roleRef: { apiGroup: RBAC_API_GROUP, kind: 'ClusterRole', name: metricsAuth.name },
      });
    }

    const configText = yamlText(endpointPickerConfig(props.vllmMetrics, release.endpointPickerMetricDefaults, modelServer.engine === VLLM_ENGINE), 'config');
    const config = new k8s.KubeConfigMap(this, 'Config', {
      metadata: { name: pickerName, namespace },
      data: { [CONFIG_FILE]: configText, 'payload-agnostic.yaml': yamlText(PAYLOAD_AGNOSTIC_CONFIG, 'config') },
    });

    new InferencePoolV1(this, 'Resource', {
      metadata: { name: this.name, namespace, labels: { ...this.labels } },
      spec: {
        targetPorts: [{ number: modelServer.port }],
        ...(inferencePoolHas(props.inferencePoolCrd ?? GKE_INFERENCE_POOL_CRDS[0].crd, 'appProtocol') ? { appProtocol: InferencePoolSpecAppProtocol.HTTP } : {}),
        selector: { matchLabels: { ...modelServer.podLabels } },
        // The chart's choice: if the picker is down, the gateway still sends requests (unscored) rather
        // than failing them.
        endpointPickerRef: { name: pickerName, port: { number: RouterPool.GRPC_PORT }, failureMode: InferencePoolSpecEndpointPickerRefFailureMode.FAIL_OPEN },
      },
    });

    // With leader election only the leader reports ready ("readiness"); "liveness" answers for every
    // replica. One replica answers the chart's single-replica service name.
    const healthService = (kind: 'liveness' | 'readiness'): string => (leaderElection ? kind : 'inference-extension');
    const memoryLimit = release.endpointPickerMemoryLimitFactor === undefined ? undefined : scaleMemory(props.endpointPicker.resources.memory, release.endpointPickerMemoryLimitFactor);
    new k8s.KubeDeployment(this, 'Deployment', {
      metadata: {
        name: pickerName,
        namespace,
        labels: { ...this.labels, ...RouterPool.MODE_LABEL },
        // With leader election one Ready replica (the leader) is the healthy state: consumers that wait
        // for every replica (Pulumi, Argo CD, kstatus) are told so, see READY_REPLICAS_ANNOTATION.
        ...(leaderElection ? { annotations: { [READY_REPLICAS_ANNOTATION]: '1' } } : {}),
      },
      spec: {
        replicas,
        // Recreate, as the chart: with leader election only the leader is ever Ready, so a rolling update
        // could never see a new pod become available while the old leader holds the lease (deadlock). The
        // old pods go first, release the lease on SIGTERM, and a new leader is elected; meanwhile the
        // InferencePool fails open.
        strategy: { type: 'Recreate' },
        selector: { matchLabels: { ...selectorLabels } },
        template: {
          metadata: {
            labels: { ...this.endpointPickerPodLabels },
            // The picker reads its config file at start only: a changed config (for example other metric
            // names after a vLLM upgrade) must restart it.
            annotations: { 'inference-gateway/config-sha256': createHash('sha256').update(configText).digest('hex') },
          },
          spec: {
            serviceAccountName: serviceAccount.name,
            automountServiceAccountToken: true,
            terminationGracePeriodSeconds: modelServer.terminationGracePeriodSeconds,
            securityContext: RUNTIME_DEFAULT_SECCOMP,
            containers: [
              {
                name: 'epp',
                image: props.endpointPicker.image,
                imagePullPolicy: 'IfNotPresent',
                args: [
                  '--pool-name', this.name,
                  '--pool-namespace', namespace,
                  '--pool-group', release.poolGroup,
                  '--zap-encoder', 'json',
                  '--config-file', `${CONFIG_DIRECTORY}/${CONFIG_FILE}`,
                  ...(leaderElection ? ['--ha-enable-leader-election'] : []),
                  '--grpc-health-port', String(RouterPool.GRPC_HEALTH_PORT),
                  '--tracing=false',
                ],
                env: [
                  { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                  { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                ],
                ports: [
                  { name: 'grpc', containerPort: RouterPool.GRPC_PORT },
                  { name: 'grpc-health', containerPort: RouterPool.GRPC_HEALTH_PORT },
                  { name: RouterPool.METRICS_PORT_NAME, containerPort: RouterPool.METRICS_PORT },
                ],
                livenessProbe: { grpc: { port: RouterPool.GRPC_HEALTH_PORT, service: healthService('liveness') }, initialDelaySeconds: 5, periodSeconds: 10 },
                readinessProbe: { grpc: { port: RouterPool.GRPC_HEALTH_PORT, service: healthService('readiness') }, periodSeconds: 2 },
                resources: {
                  requests: {
                    cpu: k8s.Quantity.fromString(props.endpointPicker.resources.cpu),
                    memory: k8s.Quantity.fromString(props.endpointPicker.resources.memory),
                  },
                  ...(memoryLimit === undefined ? {} : { limits: { memory: k8s.Quantity.fromString(memoryLimit) } }),
                },
                volumeMounts: [{ name: 'plugins-config-volume', mountPath: CONFIG_DIRECTORY }],
                securityContext: DISTROLESS_CONTAINER,
              },
            ],
            volumes: [{ name: 'plugins-config-volume', configMap: { name: config.name } }],
          },
        },
      },
    });

    new k8s.KubeService(this, 'Service', {
      metadata: { name: pickerName, namespace, labels: { ...this.labels } },
      spec: {
        type: 'ClusterIP',
        selector: { ...selectorLabels },
        ports: [
          { name: 'grpc-ext-proc', protocol: 'TCP', port: RouterPool.GRPC_PORT, appProtocol: 'kubernetes.io/h2c' },
          { name: 'http-metrics', protocol: 'TCP', port: RouterPool.METRICS_PORT },
        ],
      },
    });

    const targetRef = { ...this.reference };
    new HealthCheckPolicy(this, 'HealthCheckPolicy', {
      metadata: { name: this.name, namespace, labels: { ...this.labels } },
      spec: {
        targetRef,
        default: {
          timeoutSec: 2,
          checkIntervalSec: 2,
          config: {
            type: HealthCheckPolicySpecDefaultConfigType.HTTP,
            httpHealthCheck: {
              requestPath: modelServer.healthPath,
              // The chart leaves this out; GKE's CRD then assumes USE_SERVING_PORT and refuses `port`.
              portSpecification: HealthCheckPolicySpecDefaultConfigHttpHealthCheckPortSpecification.USE_UNDERSCORE_FIXED_UNDERSCORE_PORT,
              port: modelServer.port,
            },
          },
        },
      },
    });

    new GcpBackendPolicy(this, 'BackendPolicy', {
      metadata: { name: this.name, namespace, labels: { ...this.labels } },
      spec: { targetRef, default: { timeoutSec: props.backendTimeoutSeconds, logging: { enabled: true }, ...securityPolicy(props.securityPolicy) } },
    });

    if (props.monitoring) {
      const reader = new MetricsReader(this, 'MetricsReader', {
        namespace,
        names: poolMetricsReader(namespace, this.name, props.collectorNamespace ?? 'gmp-system'),
        collectorNamespace: props.collectorNamespace,
        labels: this.labels,
      });
      new PodMonitoring(this, 'PickerMonitoring', {
        metadata: { name: this.name, namespace, labels: { ...this.labels } },
        spec: {
          selector: { matchLabels: { ...selectorLabels } },
          endpoints: [
            {
              port: PodMonitoringSpecEndpointsPort.fromString(RouterPool.METRICS_PORT_NAME),
              scheme: PodMonitoringSpecEndpointsScheme.HTTP,
              interval: release.scrapeInterval,
              path: '/metrics',
              authorization: { type: 'Bearer', credentials: { secret: { name: reader.tokenSecretName, key: MetricsReader.TOKEN_KEY } } },
            },
          ],
        },
      });
    }
  }
}
