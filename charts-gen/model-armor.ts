import { Construct } from 'constructs';
import { GcpTrafficExtension, GcpTrafficExtensionSpecExtensionChainsExtensionsSupportedEvents as Event } from '../imports/gcptrafficextensions-networking.gke.io';

export interface ModelArmorExtensionProps {
  readonly namespace: string;
  /** Name of the GCPTrafficExtension. */
  readonly name: string;
  /** The Gateway whose requests and responses are screened. */
  readonly gatewayName: string;
  /** Model Armor's regional endpoint, `modelarmor.<region>.rep.googleapis.com`. */
  readonly service: string;
  /** `metadata.model_armor_settings`: which template screens prompts and which screens responses. */
  readonly settings: string;
  /** Let requests through unscreened when Model Armor cannot be reached. */
  readonly failOpen: boolean;
}

/**
 * The GCPTrafficExtension that sends every request and response on the Gateway to Model Armor ("Customize
 * GKE Inference Gateway configurations", "Configure AI security and safety checks").
 *
 * Order with body-based routing: the router is a GCPRoutingExtension, a route extension, which "runs when
 * the load balancer receives request headers and before it evaluates the URL map"; a traffic extension
 * "runs last in the request processing path and first in the response processing path" (Service Extensions
 * "Configure route extensions", "Configure traffic extensions", "Cloud Load Balancing extensions
 * overview"). So the router reads the model name and picks the route first, and Model Armor then screens
 * the same request on its way to the chosen InferencePool, whatever order the objects are applied in. GKE
 * accepts `googleAPIServiceName` only on a GCPTrafficExtension ("Customize GKE Gateway traffic using
 * Service Extensions"), so the two never share an object or a chain.
 *
 * The extension uses `googleAPIServiceName`, so the CRD forbids `authority` and the body send modes (those
 * belong to extensions with a `backendRef`); Model Armor reads the whole body through the plain events.
 */
export class ModelArmorExtension extends Construct {
  /** One message may wait this long for Model Armor; the CRD allows 10 ms to 10 s, its default is 1 s. */
  static readonly TIMEOUT = '1s';
  /** Every path of the Gateway: OpenAI-style clients may call /v1/completions, /v1/chat/completions... */
  static readonly MATCH_ALL = 'request.path.startsWith("/")';

  constructor(scope: Construct, id: string, props: ModelArmorExtensionProps) {
    super(scope, id);
    new GcpTrafficExtension(this, 'Resource', {
      metadata: { name: props.name, namespace: props.namespace },
      spec: {
        targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: props.gatewayName }],
        extensionChains: [
          {
            name: 'model-armor',
            matchCondition: { celExpressions: [{ celMatcher: ModelArmorExtension.MATCH_ALL }] },
            extensions: [
              {
                name: 'model-armor',
                googleApiServiceName: props.service,
                timeout: ModelArmorExtension.TIMEOUT,
                failOpen: props.failOpen,
                supportedEvents: [Event.REQUEST_HEADERS, Event.REQUEST_BODY, Event.REQUEST_TRAILERS, Event.RESPONSE_HEADERS, Event.RESPONSE_BODY, Event.RESPONSE_TRAILERS],
                metadata: { model_armor_settings: props.settings },
              },
            ],
          },
        ],
      },
    });
  }
}
