/**
 * The spec side of the name registry (names.ts): every object name the app of a validated spec uses. Kept
 * apart from derived.ts because it reads every module that names objects (autoscaling, weights).
 */
import { isAutoscaled, METRICS_ADAPTER } from './autoscaling';
import { MAX_RULES_PER_ROUTE, modelRewrites, poolStacks, routeRuleCount, usesBodyBasedRouting } from './derived';
import { httpsRedirectRouteName } from './gateway-security';
import { claimAppNames, routeName, type NameRegistry } from './names';
import type { DeploymentSpec, PoolSpec } from './types';
import { weightsFromGcs, weightsServiceAccounts } from './weights';

/**
 * Whether a pool's vLLM is scraped (its PodMonitoring `modelServerMonitoringName`): for monitoring, and
 * always under an HPA, which reads the vLLM gauge that scrape brings in.
 */
export function monitorsModelServer(spec: DeploymentSpec, pool: PoolSpec): boolean {
  return spec.monitoring.modelServers || isAutoscaled(pool);
}

/** Every object name the app of a validated spec uses, claimed in the one registry (names.ts). */
export function registerObjectNames(spec: DeploymentSpec): NameRegistry {
  const routes = Math.max(1, Math.ceil(routeRuleCount(spec) / MAX_RULES_PER_ROUTE));
  return claimAppNames({
    namespace: spec.namespace,
    collectorNamespace: spec.monitoring.collectorNamespace,
    metricsReader: spec.monitoring.metricsReader,
    metricsAdapter: spec.pools.some(isAutoscaled) ? { namespace: METRICS_ADAPTER.namespace, serviceAccount: METRICS_ADAPTER.serviceAccount } : undefined,
    gatewayName: spec.gateway.name,
    // With TLS the HTTP listener's redirect route is one more HTTPRoute of the namespace.
    routeNames: [...Array.from({ length: routes }, (_, index) => routeName(spec.gateway.route.name, index)), ...(spec.gateway.tls === undefined ? [] : [httpsRedirectRouteName(spec)])],
    bodyRouting: usesBodyBasedRouting(spec),
    pools: spec.pools.map((pool, i) => ({
      at: `pools[${i}]`,
      name: pool.name,
      configMapName: pool.adapters.configMapName,
      autoscaled: isAutoscaled(pool),
      vllmMonitored: monitorsModelServer(spec, pool),
      weightsAccounts: weightsFromGcs(pool) ? weightsServiceAccounts(pool) : undefined,
      models: pool.models.map((model, j) => ({ name: model.name, at: `pools[${i}].models[${j}]`, rewrites: modelRewrites(model) })),
      stacks: poolStacks(spec, pool).map((stack) => ({
        api: stack.release.api,
        poolGroup: stack.release.poolGroup,
        inferencePoolName: stack.inferencePoolName,
        field: stack.inferencePoolName === pool.name ? `pools[${i}].name` : `pools[${i}].inferencePoolName`,
        leaderElection: stack.release.leaderElection && stack.endpointPicker.replicas > 1,
      })),
    })),
  });
}
