import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-30';
import { endpointPickerName } from '../spec';
import { appLabels, RBAC_API_GROUP } from './well-known';

export interface EndpointPickerProps {
  readonly namespace: string;
  /** InferencePool this picker serves; the picker's objects are named `<pool>-epp`. */
  readonly poolName: string;
  /** API group of the InferencePool and InferenceModel kinds the picker watches. */
  readonly inferenceApiGroup: string;
  readonly image: string;
  /** @default 1 (the v0.3.0 picker has no leader election) */
  readonly replicas?: number;
  /**
   * Mirrors the model servers' grace period, so the picker outlives the pods it still routes to.
   */
  readonly terminationGracePeriodSeconds: number;
}

/**
 * The endpoint picker (EPP) that the `inferencepool` chart installs: Deployment, Service, ServiceAccount,
 * ClusterRole and binding, and a PodDisruptionBudget. The gateway calls it over gRPC ext-proc to choose
 * a model server pod for each request.
 */
export class EndpointPicker extends Construct {
  static readonly GRPC_PORT = 9002;
  static readonly GRPC_HEALTH_PORT = 9003;
  static readonly METRICS_PORT = 9090;
  /** gRPC health service name the picker registers. */
  static readonly HEALTH_SERVICE = 'inference-extension';
  /** Name of the picker's metrics port on the pod, which monitoring scrapes. */
  static readonly METRICS_PORT_NAME = 'metrics';

  /** Name of the Deployment, Service, ServiceAccount and RBAC objects. */
  readonly name: string;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly serviceName: string;

  constructor(scope: Construct, id: string, props: EndpointPickerProps) {
    super(scope, id);
    this.name = endpointPickerName(props.poolName);
    this.serviceName = this.name;
    this.podLabels = appLabels(this.name);
    const metadata = { name: this.name, namespace: props.namespace };

    const serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata });

    const clusterRole = new k8s.KubeClusterRole(this, 'ClusterRole', {
      metadata: { name: this.name },
      rules: [
        { apiGroups: [props.inferenceApiGroup], resources: ['inferencemodels', 'inferencepools'], verbs: ['get', 'watch', 'list'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'watch', 'list'] },
        // The picker guards its /metrics with the caller's token: it asks the API server who the caller
        // is and whether it may read /metrics.
        { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
        { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
      ],
    });

    new k8s.KubeClusterRoleBinding(this, 'ClusterRoleBinding', {
      metadata: { name: this.name },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccount.name, namespace: props.namespace }],
      roleRef: { apiGroup: RBAC_API_GROUP, kind: 'ClusterRole', name: clusterRole.name },
    });

    const grpcHealth: k8s.Probe = {
      grpc: { port: EndpointPicker.GRPC_HEALTH_PORT, service: EndpointPicker.HEALTH_SERVICE },
      initialDelaySeconds: 5,
      periodSeconds: 10,
    };

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
            containers: [
              {
                name: 'epp',
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                args: [
                  '-poolName', props.poolName,
                  '-poolNamespace', props.namespace,
                  '-v', '3',
                  '-grpcPort', String(EndpointPicker.GRPC_PORT),
                  '-grpcHealthPort', String(EndpointPicker.GRPC_HEALTH_PORT),
                  '-metricsPort', String(EndpointPicker.METRICS_PORT),
                ],
                env: [{ name: 'USE_STREAMING', value: 'true' }],
                ports: [
                  { name: 'grpc', containerPort: EndpointPicker.GRPC_PORT },
                  { name: 'grpc-health', containerPort: EndpointPicker.GRPC_HEALTH_PORT },
                  { name: EndpointPicker.METRICS_PORT_NAME, containerPort: EndpointPicker.METRICS_PORT },
                ],
                livenessProbe: grpcHealth,
                readinessProbe: grpcHealth,
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
      metadata,
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { ...this.podLabels } } },
    });
  }
}
