import { Construct } from 'constructs';
import { ClusterPodMonitoring, ClusterPodMonitoringSpecEndpointsPort, ClusterPodMonitoringSpecEndpointsScheme } from '../imports/clusterpodmonitorings-monitoring.googleapis.com';
import { GcpBackendPolicy } from '../imports/gcpbackendpolicies-networking.gke.io';
import {
  HealthCheckPolicy,
  HealthCheckPolicySpecDefaultConfigHttpHealthCheckPortSpecification,
  HealthCheckPolicySpecDefaultConfigType,
} from '../imports/healthcheckpolicies-networking.gke.io';
import { InferencePool as InferencePoolResource } from '../imports/inferencepools-inference.networking.x-k8s.io';
import { clusterScopedName, type EndpointPickerSpec, type ExtensionRelease, type VllmMetricNames } from '../spec';
import { EndpointPicker } from './endpoint-picker';
import { MetricsReader } from './metrics-reader';
import type { ModelServer } from './model-server';

export interface InferencePoolProps {
  readonly namespace: string;
  /** The model servers this pool routes to: their pod labels and port become its selector and target. */
  readonly modelServer: ModelServer;
  /** The v0.3.0 release: the pool's API group, its picker's version. */
  readonly release: ExtensionRelease;
  /** @default the model server's name */
  readonly name?: string;
  readonly endpointPicker: EndpointPickerSpec;
  /** The metric names the model servers' vLLM exports. */
  readonly vllmMetrics: VllmMetricNames;
  /** GCPBackendPolicy `timeoutSec`: size it from steady-state p99 latency, not drain time. */
  readonly backendTimeoutSeconds: number;
  /**
   * Name of the Cloud Armor policy (in the Gateway's project and region) the GCPBackendPolicy attaches to
   * this pool's backend service. @default none: every client that reaches the Gateway gets through
   */
  readonly securityPolicy?: string;
  /** When given, Managed Prometheus scrapes the picker with this reader's token. @default no scraping */
  readonly metricsReader?: MetricsReader;
}

/** The GCPBackendPolicy `default` fields that attach a Cloud Armor policy, or none. */
export function securityPolicy(name: string | undefined): { securityPolicy?: string } {
  return name === undefined ? {} : { securityPolicy: name };
}

/** A reference to an InferencePool as Gateway API and GKE policies write it. */
export interface PoolReference {
  readonly group: string;
  readonly kind: 'InferencePool';
  readonly name: string;
}

/**
 * A v1alpha2 InferencePool with everything `helm install ... inferencepool --set provider.name=gke`
 * (v0.3.0) adds: the endpoint picker, GKE's HealthCheckPolicy and GCPBackendPolicy, and (with monitoring)
 * the ClusterPodMonitoring that scrapes the picker.
 */
export class InferencePool extends Construct {
  readonly name: string;
  /** How routes and policies refer to this pool. */
  readonly reference: PoolReference;
  readonly endpointPicker: EndpointPicker;

  constructor(scope: Construct, id: string, props: InferencePoolProps) {
    super(scope, id);
    const server = props.modelServer;
    this.name = props.name ?? server.name;
    this.reference = { group: props.release.poolGroup, kind: 'InferencePool', name: this.name };

    this.endpointPicker = new EndpointPicker(this, 'EndpointPicker', {
      namespace: props.namespace,
      inferencePoolName: this.name,
      release: props.release,
      image: props.endpointPicker.image,
      replicas: props.endpointPicker.replicas,
      resources: props.endpointPicker.resources,
      vllmMetrics: props.vllmMetrics,
      terminationGracePeriodSeconds: server.terminationGracePeriodSeconds,
    });
    const labels = { ...this.endpointPicker.chartLabels };

    new InferencePoolResource(this, 'Resource', {
      metadata: { name: this.name, namespace: props.namespace, labels },
      spec: {
        targetPortNumber: server.port,
        selector: { ...server.podLabels },
        extensionRef: { name: this.endpointPicker.serviceName, portNumber: EndpointPicker.GRPC_PORT },
      },
    });

    const targetRef = { ...this.reference };

    // One health check per pool. The guide and the chart each write one for the same pool; GKE would
    // have two policies fight over one backend. `portSpecification` is spelled out: without it the
    // current CRD assumes USE_SERVING_PORT, which forbids `port`.
    new HealthCheckPolicy(this, 'HealthCheckPolicy', {
      metadata: { name: this.name, namespace: props.namespace, labels },
      spec: {
        targetRef,
        default: {
          config: {
            type: HealthCheckPolicySpecDefaultConfigType.HTTP,
            httpHealthCheck: {
              requestPath: server.healthPath,
              portSpecification: HealthCheckPolicySpecDefaultConfigHttpHealthCheckPortSpecification.USE_UNDERSCORE_FIXED_UNDERSCORE_PORT,
              port: server.port,
            },
          },
        },
      },
    });

    new GcpBackendPolicy(this, 'BackendPolicy', {
      metadata: { name: this.name, namespace: props.namespace, labels },
      spec: { targetRef, default: { timeoutSec: props.backendTimeoutSeconds, ...securityPolicy(props.securityPolicy) } },
    });

    if (props.metricsReader) {
      new ClusterPodMonitoring(this, 'PickerMonitoring', {
        metadata: { name: clusterScopedName(props.namespace, this.name), labels },
        spec: {
          selector: { matchLabels: { ...this.endpointPicker.podLabels } },
          endpoints: [
            {
              port: ClusterPodMonitoringSpecEndpointsPort.fromString(EndpointPicker.METRICS_PORT_NAME),
              scheme: ClusterPodMonitoringSpecEndpointsScheme.HTTP,
              path: '/metrics',
              interval: props.release.scrapeInterval,
              authorization: {
                type: 'Bearer',
                credentials: {
                  secret: {
                    name: props.metricsReader.tokenSecretName,
                    key: MetricsReader.TOKEN_KEY,
                    namespace: props.metricsReader.namespace,
                  },
                },
              },
            },
          ],
        },
      });
    }
  }
}
