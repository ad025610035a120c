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

/** The Roles (and their RoleBindings) of a GA endpoint picker, named after its Deployment. */
export function routerPickerRoles(pickerName: string): { readonly objects: string; readonly pods: string; readonly leaderElection: string; readonly leaderElectionBinding: string } {
  return {
    objects: `${pickerName}-non-sa`,
    pods: `${pickerName}-sa`,
    leaderElection: `${pickerName}-leader-election`,
    leaderElectionBinding: `${pickerName}-leader-election-binding`,
  };
}

/** API groups of the objects synth writes ('' is the core group). */
export const GROUPS = {
  core: '',
  apps: 'apps',
  policy: 'policy',
  rbac: 'rbac.authorization.k8s.io',
  gateway: 'gateway.networking.k8s.io',
  gke: 'networking.gke.io',
  monitoring: 'monitoring.googleapis.com',
  inferenceAlpha: 'inference.networking.x-k8s.io',
  llmd: 'llm-d.ai',
  batch: 'batch',
  autoscaling: 'autoscaling',
  apiregistration: 'apiregistration.k8s.io',
} as const;

/** The PodMonitoring that scrapes a pool's vLLM (model-server-monitoring.ts), for monitoring and its autoscaler. */
export function modelServerMonitoringName(poolName: string): string {
  return `${poolName}-vllm`;
}

/** The metrics adapter's APIServices: the custom and external metrics APIs it serves. */
export const METRICS_ADAPTER_API_SERVICES: readonly (readonly [group: string, version: string, versionPriority: number])[] = [
  ['custom.metrics.k8s.io', 'v1beta1', 100],
  ['custom.metrics.k8s.io', 'v1beta2', 200],
  ['external.metrics.k8s.io', 'v1beta1', 100],
];

/** Names of the metrics adapter's cluster-wide RBAC objects and of its APIServices (metrics-adapter.ts). */
export function metricsAdapterNames(namespace: string) {
  return {
    authDelegator: `${namespace}:system:auth-delegator`,
    /** The RoleBinding in kube-system that lets it read the extension API server's authentication config. */
    authReader: `${namespace}-auth-reader`,
    resourceReader: `${namespace}-resource-reader`,
    /** The ClusterRole and binding that let the HPA controller read external metrics. */
    externalMetricsReader: 'external-metrics-reader',
    apiService: (group: string, version: string) => `${version}.${group}`,
  } as const;
}

/** One object synth writes, named from one spec field. */
export interface NameClaim {
  readonly group: string;
  readonly kind: string;
  /** Undefined for a cluster-scoped object. */
  readonly namespace: string | undefined;
  readonly name: string;
  /** The spec field the name comes from, as spec errors name fields (`pools[0].adapters.configMapName`). */
  readonly field: string;
  /** What the object is, for messages: "the endpoint picker ConfigMap of InferencePool chat". */
  readonly what: string;
}

/** A name two objects of one kind and namespace would share: the API server keeps only one of them. */
export interface NameCollision {
  readonly first: NameClaim;
  readonly second: NameClaim;
}

/**
 * The one registry of generated object names. Every object synth writes is claimed here, by kind,
 * namespace and name, together with the spec field its name comes from, and a second claim of the same
 * key is a collision: `npm run synth` would write two different objects under one name and the API
 * server would keep the last one (a picker losing its plugin config, a metrics reader its token).
 * `registerObjectNames` claims the whole app from a spec; the spec rules refuse every collision, naming
 * both fields, and test/spec/name-registry.test.ts checks that the claims are exactly the objects synth
 * writes, for every profile, a migration and body-based routing.
 *
 * Adding an object (an HPA, a PodMonitoring, a Service, a certificate...): derive its name with a function
 * in this file, call it from the construct, and claim it in `registerObjectNames` beside its siblings with
 * `registry.claim({ group, kind, namespace, name, field, what })` under the same condition the construct
 * is created on. The registry test fails until the claim and the object agree.
 */
export class NameRegistry {
  private readonly claims = new Map<string, NameClaim>();
  private readonly found: NameCollision[] = [];

  static key(group: string, kind: string, namespace: string | undefined, name: string): string {
    return `${group}/${kind}/${namespace ?? ''}/${name}`;
  }

  claim(claim: NameClaim): void {
    const key = NameRegistry.key(claim.group, claim.kind, claim.namespace, claim.name);
    const first = this.claims.get(key);
    if (first === undefined) this.claims.set(key, claim);
    else this.found.push({ first, second: claim });
  }

  /** Every claim, by its key. */
  keys(): string[] {
    return [...this.claims.keys()];
  }

  collisions(): readonly NameCollision[] {
    return this.found;
  }
}

/** Where spec values come from, and how a registry is filled from them; kept free of the spec's types. */
export interface NamedPool {
  readonly at: string;
  readonly name: string;
  readonly configMapName: string;
  /** Under an HPA. */
  readonly autoscaled: boolean;
  /** Its vLLM is scraped (PodMonitoring `modelServerMonitoringName`): for monitoring or for its HPA. */
  readonly vllmMonitored: boolean;
  /** The service accounts of a pool reading its weights from Cloud Storage (and its fill Job). */
  readonly weightsAccounts: { readonly modelServer: string; readonly fill: string } | undefined;
  readonly models: readonly { readonly name: string; readonly at: string; readonly rewrites: boolean }[];
  readonly stacks: readonly {
    readonly api: 'v1alpha2' | 'v1';
    readonly poolGroup: string;
    readonly inferencePoolName: string;
    /** The field the InferencePool's name comes from. */
    readonly field: string;
    readonly leaderElection: boolean;
  }[];
}

export interface NamedApp {
  readonly namespace: string;
  readonly collectorNamespace: string;
  readonly metricsReader: boolean;
  /** The Custom Metrics Stackdriver Adapter, when a pool autoscales. */
  readonly metricsAdapter: { readonly namespace: string; readonly serviceAccount: string } | undefined;
  readonly gatewayName: string;
  readonly routeNames: readonly string[];
  readonly bodyRouting: boolean;
  readonly pools: readonly NamedPool[];
}

/** Claims every object of the app (charts-gen/app.ts `buildApp`) in `registry`. */
export function claimAppNames(app: NamedApp, registry: NameRegistry = new NameRegistry()): NameRegistry {
  const namespace = app.namespace;
  const { core, apps, policy, rbac, gateway, gke, monitoring, inferenceAlpha, llmd, batch, autoscaling, apiregistration } = GROUPS;
  const claim = (group: string, kind: string, name: string, field: string, what: string, scoped = true) =>
    registry.claim({ group, kind, namespace: scoped ? namespace : undefined, name, field, what });
  const claimReader = (names: MetricsReaderNames, field: string, what: string) => {
    claim(rbac, 'ClusterRole', names.metricsRole, field, what, false);
    claim(core, 'ServiceAccount', names.serviceAccount, field, what);
    claim(rbac, 'ClusterRoleBinding', names.metricsRoleBinding, field, what, false);
    claim(core, 'Secret', names.tokenSecret, field, `${what} (its token Secret)`);
    claim(rbac, 'Role', names.secretReadRole, field, what);
    claim(rbac, 'RoleBinding', names.collectorBinding, field, what);
  };
  const guideApi = app.pools.some((pool) => pool.stacks.some((stack) => stack.api === 'v1alpha2'));
  const guideReader = app.metricsReader && guideApi;
  if (guideReader) claimReader(guideMetricsReader(namespace, app.collectorNamespace), 'monitoring.metricsReader', "the guide's metrics reader");

  // Objects of fixed names first, so a collision is blamed on the field a user chose.
  if (app.metricsAdapter !== undefined) {
    const { namespace: adapterNamespace, serviceAccount } = app.metricsAdapter;
    const field = 'pools[].autoscaling';
    const what = 'the Custom Metrics Stackdriver Adapter';
    const at = (group: string, kind: string, name: string, inNamespace: string | undefined) => registry.claim({ group, kind, namespace: inNamespace, name, field, what });
    at(core, 'Namespace', adapterNamespace, undefined);
    for (const [group, kind] of [[core, 'ServiceAccount'], [apps, 'Deployment'], [core, 'Service']] as const) at(group, kind, serviceAccount, adapterNamespace);
    const names = metricsAdapterNames(adapterNamespace);
    at(rbac, 'ClusterRoleBinding', names.authDelegator, undefined);
    at(rbac, 'RoleBinding', names.authReader, 'kube-system');
    for (const kind of ['ClusterRole', 'ClusterRoleBinding']) {
      at(rbac, kind, names.resourceReader, undefined);
      at(rbac, kind, names.externalMetricsReader, undefined);
    }
    for (const [group, version] of METRICS_ADAPTER_API_SERVICES) at(apiregistration, 'APIService', names.apiService(group, version), undefined);
  }
  claim(gateway, 'Gateway', app.gatewayName, 'gateway.name', 'the Gateway');
  app.routeNames.forEach((name) => claim(gateway, 'HTTPRoute', name, 'gateway.route.name', 'an HTTPRoute'));
  if (app.bodyRouting) {
    for (const [group, kind] of [[core, 'ServiceAccount'], [apps, 'Deployment'], [core, 'Service'], [gke, 'GCPRoutingExtension']] as const) {
      claim(group, kind, BODY_ROUTER_NAME, 'gateway.route.pathPrefix', 'the body-based router');
    }
    claim(gke, 'HealthCheckPolicy', BODY_ROUTER_HEALTH_CHECK_NAME, 'gateway.route.pathPrefix', "the body-based router's HealthCheckPolicy");
  }

  for (const pool of app.pools) {
    claim(core, 'ConfigMap', pool.configMapName, `${pool.at}.adapters.configMapName`, `the adapters ConfigMap of pool ${pool.name}`);
    claim(apps, 'Deployment', pool.name, `${pool.at}.name`, `the model server of pool ${pool.name}`);
    claim(policy, 'PodDisruptionBudget', pool.name, `${pool.at}.name`, `the model server of pool ${pool.name}`);
    if (pool.autoscaled) claim(autoscaling, 'HorizontalPodAutoscaler', pool.name, `${pool.at}.name`, `the autoscaler of pool ${pool.name}`);
    if (pool.vllmMonitored) claim(monitoring, 'PodMonitoring', modelServerMonitoringName(pool.name), `${pool.at}.name`, `the vLLM monitoring of pool ${pool.name}`);
    if (pool.weightsAccounts !== undefined) {
      claim(core, 'ServiceAccount', pool.weightsAccounts.modelServer, `${pool.at}.name`, `the model server's service account of pool ${pool.name}`);
      claim(core, 'ServiceAccount', pool.weightsAccounts.fill, `${pool.at}.name`, `the weights fill Job of pool ${pool.name}`);
      claim(batch, 'Job', pool.weightsAccounts.fill, `${pool.at}.name`, `the weights fill Job of pool ${pool.name}`);
    }
    for (const stack of pool.stacks) {
      const inferencePool = stack.inferencePoolName;
      const picker = endpointPickerName(inferencePool);
      const of = (what: string) => `${what} of InferencePool ${inferencePool}`;
      const field = stack.field;
      claim(stack.poolGroup, 'InferencePool', inferencePool, field, of('the InferencePool'));
      claim(gke, 'HealthCheckPolicy', inferencePool, field, of('the HealthCheckPolicy'));
      claim(gke, 'GCPBackendPolicy', inferencePool, field, of('the GCPBackendPolicy'));
      claim(core, 'ServiceAccount', picker, field, of('the endpoint picker'));
      claim(apps, 'Deployment', picker, field, of('the endpoint picker'));
      claim(core, 'Service', picker, field, of('the endpoint picker'));
      if (stack.api === 'v1alpha2') {
        if (guideReader) claim(monitoring, 'ClusterPodMonitoring', clusterScopedName(namespace, inferencePool), field, of('the picker monitoring'), false);
        claim(rbac, 'Role', picker, field, of('the endpoint picker'));
        claim(rbac, 'RoleBinding', picker, field, of('the endpoint picker'));
        claim(rbac, 'ClusterRole', clusterScopedName(namespace, picker), field, of('the endpoint picker'), false);
        claim(rbac, 'ClusterRoleBinding', clusterScopedName(namespace, picker), field, of('the endpoint picker'), false);
        claim(policy, 'PodDisruptionBudget', picker, field, of('the endpoint picker'));
        for (const model of pool.models) claim(inferenceAlpha, 'InferenceModel', model.name, `${model.at}.name`, `the InferenceModel of ${pool.at}`);
        continue;
      }
      const roles = routerPickerRoles(picker);
      for (const role of [roles.objects, roles.pods]) {
        claim(rbac, 'Role', role, field, of('the endpoint picker'));
        claim(rbac, 'RoleBinding', role, field, of('the endpoint picker'));
      }
      if (stack.leaderElection) {
        claim(rbac, 'Role', roles.leaderElection, field, of("the endpoint picker's leader election"));
        claim(rbac, 'RoleBinding', roles.leaderElectionBinding, field, of("the endpoint picker's leader election"));
      }
      claim(core, 'ConfigMap', picker, field, of('the endpoint picker ConfigMap (its plugin config)'));
      if (app.metricsReader) {
        claim(rbac, 'ClusterRole', clusterScopedName(namespace, picker), field, of("the endpoint picker's metrics authorization"), false);
        claim(rbac, 'ClusterRoleBinding', clusterScopedName(namespace, picker), field, of("the endpoint picker's metrics authorization"), false);
        claimReader(poolMetricsReader(namespace, inferencePool, app.collectorNamespace), field, of('the metrics reader'));
        claim(monitoring, 'PodMonitoring', inferencePool, field, of('the picker monitoring'));
      }
      for (const model of pool.models) {
        claim(llmd, 'InferenceObjective', model.name, `${model.at}.name`, `the InferenceObjective of ${pool.at}`);
        if (model.rewrites) claim(llmd, 'InferenceModelRewrite', model.name, `${model.at}.name`, `the InferenceModelRewrite of ${pool.at}`);
      }
    }
  }

  return registry;
}

/** The message for a collision, at the second claim's field, naming both fields. */
export function collisionMessage({ first, second }: NameCollision): string {
  const kind = `${second.kind}${second.namespace === undefined ? '' : ` in namespace ${second.namespace}`}`;
  return `names ${second.what} ${second.name}, the same ${kind} as ${first.what} (from ${first.field}): the API server would keep only one of them; choose another name`;
}
