import { Construct } from 'constructs';
import { PodMonitoring, PodMonitoringSpecEndpointsPort, PodMonitoringSpecEndpointsScheme } from '../imports/podmonitorings-monitoring.googleapis.com';
import { modelServerMonitoringName } from '../spec';
import { ModelServer } from './model-server';

export interface ModelServerMonitoringProps {
  readonly namespace: string;
  /** The model servers to scrape: their pod labels select them, their named port is scraped. */
  readonly modelServer: ModelServer;
  /** The endpoint picker's scrape interval, so picker and vLLM series share one resolution. */
  readonly interval: string;
}

/**
 * A PodMonitoring that has Managed Prometheus scrape vLLM's /metrics on every model server pod of a pool:
 * queue, KV cache, time to first token, inter-token latency, LoRA adapters. vLLM serves /metrics on its
 * API port without authentication, so no reader or token is involved. The lora-syncer sidecar exports no
 * metrics and is not scraped.
 *
 * Managed Prometheus labels each series with `namespace` and, by default, `top_level_controller_name`
 * (the Deployment, named after the pool): the dashboard and alerts select a pool's series by those two.
 */
export class ModelServerMonitoring extends Construct {
  /** vLLM's Prometheus endpoint (prometheus_client mounted on the OpenAI server). */
  static readonly METRICS_PATH = '/metrics';

  readonly name: string;

  constructor(scope: Construct, id: string, props: ModelServerMonitoringProps) {
    super(scope, id);
    const server = props.modelServer;
    this.name = modelServerMonitoringName(server.name);
    new PodMonitoring(this, 'Resource', {
      metadata: { name: this.name, namespace: props.namespace },
      spec: {
        selector: { matchLabels: { ...server.podLabels } },
        endpoints: [
          {
            port: PodMonitoringSpecEndpointsPort.fromString(ModelServer.PORT_NAME),
            scheme: PodMonitoringSpecEndpointsScheme.HTTP,
            path: ModelServerMonitoring.METRICS_PATH,
            interval: props.interval,
          },
        ],
      },
    });
  }
}
