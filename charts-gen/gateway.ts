import { Construct } from 'constructs';
import { Gateway } from '../imports/gateways-gateway.networking.k8s.io';
import {
  HttpRoute,
  HttpRouteSpecRulesFiltersType,
  HttpRouteSpecRulesFiltersUrlRewritePathType,
  HttpRouteSpecRulesMatchesHeadersType,
  HttpRouteSpecRulesMatchesPathType,
  type HttpRouteSpecRules,
  type HttpRouteSpecRulesBackendRefs,
  type HttpRouteSpecRulesMatches,
} from '../imports/httproutes-gateway.networking.k8s.io';
import { MAX_RULES_PER_ROUTE, routeName, type GatewayClassName, type PoolRoute } from '../spec';
import type { PoolReference } from './inference-pool';
import { MODEL_NAME_HEADER } from './well-known';

/** One InferencePool behind a route, with its share of the traffic when there are several. */
export interface WeightedPool {
  readonly pool: PoolReference;
  /** Percent of the requests; undefined when the pool is the only one. */
  readonly weight?: number;
}

export interface InferenceBackend {
  /** How requests reach this model server pool. */
  readonly route: PoolRoute;
  /** Its InferencePools: one, or two (one per API group) during a migration. */
  readonly pools: readonly WeightedPool[];
}

export interface InferenceGatewayProps {
  readonly namespace: string;
  readonly name: string;
  /** One of the two classes GKE Inference Gateway supports. */
  readonly className: GatewayClassName;
  /** @default 80 */
  readonly listenerPort?: number;
  /** The first HTTPRoute's name; further routes (over 16 rules) are `<name>-2`, `<name>-3`... */
  readonly routeName: string;
  readonly backends: readonly InferenceBackend[];
}

/**
 * The Gateway (one HTTP listener) and the HTTPRoutes that send each request to an InferencePool: by a
 * pool's own path prefix, or under the shared prefix by the model name the body-based router copies
 * into a header. An HTTPRoute holds at most 16 rules, so rules beyond that go to further routes on the
 * same Gateway; Gateway API merges the routes of a listener.
 */
export class InferenceGateway extends Construct {
  static readonly LISTENER_NAME = 'http';

  /** Names of the HTTPRoutes, in order. */
  readonly routeNames: readonly string[];

  constructor(scope: Construct, id: string, props: InferenceGatewayProps) {
    super(scope, id);

    new Gateway(this, 'Gateway', {
      metadata: { name: props.name, namespace: props.namespace },
      spec: {
        gatewayClassName: props.className,
        listeners: [{ protocol: 'HTTP', port: props.listenerPort ?? 80, name: InferenceGateway.LISTENER_NAME }],
      },
    });

    const rules = props.backends.flatMap((backend) => rulesFor(backend));
    const routes: HttpRouteSpecRules[][] = [];
    for (let i = 0; i < rules.length; i += MAX_RULES_PER_ROUTE) routes.push(rules.slice(i, i + MAX_RULES_PER_ROUTE));
    this.routeNames = routes.map((_, index) => routeName(props.routeName, index));
    routes.forEach((routeRules, index) => {
      new HttpRoute(this, index === 0 ? 'Route' : `Route${index + 1}`, {
        metadata: { name: this.routeNames[index], namespace: props.namespace },
        spec: { parentRefs: [{ name: props.name }], rules: routeRules },
      });
    });
  }
}

function backendRefs(pools: readonly WeightedPool[]): HttpRouteSpecRulesBackendRefs[] {
  return pools.map(({ pool, weight }) => ({ name: pool.name, group: pool.group, kind: pool.kind, ...(weight === undefined ? {} : { weight }) }));
}

function rulesFor(backend: InferenceBackend): HttpRouteSpecRules[] {
  const route = backend.route;
  const path = { type: HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: route.pathPrefix };
  // vLLM serves /v1/...; a pool reached under another prefix gets the prefix stripped.
  const filters =
    route.pathPrefix === '/'
      ? undefined
      : [
          {
            type: HttpRouteSpecRulesFiltersType.URL_REWRITE,
            urlRewrite: { path: { type: HttpRouteSpecRulesFiltersUrlRewritePathType.REPLACE_PREFIX_MATCH, replacePrefixMatch: '/' } },
          },
        ];
  const rule = (matches: HttpRouteSpecRulesMatches[]): HttpRouteSpecRules => ({ matches, filters, backendRefs: backendRefs(backend.pools) });
  if (route.kind !== 'model') return [rule([{ path }])];
  return route.modelNames.map((modelName) =>
    rule([{ path, headers: [{ type: HttpRouteSpecRulesMatchesHeadersType.EXACT, name: MODEL_NAME_HEADER, value: modelName }] }]),
  );
}
