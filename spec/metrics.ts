/**
 * The metrics contract: every metric name that anything we emit reads (the endpoint picker's config, the
 * Cloud Monitoring dashboard, the alert policies, an HPA), per profile, derived from the vLLM and picker
 * releases that actually run. Two tables of facts stand behind it:
 *
 * - `VLLM_EXPORTS`: what a vLLM release serves on /metrics, with the release range of each name. Read in
 *   vLLM's vllm/v1/metrics/loggers.py and vllm/engine/metrics.py of the 0.8 line, and in loggers.py of a
 *   later line where `time_per_output_token_seconds` is only observed with show_hidden_metrics and
 *   `gpu_cache_usage_perc` is gone (the v0.21.0 tag itself was not readable offline: its snapshot is over
 *   the mirror's size limit); the renames are PR 18354 (`gpu_cache_usage_perc` -> `kv_cache_usage_perc`,
 *   0.9) and PR 24110 (`time_per_output_token_seconds` -> `inter_token_latency_seconds`, 0.11). A name
 *   enters the table only while it is neither deprecated nor hidden, so no consumer reads a name that is
 *   about to go. `http_requests_total` comes from the prometheus-fastapi-instrumentator that vLLM's
 *   OpenAI server mounts beside its own metrics (status grouped as 2xx/4xx/5xx).
 * - `PICKER_EXPORTS`: what each endpoint picker release registers (gateway-api-inference-extension v0.3.0
 *   pkg/epp/metrics/metrics.go `Register`; llm-d-router v0.10.0 pkg/epp/metrics/llm_d_router_metrics.go,
 *   subsystem `llm_d_epp`; its deprecated `inference_*` twins are left out for the same reason).
 *
 * Names are exposition names as Prometheus scrapes them: counters end in `_total`, histograms are listed by
 * their base name (a query reads `<base>_bucket`, `_sum` or `_count`).
 */
import { compareVllmVersions, extensionRelease, KV_CACHE_METRIC_RENAMED_IN, vllmMetrics, type ExtensionVersion, type VllmMetricNames } from './versions';

export type MetricType = 'gauge' | 'counter' | 'histogram';

interface ExportedMetric {
  readonly name: string;
  readonly type: MetricType;
  /** First vLLM release that exports it under this name. */
  readonly since: string;
  /** First release where it is deprecated, hidden or gone; undefined while current. */
  readonly until?: string;
}

/** vLLM renamed `time_per_output_token_seconds` to `inter_token_latency_seconds` in 0.11 (PR 24110). */
export const INTER_TOKEN_METRIC_RENAMED_IN = '0.11.0';

/** The oldest vLLM release the table describes (the v0.3.0 profile's 0.8.5 is in its line). */
const VLLM_TABLE_FLOOR = '0.8.0';

export const VLLM_EXPORTS: readonly ExportedMetric[] = [
  { name: 'vllm:num_requests_running', type: 'gauge', since: VLLM_TABLE_FLOOR },
  { name: 'vllm:num_requests_waiting', type: 'gauge', since: VLLM_TABLE_FLOOR },
  { name: 'vllm:gpu_cache_usage_perc', type: 'gauge', since: VLLM_TABLE_FLOOR, until: KV_CACHE_METRIC_RENAMED_IN },
  { name: 'vllm:kv_cache_usage_perc', type: 'gauge', since: KV_CACHE_METRIC_RENAMED_IN },
  { name: 'vllm:lora_requests_info', type: 'gauge', since: VLLM_TABLE_FLOOR },
  { name: 'vllm:cache_config_info', type: 'gauge', since: VLLM_TABLE_FLOOR },
  { name: 'vllm:time_to_first_token_seconds', type: 'histogram', since: VLLM_TABLE_FLOOR },
  { name: 'vllm:time_per_output_token_seconds', type: 'histogram', since: VLLM_TABLE_FLOOR, until: INTER_TOKEN_METRIC_RENAMED_IN },
  { name: 'vllm:inter_token_latency_seconds', type: 'histogram', since: INTER_TOKEN_METRIC_RENAMED_IN },
  { name: 'vllm:e2e_request_latency_seconds', type: 'histogram', since: VLLM_TABLE_FLOOR },
  { name: 'vllm:request_success_total', type: 'counter', since: VLLM_TABLE_FLOOR },
  { name: 'vllm:prompt_tokens_total', type: 'counter', since: VLLM_TABLE_FLOOR },
  { name: 'vllm:generation_tokens_total', type: 'counter', since: VLLM_TABLE_FLOOR },
  { name: 'http_requests_total', type: 'counter', since: VLLM_TABLE_FLOOR },
];

/** What each endpoint picker release registers, by profile. */
export const PICKER_EXPORTS: Readonly<Record<ExtensionVersion, readonly { readonly name: string; readonly type: MetricType }[]>> = {
  'v0.3.0': [
    { name: 'inference_model_request_total', type: 'counter' },
    { name: 'inference_model_request_error_total', type: 'counter' },
    { name: 'inference_model_request_duration_seconds', type: 'histogram' },
    { name: 'inference_model_running_requests', type: 'gauge' },
    { name: 'inference_pool_average_kv_cache_utilization', type: 'gauge' },
    { name: 'inference_pool_average_queue_size', type: 'gauge' },
    { name: 'inference_pool_ready_pods', type: 'gauge' },
  ],
  'llm-d-v0.10.0': [
    { name: 'llm_d_epp_request_total', type: 'counter' },
    { name: 'llm_d_epp_request_error_total', type: 'counter' },
    { name: 'llm_d_epp_request_duration_seconds', type: 'histogram' },
    { name: 'llm_d_epp_request_running', type: 'gauge' },
    { name: 'llm_d_epp_average_kv_cache_utilization', type: 'gauge' },
    { name: 'llm_d_epp_average_queue_size', type: 'gauge' },
    { name: 'llm_d_epp_ready_endpoints', type: 'gauge' },
    { name: 'llm_d_epp_scheduler_e2e_duration_seconds', type: 'histogram' },
  ],
};

/** The vLLM names a model server's consumers read. */
export interface ModelServerMetricNames extends VllmMetricNames {
  readonly timeToFirstToken: string;
  /** Inter-token latency (time per output token before 0.11). */
  readonly interTokenLatency: string;
  readonly e2eLatency: string;
  readonly requestSuccess: string;
  readonly promptTokens: string;
  readonly generationTokens: string;
  /** HTTP requests by `status` class, for the 5xx ratio. */
  readonly httpRequests: string;
}

/** The picker names the dashboard and alerts read; a name is undefined where the release has none. */
export interface PickerMetricNames {
  readonly requests: string;
  readonly requestErrors: string;
  readonly requestDuration: string;
  /** Ready model server pods of a pool, by the pool's `name` label. */
  readonly readyEndpoints: string;
  readonly averageQueueSize: string;
  readonly averageKvCacheUtilization: string;
  /** The v0.3.0 picker records no scheduling latency. */
  readonly schedulingLatency?: string;
}

export interface MetricsContract {
  readonly profile: ExtensionVersion;
  readonly vllmVersion: string;
  readonly endpointPickerTag: string;
  readonly modelServer: ModelServerMetricNames;
  readonly endpointPicker: PickerMetricNames;
}

const PICKER_NAMES: Readonly<Record<ExtensionVersion, PickerMetricNames>> = {
  'v0.3.0': {
    requests: 'inference_model_request_total',
    requestErrors: 'inference_model_request_error_total',
    requestDuration: 'inference_model_request_duration_seconds',
    readyEndpoints: 'inference_pool_ready_pods',
    averageQueueSize: 'inference_pool_average_queue_size',
    averageKvCacheUtilization: 'inference_pool_average_kv_cache_utilization',
  },
  'llm-d-v0.10.0': {
    requests: 'llm_d_epp_request_total',
    requestErrors: 'llm_d_epp_request_error_total',
    requestDuration: 'llm_d_epp_request_duration_seconds',
    readyEndpoints: 'llm_d_epp_ready_endpoints',
    averageQueueSize: 'llm_d_epp_average_queue_size',
    averageKvCacheUtilization: 'llm_d_epp_average_kv_cache_utilization',
    schedulingLatency: 'llm_d_epp_scheduler_e2e_duration_seconds',
  },
};

/** The names a vLLM release's consumers read. */
export function modelServerMetricNames(vllmVersion: string): ModelServerMetricNames {
  return {
    ...vllmMetrics(vllmVersion),
    timeToFirstToken: 'vllm:time_to_first_token_seconds',
    interTokenLatency:
      compareVllmVersions(vllmVersion, INTER_TOKEN_METRIC_RENAMED_IN) < 0 ? 'vllm:time_per_output_token_seconds' : 'vllm:inter_token_latency_seconds',
    e2eLatency: 'vllm:e2e_request_latency_seconds',
    requestSuccess: 'vllm:request_success_total',
    promptTokens: 'vllm:prompt_tokens_total',
    generationTokens: 'vllm:generation_tokens_total',
    httpRequests: 'http_requests_total',
  };
}

/** The contract of one profile with the vLLM release its pools run (the profile's own by default). */
export function metricsContract(profile: ExtensionVersion, vllmVersion?: string): MetricsContract {
  const release = extensionRelease(profile);
  const version = vllmVersion ?? (/:v?(\d+\.\d+\.\d+)/.exec(release.modelServerImage)?.[1] as string);
  return { profile, vllmVersion: version, endpointPickerTag: release.endpointPickerTag, modelServer: modelServerMetricNames(version), endpointPicker: PICKER_NAMES[profile] };
}

/** Every name a running vLLM release exports (and we may read), with its type. */
export function vllmExports(vllmVersion: string): ReadonlyMap<string, MetricType> {
  const current = VLLM_EXPORTS.filter(
    (metric) => compareVllmVersions(vllmVersion, metric.since) >= 0 && (metric.until === undefined || compareVllmVersions(vllmVersion, metric.until) < 0),
  );
  return new Map(current.map((metric) => [metric.name, metric.type]));
}

/** Every name the profile's endpoint picker exports, with its type. */
export function pickerExports(profile: ExtensionVersion): ReadonlyMap<string, MetricType> {
  return new Map(PICKER_EXPORTS[profile].map((metric) => [metric.name, metric.type]));
}

const HISTOGRAM_SERIES = /_(bucket|sum|count)$/;

/**
 * The metric names a PromQL expression reads: identifiers that are followed by a selector, a range or an
 * aggregation's end, not by `(` (a function) and not inside `{...}` or `by (...)`. Good enough for the
 * queries we write; it is not a PromQL parser.
 */
export function promqlMetricNames(query: string): string[] {
  const withoutLabels = query.replace(/\{[^}]*\}/g, '{}').replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names = new Set<string>();
  for (const match of withoutLabels.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const name = match[0];
    const after = withoutLabels.slice((match.index ?? 0) + name.length).trimStart();
    if (after.startsWith('(')) continue;
    if (/^(by|without|on|ignoring|bool|and|or|unless|offset|group_left|group_right|inf|nan)$/i.test(name)) continue;
    if (/^\d/.test(name) || /^[smhdwy]$/.test(name)) continue;
    if (!name.includes(':') && !name.includes('_')) continue;
    names.add(name);
  }
  return [...names];
}

/**
 * Names in `names` that `exported` does not serve: a histogram is read through its `_bucket`, `_sum` or
 * `_count` series, a gauge or counter by its own name.
 */
export function unexportedNames(names: Iterable<string>, exported: ReadonlyMap<string, MetricType>): string[] {
  const missing: string[] = [];
  for (const name of names) {
    if (exported.has(name) && exported.get(name) !== 'histogram') continue;
    const base = name.replace(HISTOGRAM_SERIES, '');
    if (base !== name && exported.get(base) === 'histogram') continue;
    missing.push(name);
  }
  return missing;
}

/** The whole contract as JSON for users' own dashboards and alert rules (`npm run metrics`). */
export function metricsContractTable(): Record<string, unknown> {
  const profiles = Object.keys(PICKER_EXPORTS) as ExtensionVersion[];
  return {
    description:
      'Metric names per profile of inference-gateway: what the dashboard, the alerts and the endpoint picker read, and everything the running vLLM and picker export. Histograms are listed by base name (read <name>_bucket, _sum, _count).',
    profiles: Object.fromEntries(
      profiles.map((profile) => {
        const contract = metricsContract(profile);
        return [
          profile,
          {
            ...contract,
            exports: {
              modelServer: Object.fromEntries(vllmExports(contract.vllmVersion)),
              endpointPicker: Object.fromEntries(pickerExports(profile)),
            },
          },
        ];
      }),
    ),
  };
}
