import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-30';
import {
  GcpRoutingExtension,
  GcpRoutingExtensionSpecExtensionChainsExtensionsBackendRefGroup,
  GcpRoutingExtensionSpecExtensionChainsExtensionsBackendRefKind,
  GcpRoutingExtensionSpecExtensionChainsExtensionsRequestBodySendMode,
  GcpRoutingExtensionSpecExtensionChainsExtensionsSupportedEvents,
} from '../imports/gcproutingextensions-networking.gke.io';
import {
  HealthCheckPolicy,
  HealthCheckPolicySpecDefaultConfigGrpcHealthCheckPortSpecification,
  HealthCheckPolicySpecDefaultConfigType,
} from '../imports/healthcheckpolicies-networking.gke.io';
import { BODY_ROUTER_HEALTH_CHECK_NAME, BODY_ROUTER_NAME } from '../spec';
import { DISTROLESS_CONTAINER, RUNTIME_DEFAULT_SECCOMP } from './security';
import { appLabels } from './well-known';

/** The core API group, the only one the CRD allows here (the generated enum has no member for ""). */
const CORE_GROUP = '' as unknown as GcpRoutingExtensionSpecExtensionChainsExtensionsBackendRefGroup;

export interface BodyRouterProps {
  readonly namespace: string;
  /** The Gateway whose requests pass through the router before route matching. */
  readonly gatewayName: string;
  readonly image: string;
}

/**
 * The body-based router the v0.3.0 `body-based-routing` chart installs for GKE: a Deployment that reads
 * each request's JSON body and copies its `model` into the X-Gateway-Model-Name header, its Service, the
 * GCPRoutingExtension that runs it on the Gateway before routes are matched, and a gRPC health check.
 * Several pools behind one base URL are then routed by that header, as OpenAI clients expect.
 */
export class BodyRouter extends Construct {
  static readonly GRPC_PORT = 9004;
  static readonly GRPC_HEALTH_PORT = 9005;
  /**
   * The router holds one request body at a time per stream and does nothing else: a quarter core and
   * 256 MiB, far above its idle footprint, leave room for large prompts in flight.
   */
  static readonly RESOURCES = { cpu: '250m', memory: '256Mi' } as const;

  readonly name = BODY_ROUTER_NAME;
  readonly podLabels: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: BodyRouterProps) {
    super(scope, id);
    const { namespace } = props;
    this.podLabels = appLabels(this.name);
    const metadata = { name: this.name, namespace };

    // The router reads no Kubernetes object, but it will not start without in-cluster credentials, so
    // it gets a token of its own ServiceAccount, which is granted nothing.
    const serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata });

    // Health answers SERVING for any service name once the server runs (cmd/body-based-routing/health.go).
    const health: k8s.Probe = { grpc: { port: BodyRouter.GRPC_HEALTH_PORT }, initialDelaySeconds: 5, periodSeconds: 10 };
    new k8s.KubeDeployment(this, 'Deployment', {
      metadata,
      spec: {
        replicas: 1,
        selector: { matchLabels: { ...this.podLabels } },
        template: {
          metadata: { labels: { ...this.podLabels } },
          spec: {
            serviceAccountName: serviceAccount.name,
            automountServiceAccountToken: true,
            securityContext: RUNTIME_DEFAULT_SECCOMP,
            containers: [
              {
                name: 'bbr',
                image: props.image,
                imagePullPolicy: 'IfNotPresent',
                // Full-duplex streaming, as the routing extension below sends the body.
                args: ['-streaming', '-v', '3'],
                ports: [
                  { name: 'grpc', containerPort: BodyRouter.GRPC_PORT },
                  { name: 'grpc-health', containerPort: BodyRouter.GRPC_HEALTH_PORT },
                ],
                livenessProbe: health,
                readinessProbe: health,
                resources: {
                  requests: { cpu: k8s.Quantity.fromString(BodyRouter.RESOURCES.cpu), memory: k8s.Quantity.fromString(BodyRouter.RESOURCES.memory) },
                },
                securityContext: DISTROLESS_CONTAINER,
              },
            ],
          },
        },
      },
    });

    const service = new k8s.KubeService(this, 'Service', {
      metadata,
      spec: {
        type: 'ClusterIP',
        selector: { ...this.podLabels },
        ports: [{ protocol: 'TCP', port: BodyRouter.GRPC_PORT, targetPort: k8s.IntOrString.fromNumber(BodyRouter.GRPC_PORT), appProtocol: 'HTTP2' }],
      },
    });

    new GcpRoutingExtension(this, 'RoutingExtension', {
      metadata,
      spec: {
        targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: props.gatewayName }],
        extensionChains: [
          {
            name: 'chain1',
            extensions: [
              {
                name: 'ext1',
                authority: 'myext.com',
                timeout: '1s',
                supportedEvents: [
                  GcpRoutingExtensionSpecExtensionChainsExtensionsSupportedEvents.REQUEST_HEADERS,
                  GcpRoutingExtensionSpecExtensionChainsExtensionsSupportedEvents.REQUEST_BODY,
                  GcpRoutingExtensionSpecExtensionChainsExtensionsSupportedEvents.REQUEST_TRAILERS,
                ],
                requestBodySendMode: GcpRoutingExtensionSpecExtensionChainsExtensionsRequestBodySendMode.FULL_DUPLEX_STREAMED,
                backendRef: { group: CORE_GROUP, kind: GcpRoutingExtensionSpecExtensionChainsExtensionsBackendRefKind.SERVICE, name: service.name, port: BodyRouter.GRPC_PORT },
              },
            ],
          },
        ],
      },
    });

    // The load balancer checks the router's gRPC health port before sending it traffic.
    new HealthCheckPolicy(this, 'HealthCheckPolicy', {
      metadata: { name: BODY_ROUTER_HEALTH_CHECK_NAME, namespace },
      spec: {
        default: {
          logConfig: { enabled: true },
          config: {
            type: HealthCheckPolicySpecDefaultConfigType.GRPC,
            grpcHealthCheck: {
              portSpecification: HealthCheckPolicySpecDefaultConfigGrpcHealthCheckPortSpecification.USE_UNDERSCORE_FIXED_UNDERSCORE_PORT,
              port: BodyRouter.GRPC_HEALTH_PORT,
            },
          },
        },
        targetRef: { group: '', kind: 'Service', name: service.name, namespace },
      },
    });
  }
}
