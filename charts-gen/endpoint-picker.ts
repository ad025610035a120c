import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-30';
import { clusterScopedName, endpointPickerName, type ExtensionRelease, type ResourceRequestsSpec, type VllmMetricNames } from '../spec';
import { DISTROLESS_CONTAINER, RUNTIME_DEFAULT_SECCOMP } from './security';
import { appLabels, ENDPOINT_PICKER_PORTS, RBAC_API_GROUP } from './well-known';

export interface EndpointPickerProps {
  readonly namespace: string;
  /** InferencePool this picker serves; the picker's objects are named `<pool>-epp`. */
  readonly inferencePoolName: string;
  /** The v0.3.0 release: API group of the kinds it watches, its version label. */
  readonly release: ExtensionRelease;
  readonly image: string;
  /** @default 1 (the v0.3.0 picker has no leader election) */
  readonly replicas?: number;
  readonly resources: ResourceRequestsSpec;
  /** The metric names the pool's vLLM exports; flags are passed only where they differ from the picker's defaults. */
  readonly vllmMetrics: VllmMetricNames;
  /**
   * Mirrors the model servers' grace period, so the picker outlives the pods it still routes to.
   */
  readonly terminationGracePeriodSeconds: number;
}

/** The v0.3.0 picker's flags for the three metric names it reads (cmd/epp/main.go at v0.3.0). */
const METRIC_FLAGS: readonly (readonly [keyof VllmMetricNames, string])[] = [
  ['queuedRequests', '-totalQueuedRequestsMetric'],
  ['kvCacheUsage', '-kvCacheUsagePercentageMetric'],
  ['loraInfo', '-loraInfoMetric'],
];

/**
 * The v0.3.0 endpoint picker (EPP) that the `inferencepool` chart installs: Deployment, Service and
 * ServiceAccount, its RBAC, and a PodDisruptionBudget. The gateway calls it over gRPC ext-proc to choose a
 * model server pod for each request.
 *
 * RBAC is what the v0.3.0 code uses, no more: its cache lists and watches pods, its one InferencePool and
 * InferenceModels in the pool's namespace only (pkg/epp/server/controller_manager.go, `ByObject`
 * namespaces), so that is a Role there; only the TokenReviews and SubjectAccessReviews that guard its
 * /metrics are cluster-scoped, and those are all its ClusterRole grants.
 */
export class EndpointPicker extends Construct {
  static readonly GRPC_PORT = ENDPOINT_PICKER_PORTS.grpc;
  static readonly GRPC_HEALTH_PORT = ENDPOINT_PICKER_PORTS.grpcHealth;
  static readonly METRICS_PORT = ENDPOINT_PICKER_PORTS.metrics;
  /** gRPC health service name the picker registers. */
  static readonly HEALTH_SERVICE = 'inference-extension';
  /** Name of the picker's metrics port on the pod, which monitoring scrapes. */
  static readonly METRICS_PORT_NAME = 'metrics';

  /** Name of the Deployment, Service, ServiceAccount and RBAC objects. */
  readonly name: string;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly serviceName: string;
  /** Labels the chart puts on its objects (not on the pods). */
  readonly chartLabels: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: EndpointPickerProps) {
    super(scope, id);
    this.name = endpointPickerName(props.inferencePoolName);
    this.serviceName = this.name;
    this.podLabels = appLabels(this.name);
    this.chartLabels = { 'app.kubernetes.io/name': this.name, 'app.kubernetes.io/version': props.release.id };
    const metadata = { name: this.name, namespace: props.namespace, labels: { ...this.chartLabels } };

    const serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata });

    const role = new k8s.KubeRole(this, 'Role', {
      metadata,
      rules: [
        { apiGroups: [props.release.poolGroup], resources: ['inferencemodels', 'inferencepools'], verbs: ['get', 'watch', 'list'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'watch', 'list'] },
      ],
    });
    new k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name: this.name, namespace: props.namespace },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccount.name, namespace: props.namespace }],
      roleRef: { apiGroup: RBAC_API_GROUP, kind: 'Role', name: role.name },
    });

    const clusterRole = new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: clusterScopedName(props.namespace, this.name), labels: { ...this.chartLabels } },
      rules: [
        // The picker guards its /metrics with the caller's token: it asks the API server who the caller
        // is and whether it may read /metrics.
        { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
        { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
      ],
    });
    new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: clusterRole.name },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccount.name, namespace: props.namespace }],
      roleRef: { apiGroup: RBAC_API_GROUP, kind: 'ClusterRole', name: clusterRole.name },
    });

    const grpcHealth: k8s.Probe = {
      grpc: { port: EndpointPicker.GRPC_HEALTH_PORT, service: EndpointPicker.HEALTH_SERVICE },
      initialDelaySeconds: 5,
      periodSeconds: 10,
    };
    const defaults = props.release.endpointPickerMetricDefaults;
    const metricArgs = METRIC_FLAGS.filter(([key]) => props.vllmMetrics[key] !== defaults[key]).flatMap(([key, flag]) => [flag, props.vllmMetrics[key]]);

    new k8s.KubeDeployment(this, 'Deployment', {
      metadata,
      spec: {
        replicas: props.replicas ?? 1,
        selector: { matchLabels: { ...this.podLabels } },
        template: {
          metadata: { labels: { ...this.podLabels } },
          spec: {
            serviceAccountName: serviceAccount.name,
            // The picker watches pods and InferenceModels through the API server with this token.
            automountServiceAccountToken: true,
            terminationGracePeriodSeconds: props.terminationGracePeriodSeconds,
            securityContext: RUNTIME_DEFAULT_SECCOMP,
            containers: [
              {
                name: 'epp',
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                args: [
                  '-poolName', props.inferencePoolName,
                  '-poolNamespace', props.namespace,
                  '-v', '3',
                  '-grpcPort', String(EndpointPicker.GRPC_PORT),
                  '-grpcHealthPort', String(EndpointPicker.GRPC_HEALTH_PORT),
                  '-metricsPort', String(EndpointPicker.METRICS_PORT),
                  // Only when the running vLLM names a metric differently from what this picker expects.
                  ...metricArgs,
                ],
                env: [{ name: 'USE_STREAMING', value: 'true' }],
                ports: [
                  { name: 'grpc', containerPort: EndpointPicker.GRPC_PORT },
                  { name: 'grpc-health', containerPort: EndpointPicker.GRPC_HEALTH_PORT },
                  { name: EndpointPicker.METRICS_PORT_NAME, containerPort: EndpointPicker.METRICS_PORT },
                ],
                livenessProbe: grpcHealth,
                readinessProbe: grpcHealth,
                resources: {
                  requests: { cpu: k8s.Quantity.fromString(props.resources.cpu), memory: k8s.Quantity.fromString(props.resources.memory) },
                },
                securityContext: DISTROLESS_CONTAINER,
              },
            ],
          },
        },
      },
    });

    new k8s.KubeService(this, 'Service', {
      metadata,
      spec: {
        type: 'ClusterIP',
        selector: { ...this.podLabels },
        ports: [
          // The gateway speaks gRPC (HTTP/2) to the picker.
          { name: 'grpc-ext-proc', protocol: 'TCP', port: EndpointPicker.GRPC_PORT, targetPort: k8s.IntOrString.fromNumber(EndpointPicker.GRPC_PORT), appProtocol: 'http2' },
          { name: 'http-metrics', protocol: 'TCP', port: EndpointPicker.METRICS_PORT, targetPort: k8s.IntOrString.fromNumber(EndpointPicker.METRICS_PORT) },
        ],
      },
    });

    // One replica without leader election: allowing its eviction keeps node upgrades moving, and the
    // gateway fails closed for the seconds the replacement takes to start.
    new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata: { name: this.name, namespace: props.namespace },
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { ...this.podLabels } } },
    });
  }
}
