import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-30';
import { stackdriverMetricName, type AutoscalingSpec } from '../spec';
import type { ModelServer } from './model-server';

export interface ModelServerAutoscalerProps {
  readonly namespace: string;
  /** The Deployment scaled. */
  readonly modelServer: ModelServer;
  readonly autoscaling: AutoscalingSpec;
  /** The Prometheus name of the metric for the vLLM release the pods run (spec `autoscalingMetricName`). */
  readonly prometheusMetric: string;
  /**
   * Pods removed per minute at most: the PodDisruptionBudget's maxUnavailable. A scale-down deletes pods
   * through the ReplicaSet, which no PodDisruptionBudget limits, so the HPA's policy keeps that bound.
   */
  readonly scaleDownPodsPerMinute: number;
}

/**
 * A HorizontalPodAutoscaler on a vLLM Deployment.
 *
 * The chain an HPA on a vLLM metric waits on: Managed Prometheus scrapes vLLM's /metrics (the pool's
 * ModelServerMonitoring, which the pool chart emits whenever the pool autoscales; vLLM serves /metrics
 * unauthenticated on its HTTP port), Cloud Monitoring stores the gauge as
 * `prometheus.googleapis.com/<name>/gauge`, and the Custom Metrics Stackdriver Adapter (metrics-adapter.ts)
 * serves it to the HPA controller as a per-pod metric. A missing link leaves the HPA at its current size
 * with a `ScalingActive=False` condition, so every link is emitted together.
 */
export class ModelServerAutoscaler extends Construct {
  constructor(scope: Construct, id: string, props: ModelServerAutoscalerProps) {
    super(scope, id);
    const { autoscaling, modelServer, namespace } = props;


    new k8s.KubeHorizontalPodAutoscalerV2(this, 'Autoscaler', {
      metadata: { name: modelServer.name, namespace },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: modelServer.name },
        minReplicas: autoscaling.minReplicas,
        maxReplicas: autoscaling.maxReplicas,
        metrics: [
          {
            type: 'Pods',
            pods: {
              metric: { name: stackdriverMetricName(props.prometheusMetric) },
              target: { type: 'AverageValue', averageValue: k8s.Quantity.fromString(quantity(autoscaling.target)) },
            },
          },
        ],
        behavior: {
          // A new H100 pod takes minutes to serve (docs/performance.md): add capacity at the first sign of
          // a queue, at most doubling per minute so one burst does not ask for the whole GPU pool.
          scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 60 }] },
          scaleDown: {
            stabilizationWindowSeconds: autoscaling.scaleDownStabilizationSeconds,
            selectPolicy: 'Min',
            policies: [{ type: 'Pods', value: props.scaleDownPodsPerMinute, periodSeconds: 60 }],
          },
        },
      },
    });
  }
}

/** A Kubernetes quantity for a target: whole numbers as they are, fractions in thousandths (0.8 -> 800m). */
export function quantity(value: number): string {
  return Number.isInteger(value) ? String(value) : `${Math.round(value * 1000)}m`;
}
