import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-30';
import type { MetricsReaderNames } from '../spec';
import { applyAfter } from './apply-order';
import { RBAC_API_GROUP } from './well-known';

export interface MetricsReaderProps {
  readonly namespace: string;
  /** Object names: the guide's per namespace (`guideMetricsReader`) or the llm-d chart's per pool (`poolMetricsReader`). */
  readonly names: MetricsReaderNames;
  /**
   * Namespace of Managed Prometheus' collector, which reads the token Secret.
   * @default 'gmp-system' (Standard clusters; Autopilot uses 'gke-gmp-system')
   */
  readonly collectorNamespace?: string;
  /** Labels on the token Secret (the llm-d chart labels it). @default none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * What lets Managed Prometheus scrape an endpoint picker's protected /metrics: a ServiceAccount allowed
 * to GET /metrics, a long-lived token Secret for it, and read access to that one Secret for the collector.
 *
 * The ClusterRole and ClusterRoleBinding must be cluster-scoped (a non-resource URL cannot be granted by a
 * Role), so their names carry the namespace. The collector's access to the Secret is a Role and RoleBinding
 * in the Secret's namespace: it reads that one Secret and nothing in any other namespace.
 */
export class MetricsReader extends Construct {
  static readonly TOKEN_KEY = 'token';

  readonly serviceAccountName: string;
  /** Secret holding the reader's token; the monitors send it as a bearer token. */
  readonly tokenSecretName: string;
  readonly namespace: string;

  constructor(scope: Construct, id: string, props: MetricsReaderProps) {
    super(scope, id);
    const { names, namespace } = props;
    this.namespace = namespace;
    this.serviceAccountName = names.serviceAccount;
    this.tokenSecretName = names.tokenSecret;
    const collectorNamespace = props.collectorNamespace ?? 'gmp-system';

    const metricsRole = new k8s.KubeClusterRole(this, 'MetricsRole', {
      metadata: { name: names.metricsRole },
      rules: [{ nonResourceUrLs: ['/metrics'], verbs: ['get'] }],
    });

    const serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: { name: names.serviceAccount, namespace },
    });

    new k8s.KubeClusterRoleBinding(this, 'MetricsRoleBinding', {
      metadata: { name: names.metricsRoleBinding },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccount.name, namespace }],
      roleRef: { apiGroup: RBAC_API_GROUP, kind: 'ClusterRole', name: metricsRole.name },
    });

    // The token controller fills this Secret with a token for the ServiceAccount: it holds nothing here.
    const tokenSecret = new k8s.KubeSecret(this, 'TokenSecret', {
      metadata: {
        name: names.tokenSecret,
        namespace,
        labels: props.labels === undefined ? undefined : { ...props.labels },
        annotations: { 'kubernetes.io/service-account.name': serviceAccount.name },
      },
      type: 'kubernetes.io/service-account-token',
    });
    // Created before its ServiceAccount, the token controller deletes it for good.
    applyAfter(tokenSecret, serviceAccount);

    const secretReadRole = new k8s.KubeRole(this, 'SecretReadRole', {
      metadata: { name: names.secretReadRole, namespace },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'], resourceNames: [names.tokenSecret] }],
    });

    new k8s.KubeRoleBinding(this, 'CollectorBinding', {
      metadata: { name: names.collectorBinding, namespace },
      roleRef: { apiGroup: RBAC_API_GROUP, kind: 'Role', name: secretReadRole.name },
      subjects: [{ kind: 'ServiceAccount', name: 'collector', namespace: collectorNamespace }],
    });
  }
}
