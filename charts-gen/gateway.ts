import { Construct } from 'constructs';
import { Gateway, GatewaySpecListenersTlsMode, type GatewaySpecListeners, type GatewaySpecListenersTls } from '../imports/gateways-gateway.networking.k8s.io';
import {
  HttpRoute,
  HttpRouteSpecRulesFiltersRequestRedirectScheme,
  HttpRouteSpecRulesFiltersRequestRedirectStatusCode,
  HttpRouteSpecRulesFiltersType,
  HttpRouteSpecRulesFiltersUrlRewritePathType,
  HttpRouteSpecRulesMatchesHeadersType,
  HttpRouteSpecRulesMatchesPathType,
  type HttpRouteSpecRules,
  type HttpRouteSpecRulesBackendRefs,
  type HttpRouteSpecRulesFilters,
  type HttpRouteSpecRulesMatches,
} from '../imports/httproutes-gateway.networking.k8s.io';
import { CERT_MANAGER_CERTS_OPTION, HTTPS_PORT, MAX_RULES_PER_ROUTE, routeName, type GatewayClassName, type PoolRoute } from '../spec';
import type { PoolReference } from './inference-pool';
import { MODEL_NAME_HEADER, OBJECTIVE_HEADER } from './well-known';

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

/** Where the HTTPS listener's certificate comes from (spec/gateway-security.ts says which class takes what). */
export type GatewayCertificate =
  /** A regional Certificate Manager certificate, named in the listener option GKE reads on regional Gateways. */
  | { readonly kind: 'certificate-manager'; readonly certificateName: string }
  /** A `kubernetes.io/tls` Secret in the Gateway's namespace. */
  | { readonly kind: 'secret'; readonly secretName: string };

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
  /**
   * HTTPS on 443: the routes to the pools attach to it alone, and the HTTP listener gets one route that
   * redirects every request to https. @default none: the guide's single plain HTTP listener
   */
  readonly tls?: { readonly certificate: GatewayCertificate; readonly redirectRouteName: string };
}

/**
 * The Gateway (one HTTP listener) and the HTTPRoutes that send each request to an InferencePool: by a
 * pool's own path prefix, or under the shared prefix by the model name the body-based router copies
 * into a header. An HTTPRoute holds at most 16 rules, so rules beyond that go to further routes on the
 * same Gateway; Gateway API merges the routes of a listener.
 */
export class InferenceGateway extends Construct {
  static readonly LISTENER_NAME = 'http';
  static readonly HTTPS_LISTENER_NAME = 'https';

  /** Names of the HTTPRoutes to the pools, in order. */
  readonly routeNames: readonly string[];

  constructor(scope: Construct, id: string, props: InferenceGatewayProps) {
    super(scope, id);

    const http: GatewaySpecListeners = { protocol: 'HTTP', port: props.listenerPort ?? 80, name: InferenceGateway.LISTENER_NAME };
    const listeners = props.tls === undefined ? [http] : [http, { protocol: 'HTTPS', port: HTTPS_PORT, name: InferenceGateway.HTTPS_LISTENER_NAME, tls: listenerTls(props.tls.certificate) }];
    new Gateway(this, 'Gateway', {
      metadata: { name: props.name, namespace: props.namespace },
      spec: { gatewayClassName: props.className, listeners },
    });
    // Without TLS the routes attach to the only listener, as in the guide; with it, to HTTPS alone, so a
    // request over plain HTTP can only ever be redirected.
    const parentRefs = [props.tls === undefined ? { name: props.name } : { name: props.name, sectionName: InferenceGateway.HTTPS_LISTENER_NAME }];

    // Catch-all rules go last: they match only a path, so every model rule of their prefix outranks them
    // (Gateway API: among equal paths, more header matches win), and they close the route table.
    const rules = [...props.backends.flatMap((backend) => rulesFor(backend)), ...props.backends.flatMap((backend) => catchAllRules(backend))];
    const routes: HttpRouteSpecRules[][] = [];
    for (let i = 0; i < rules.length; i += MAX_RULES_PER_ROUTE) routes.push(rules.slice(i, i + MAX_RULES_PER_ROUTE));
    this.routeNames = routes.map((_, index) => routeName(props.routeName, index));
    routes.forEach((routeRules, index) => {
      new HttpRoute(this, index === 0 ? 'Route' : `Route${index + 1}`, {
        metadata: { name: this.routeNames[index], namespace: props.namespace },
        spec: { parentRefs, rules: routeRules },
      });
    });
    if (props.tls !== undefined) {
      new HttpRoute(this, 'HttpsRedirect', {
        metadata: { name: props.tls.redirectRouteName, namespace: props.namespace },
        spec: {
          parentRefs: [{ name: props.name, sectionName: InferenceGateway.LISTENER_NAME }],
          // No port: Gateway API v1.2.1 (HTTPRoute `requestRedirect.port`) derives it from the scheme, 443 for
          // https, the HTTPS listener's port.
          rules: [
            {
              filters: [
                {
                  type: HttpRouteSpecRulesFiltersType.REQUEST_REDIRECT,
                  requestRedirect: { scheme: HttpRouteSpecRulesFiltersRequestRedirectScheme.HTTPS, statusCode: HttpRouteSpecRulesFiltersRequestRedirectStatusCode.VALUE_301 },
                },
              ],
            },
          ],
        },
      });
    }
  }
}

function listenerTls(certificate: GatewayCertificate): GatewaySpecListenersTls {
  return certificate.kind === 'secret'
    ? { mode: GatewaySpecListenersTlsMode.TERMINATE, certificateRefs: [{ kind: 'Secret', group: '', name: certificate.secretName }] }
    : { mode: GatewaySpecListenersTlsMode.TERMINATE, options: { [CERT_MANAGER_CERTS_OPTION]: certificate.certificateName } };
}

function backendRefs(pools: readonly WeightedPool[]): HttpRouteSpecRulesBackendRefs[] {
  return pools.map(({ pool, weight }) => ({ name: pool.name, group: pool.group, kind: pool.kind, ...(weight === undefined ? {} : { weight }) }));
}

function pathMatchAndRewrite(route: PoolRoute): { path: HttpRouteSpecRulesMatches['path']; rewrite: HttpRouteSpecRulesFilters[] } {
  const path = { type: HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: route.pathPrefix };
  // vLLM serves /v1/...; a pool reached under another prefix gets the prefix stripped.
  const rewrite =
    route.pathPrefix === '/'
      ? []
      : [
          {
            type: HttpRouteSpecRulesFiltersType.URL_REWRITE,
            urlRewrite: { path: { type: HttpRouteSpecRulesFiltersUrlRewritePathType.REPLACE_PREFIX_MATCH, replacePrefixMatch: '/' } },
          },
        ];
  return { path, rewrite };
}

/**
 * Sets the objective header (whatever the client sent), or with no objective to name removes it, so a
 * client cannot pick a priority the route does not give it.
 */
function objectiveFilter(objective: string | undefined): HttpRouteSpecRulesFilters {
  return {
    type: HttpRouteSpecRulesFiltersType.REQUEST_HEADER_MODIFIER,
    requestHeaderModifier: objective === undefined ? { remove: [OBJECTIVE_HEADER] } : { set: [{ name: OBJECTIVE_HEADER, value: objective }] },
  };
}

function rulesFor(backend: InferenceBackend): HttpRouteSpecRules[] {
  const route = backend.route;
  const { path, rewrite } = pathMatchAndRewrite(route);
  const rule = (matches: HttpRouteSpecRulesMatches[], objective: string | undefined, objectives: boolean): HttpRouteSpecRules => {
    const filters = [...rewrite, ...(objectives ? [objectiveFilter(objective)] : [])];
    return { matches, ...(filters.length > 0 ? { filters } : {}), backendRefs: backendRefs(backend.pools) };
  };
  if (route.kind !== 'model') return [rule([{ path }], route.objective, route.objective !== undefined)];
  return route.modelNames.map((modelName) =>
    rule(
      [{ path, headers: [{ type: HttpRouteSpecRulesMatchesHeadersType.EXACT, name: MODEL_NAME_HEADER, value: modelName }] }],
      route.objectives?.[modelName],
      route.objectives !== undefined,
    ),
  );
}

/**
 * The lowest-precedence rule of a body-routed prefix: requests whose body names no model (`GET /v1/models`,
 * health probes) or a model no rule knows reach this pool, and its server answers them, instead of the
 * load balancer's 404. They carry no objective (priority 0).
 */
function catchAllRules(backend: InferenceBackend): HttpRouteSpecRules[] {
  const route = backend.route;
  if (route.kind !== 'model' || !route.catchAll) return [];
  const { path, rewrite } = pathMatchAndRewrite(route);
  const filters = [...rewrite, ...(route.objectives === undefined ? [] : [objectiveFilter(undefined)])];
  return [{ matches: [{ path }], ...(filters.length > 0 ? { filters } : {}), backendRefs: backendRefs(backend.pools) }];
}
