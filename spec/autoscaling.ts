/**
 * What a pool's HorizontalPodAutoscaler scales on, and how the HPA names it.
 *
 * The signal is vLLM's own, per pod, read through the Custom Metrics Stackdriver Adapter from Managed
 * Prometheus:
 * - `queue` (default): `vllm:num_requests_waiting`, requests admitted but not yet scheduled on the GPU.
 *   GKE's best practices for autoscaling LLM inference on GPUs name queue size as the signal that
 *   maximises throughput within a latency target, and it has kept its name in every vLLM release from 0.8
 *   to the GA profile's (versions.ts), so a vLLM bump cannot make the HPA read a metric that is gone (the
 *   failure llm-d #2473 reports: an HPA on a renamed metric "never scales, quietly").
 * - `kvCache`: the share of the KV cache in use, for batches of long prompts that fill the cache before a
 *   queue forms. Its name changed in vLLM 0.10 (versions.ts), which is why it is looked up per release.
 * Not CPU or GPU duty cycle (GKE's page: they do not track inference load), and not the picker's pool
 * averages: the v0.3.0 picker and the llm-d router export them under different names, only from the picker
 * pod, and only where its metrics reader is on; an HPA on them would be an External metric tied to one
 * profile.
 */
import { vllmVersion } from './derived';
import type { AutoscalingMetric, PoolSpec } from './types';
import { modelServerMetricNames } from './metrics';

/**
 * Starting targets, ours: raise them while latency allows (GKE's best-practice page says to tune the
 * threshold against the latency target; it gives no number for vLLM that we rely on).
 */
export const DEFAULT_AUTOSCALING_TARGETS: Readonly<Record<AutoscalingMetric, number>> = {
  // A few waiting requests per pod: a queue forms before latency grows much.
  queue: 3,
  // vLLM preempts requests when the cache is full; scale out before that.
  kvCache: 0.8,
};

/** The HPA's own default scale-down window; an H100 pod removed too early takes minutes to come back. */
export const DEFAULT_SCALE_DOWN_STABILIZATION_SECONDS = 300;

/** Defaults of `autoscaling` that follow the written metric. */
export function autoscalingDefaults(metric: unknown): Record<string, unknown> {
  const chosen: AutoscalingMetric = metric === 'kvCache' ? 'kvCache' : 'queue';
  return { metric: chosen, target: DEFAULT_AUTOSCALING_TARGETS[chosen], scaleDownStabilizationSeconds: DEFAULT_SCALE_DOWN_STABILIZATION_SECONDS };
}

/**
 * The Prometheus metric an autoscaling metric is for a vLLM release. The one place the HPA learns a
 * metric name, from the metrics contract (metrics.ts), whose tests fail on a name the release lacks.
 */
export function autoscalingMetricName(metric: AutoscalingMetric, vllmVersion: string): string {
  const names = modelServerMetricNames(vllmVersion);
  return metric === 'queue' ? names.queuedRequests : names.kvCacheUsage;
}

/** The Prometheus metric an autoscaled pool's HPA reads, for the vLLM release the pool runs. */
export function poolAutoscalingMetric(pool: PoolSpec): string {
  const version = vllmVersion(pool);
  if (pool.autoscaling === undefined || version === undefined) {
    throw new Error(`pools.${pool.name}: no autoscaling or no known vLLM release; the spec rules should have refused it`);
  }
  return autoscalingMetricName(pool.autoscaling.metric, version);
}

/**
 * The name the Custom Metrics Stackdriver Adapter serves a Managed Prometheus gauge under:
 * `prometheus.googleapis.com|<metric>|gauge`. The adapter turns "|" into "/" to get the Cloud Monitoring
 * metric type `prometheus.googleapis.com/<metric>/gauge` (k8s-stackdriver, custom-metrics-stackdriver-adapter
 * pkg/adapter/provider/provider.go, and its prometheus-to-sd example README; Google's sample
 * "Custom metrics prometheus exporter HPA" uses the same form). Both vLLM metrics here are gauges.
 */
export function stackdriverMetricName(prometheusName: string): string {
  return `prometheus.googleapis.com|${prometheusName}|gauge`;
}

/**
 * Model server pods the GPU pool holds at its largest: maxNodes x GPUs per node / GPUs per pod, counted per
 * node because a pod's GPUs must all be on one node.
 */
export function replicasThePoolHolds(maxNodes: number, acceleratorCount: number, gpusPerReplica: number): number {
  return maxNodes * Math.floor(acceleratorCount / gpusPerReplica);
}

/** Whether a pool runs under an HPA (the Deployment then leaves `replicas` to it). */
export function isAutoscaled(pool: PoolSpec): boolean {
  return pool.autoscaling !== undefined;
}

/**
 * The Custom Metrics Stackdriver Adapter that serves the HPA its metric: names from the upstream production
 * manifest (k8s-stackdriver custom-metrics-stackdriver-adapter/deploy/production/
 * adapter_new_resource_model.yaml), image as that manifest pins it at k8s-stackdriver commit af49d863
 * (Managed Prometheus queries need v0.13.1 or later). The constructs and the Workload Identity grant in
 * `pulumi up` read the same names.
 */
export const METRICS_ADAPTER = {
  namespace: 'custom-metrics',
  serviceAccount: 'custom-metrics-stackdriver-adapter',
  image: 'gcr.io/gke-release/custom-metrics-stackdriver-adapter:v0.16.9-gke.0',
  port: 443,
  /** What the adapter's Kubernetes service account needs in the project: read Cloud Monitoring. */
  projectRole: 'roles/monitoring.viewer',
} as const;
