import { Construct } from 'constructs';
import { Gateway } from '../imports/gateways-gateway.networking.k8s.io';
import {
  HttpRoute,
  HttpRouteSpecRulesFiltersType,
  HttpRouteSpecRulesFiltersUrlRewritePathType,
  HttpRouteSpecRulesMatchesPathType,
  type HttpRouteSpecRules,
} from '../imports/httproutes-gateway.networking.k8s.io';
import type { GatewayClassName } from '../spec';
import type { PoolReference } from './inference-pool';

export interface InferenceBackend {
  readonly pool: PoolReference;
  /** Requests whose path starts with this prefix go to the pool. */
  readonly pathPrefix: string;
}

export interface InferenceGatewayProps {
  readonly namespace: string;
  readonly name: string;
  /** One of the two classes GKE Inference Gateway supports. */
  readonly className: GatewayClassName;
  /** @default 80 */
  readonly listenerPort?: number;
  readonly routeName: string;
  readonly backends: readonly InferenceBackend[];
}

/**
 * The Gateway (one HTTP listener) and the HTTPRoute that sends each path prefix to an InferencePool.
 */
export class InferenceGateway extends Construct {
  static readonly LISTENER_NAME = 'http';

  constructor(scope: Construct, id: string, props: InferenceGatewayProps) {
    super(scope, id);

    new Gateway(this, 'Gateway', {
      metadata: { name: props.name, namespace: props.namespace },
      spec: {
        gatewayClassName: props.className,
        listeners: [{ protocol: 'HTTP', port: props.listenerPort ?? 80, name: InferenceGateway.LISTENER_NAME }],
      },
    });

    const rules: HttpRouteSpecRules[] = props.backends.map((backend) => ({
      matches: [{ path: { type: HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: backend.pathPrefix } }],
      // vLLM serves /v1/...; a pool reached under another prefix gets the prefix stripped.
      filters:
        backend.pathPrefix === '/'
          ? undefined
          : [
              {
                type: HttpRouteSpecRulesFiltersType.URL_REWRITE,
                urlRewrite: { path: { type: HttpRouteSpecRulesFiltersUrlRewritePathType.REPLACE_PREFIX_MATCH, replacePrefixMatch: '/' } },
              },
            ],
      backendRefs: [{ name: backend.pool.name, group: backend.pool.group, kind: backend.pool.kind }],
    }));

    new HttpRoute(this, 'Route', {
      metadata: { name: props.routeName, namespace: props.namespace },
      spec: { parentRefs: [{ name: props.name }], rules },
    });
  }
}
