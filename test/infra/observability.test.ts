/**
 * The dashboard and alert policies `pulumi up` creates, under the mocks: for the default (v0.3.0, vLLM
 * 0.8.5) and the GA (llm-d v0.10.0, vLLM 0.21.0) programs, the metric names are those of the vLLM each
 * runs, time to first token is on the dashboard, the alerts exist with the spec's thresholds and channels,
 * and nothing reaches Cloud Monitoring before its API is enabled.
 */
import type { MockRun } from '../../plan/program';
import { one, ofType, plain, runSpec } from './harness';

const DASHBOARD = 'gcp:monitoring/dashboard:Dashboard';
const ALERT = 'gcp:monitoring/alertPolicy:AlertPolicy';
const SERVICE = 'gcp:projects/service:Service';
const CHANNEL = 'projects/example-project/notificationChannels/1234567890';

interface Condition {
  readonly displayName: string;
  readonly conditionPrometheusQueryLanguage: { readonly query: string; readonly duration: string; readonly disableMetricValidation: boolean };
}

const dashboardText = (run: MockRun): string => String(plain(one(run, DASHBOARD)).dashboardJson);
const dashboardQueries = (run: MockRun): string[] => {
  const dashboard = JSON.parse(dashboardText(run)) as { mosaicLayout: { tiles: { widget: { xyChart?: { dataSets: { timeSeriesQuery: { prometheusQuery: string } }[] } } }[] } };
  return dashboard.mosaicLayout.tiles.flatMap((tile) => tile.widget.xyChart?.dataSets.map((set) => set.timeSeriesQuery.prometheusQuery) ?? []);
};
const conditions = (run: MockRun): Condition[] => ofType(run, ALERT).flatMap((policy) => plain(policy).conditions as Condition[]);
const allQueries = (run: MockRun): string => [...dashboardQueries(run), ...conditions(run).map((c) => c.conditionPrometheusQueryLanguage.query)].join('\n');

let defaults: MockRun;
let ga: MockRun;
let tuned: MockRun;
let off: MockRun;
beforeAll(async () => {
  defaults = await runSpec({});
  ga = await runSpec({ inferenceExtension: { version: 'llm-d-v0.10.0' } });
  tuned = await runSpec({ monitoring: { alerts: { queueDepth: 25, queueMinutes: 7, errorRatio: 0.1, notificationChannels: [CHANNEL] } } });
  off = await runSpec({ monitoring: { dashboard: false, alerts: { enabled: false } } });
});

describe.each([
  ['default (vLLM 0.8.5)', () => defaults, 'vllm:gpu_cache_usage_perc', 'vllm:kv_cache_usage_perc', 'vllm:time_per_output_token_seconds_bucket', 'inference_pool_ready_pods'],
  ['GA (vLLM 0.21.0)', () => ga, 'vllm:kv_cache_usage_perc', 'vllm:gpu_cache_usage_perc', 'vllm:inter_token_latency_seconds_bucket', 'llm_d_epp_ready_endpoints'],
])('the %s program', (_name, run, kvCache, otherKvCache, interToken, ready) => {
  test('makes one dashboard whose KV-cache chart reads the running vLLM name, never the other', () => {
    expect(ofType(run(), DASHBOARD)).toHaveLength(1);
    expect(dashboardText(run())).toContain(kvCache);
    expect(allQueries(run())).not.toContain(otherKvCache);
  });

  test('shows time to first token (p50, p90, p99) and inter-token latency under the running name', () => {
    const ttft = dashboardQueries(run()).filter((query) => query.includes('vllm:time_to_first_token_seconds_bucket'));
    expect(ttft.map((query) => /histogram_quantile\(([\d.]+),/.exec(query)?.[1])).toEqual(['0.5', '0.9', '0.99']);
    expect(dashboardQueries(run()).some((query) => query.includes(interToken))).toBe(true);
  });

  test('selects the series of this cluster and namespace only', () => {
    for (const query of dashboardQueries(run())) expect(query).toContain('cluster="inference-gateway",namespace="default"');
  });

  test('makes three alert policies: no Ready model server (from the picker), queue backlog, 5xx ratio', () => {
    const names = ofType(run(), ALERT).map((policy) => policy.name);
    expect(names).toEqual(['inference-gateway-no-ready-model-server', 'inference-gateway-queue-backlog', 'inference-gateway-http-5xx-ratio']);
    expect(conditions(run())[0].conditionPrometheusQueryLanguage.query).toContain(`absent(${ready}{`);
  });

  test('every PromQL condition skips the metric existence check: on a first run no model server has reported yet', () => {
    expect(conditions(run()).map((c) => c.conditionPrometheusQueryLanguage.disableMetricValidation)).toEqual([true, true, true]);
  });

  test('the dashboard and every alert policy wait for the Cloud Monitoring API (no call before its enablement)', () => {
    expect(ofType(run(), SERVICE).map((service) => plain(service).service)).toContain('monitoring.googleapis.com');
    expect(run().violations).toEqual([]);
  });
});

test('the thresholds and channels come from the spec', () => {
  const [, queue, errors] = conditions(tuned);
  expect(queue.conditionPrometheusQueryLanguage.query).toMatch(/> 25$/);
  expect(queue.conditionPrometheusQueryLanguage.duration).toBe('420s');
  expect(errors.conditionPrometheusQueryLanguage.query).toMatch(/> 0.1$/);
  expect(ofType(tuned, ALERT).map((policy) => plain(policy).notificationChannels)).toEqual([[CHANNEL], [CHANNEL], [CHANNEL]]);
  expect(ofType(defaults, ALERT).map((policy) => plain(policy).notificationChannels)).toEqual([[], [], []]);
});

test('with the dashboard and alerts off there is neither', () => {
  expect([ofType(off, DASHBOARD), ofType(off, ALERT)]).toEqual([[], []]);
});

test('a notification channel that is not a channel resource name is refused with its field path', async () => {
  await expect(runSpec({ monitoring: { alerts: { notificationChannels: ['my-email'] } } })).rejects.toThrow(/monitoring\.alerts\.notificationChannels\[0\]/);
});
