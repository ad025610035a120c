/**
 * Object names derived from the spec, shared by the constructs and the spec's collision rules, so a name
 * is spelled in one place.
 */

/** The endpoint picker's Deployment, Service, ServiceAccount, RBAC objects and `app` label. */
export function endpointPickerName(inferencePoolName: string): string {
  return `${inferencePoolName}-epp`;
}

/**
 * The name of a cluster-scoped object that belongs to one namespace (and pool). Namespaces and pool names
 * are DNS labels, which cannot contain ".", so joining with "." cannot make two different pairs equal:
 * `team-a` + `chat` and `team` + `a-chat` give `team-a.chat` and `team.a-chat`. (The charts join with "-",
 * which makes exactly those two collide.)
 */
export function clusterScopedName(namespace: string, name: string): string {
  return `${namespace}.${name}`;
}

/** The names of a metrics reader's objects. */
export interface MetricsReaderNames {
  readonly serviceAccount: string;
  /** The `kubernetes.io/service-account-token` Secret the monitors send as a bearer token. */
  readonly tokenSecret: string;
  /** ClusterRole allowed to GET /metrics (cluster-scoped: the namespace goes into its name). */
  readonly metricsRole: string;
  /** Its ClusterRoleBinding (cluster-scoped likewise). */
  readonly metricsRoleBinding: string;
  /** Role allowed to read the token Secret, in the Secret's namespace. */
  readonly secretReadRole: string;
  /** The collector's RoleBinding to that Role, in the same namespace. */
  readonly collectorBinding: string;
}

/** The guide's metrics-reader objects (v0.3.0 profile): one set per namespace. */
export function guideMetricsReader(namespace: string, collectorNamespace: string): MetricsReaderNames {
  return {
    serviceAccount: 'inference-gateway-sa-metrics-reader',
    tokenSecret: GUIDE_METRICS_READER_SECRET,
    metricsRole: clusterScopedName(namespace, 'inference-gateway-metrics-reader'),
    metricsRoleBinding: clusterScopedName(namespace, 'inference-gateway-sa-metrics-reader-role-binding'),
    secretReadRole: 'inference-gateway-sa-metrics-reader-secret-read',
    collectorBinding: `${collectorNamespace}:collector:inference-gateway-sa-metrics-reader-secret-read`,
  };
}
export const GUIDE_METRICS_READER_SECRET = 'inference-gateway-sa-metrics-reader-secret';

/** The llm-d chart's metrics-reader objects (GA profile): one set per InferencePool. */
export function poolMetricsReader(namespace: string, inferencePoolName: string, collectorNamespace: string): MetricsReaderNames {
  return {
    serviceAccount: `${inferencePoolName}-metrics-reader-sa`,
    tokenSecret: poolMetricsReaderSecret(inferencePoolName),
    metricsRole: clusterScopedName(namespace, `${inferencePoolName}-metrics-reader`),
    metricsRoleBinding: clusterScopedName(namespace, `${inferencePoolName}-metrics-reader-role-binding`),
    secretReadRole: `${inferencePoolName}-metrics-reader-secret-read`,
    // Namespaced, so the chart's own name (which joins namespace and pool with "-") cannot collide.
    collectorBinding: `${collectorNamespace}:collector:${namespace}-${inferencePoolName}-metrics-reader-secret-read`,
  };
}
export function poolMetricsReaderSecret(inferencePoolName: string): string {
  return `${inferencePoolName}-metrics-reader-secret`;
}

/** The body-based router's Deployment, Service, routing extension and `app` label (the chart's name). */
export const BODY_ROUTER_NAME = 'body-based-router';
/** The chart's name for the router's health check policy. */
export const BODY_ROUTER_HEALTH_CHECK_NAME = 'bbr-healthcheck';

/** The HTTPRoutes after the first one, when the rules do not fit one route. */
export function routeName(firstRoute: string, index: number): string {
  return index === 0 ? firstRoute : `${firstRoute}-${index + 1}`;
}
