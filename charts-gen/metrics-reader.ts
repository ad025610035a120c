import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-30';
import type { CollectorNamespace } from '../spec';
import { RBAC_API_GROUP } from './well-known';

export interface MetricsReaderProps {
  readonly namespace: string;
  /**
   * Namespace of Managed Prometheus' collector, which reads the token Secret.
   * @default 'gmp-system' (Standard clusters; Autopilot uses 'gke-gmp-system')
   */
  readonly collectorNamespace?: CollectorNamespace;
}

/**
 * The guide's six objects that let Managed Prometheus scrape the endpoint pickers' protected /metrics:
 * a ServiceAccount allowed to GET /metrics, a long-lived token Secret for it, and read access to that
 * Secret for the collector.
 */
export class MetricsReader extends Construct {
  static readonly TOKEN_KEY = 'token';

  readonly serviceAccountName = 'inference-gateway-sa-metrics-reader';
  /** Secret holding the reader's token; ClusterPodMonitorings send it as a bearer token. */
  readonly tokenSecretName = 'inference-gateway-sa-metrics-reader-secret';
  readonly namespace: string;

  constructor(scope: Construct, id: string, props: MetricsReaderProps) {
    super(scope, id);
    this.namespace = props.namespace;
    const collectorNamespace = props.collectorNamespace ?? 'gmp-system';

    const metricsRole = new k8s.KubeClusterRole(this, 'MetricsRole', {
      metadata: { name: 'inference-gateway-metrics-reader' },
      rules: [{ nonResourceUrLs: ['/metrics'], verbs: ['get'] }],
    });

    const serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: this.serviceAccountName, namespace: props.namespace },
    });

    new k8s.KubeClusterRoleBinding(this, 'MetricsRoleBinding', {
      metadata: { name: 'inference-gateway-sa-metrics-reader-role-binding' },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccount.name, namespace: props.namespace }],
      roleRef: { apiGroup: RBAC_API_GROUP, kind: 'ClusterRole', name: metricsRole.name },
    });

    // The token controller fills this Secret with a token for the ServiceAccount: it holds nothing here.
    new k8s.KubeSecret(this, 'TokenSecret', {
      metadata: {
        name: this.tokenSecretName,
        namespace: props.namespace,
        annotations: { 'kubernetes.io/service-account.name': serviceAccount.name },
      },
      type: 'kubernetes.io/service-account-token',
    });

    const secretReadRole = new k8s.KubeClusterRole(this, 'SecretReadRole', {
      metadata: { name: 'inference-gateway-sa-metrics-reader-secret-read' },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'], resourceNames: [this.tokenSecretName] }],
    });

    new k8s.KubeClusterRoleBinding(this, 'CollectorBinding', {
      metadata: { name: `${collectorNamespace}:collector:inference-gateway-sa-metrics-reader-secret-read` },
      roleRef: { apiGroup: RBAC_API_GROUP, kind: 'ClusterRole', name: secretReadRole.name },
      subjects: [{ kind: 'ServiceAccount', name: 'collector', namespace: collectorNamespace }],
    });
  }
}
