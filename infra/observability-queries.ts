/**
 * The deployment's Cloud Monitoring dashboard and alert conditions as plain data: PromQL over the series
 * Managed Prometheus ingests from the endpoint pickers and the vLLM model servers. Every metric name comes
 * from the metrics contract (spec/metrics.ts) of the vLLM and picker each pool actually runs; a pool set
 * running two vLLM lines reads both names, joined with `or`.
 *
 * Series are selected by the labels Managed Prometheus puts on every scraped sample: `cluster` and
 * `namespace`, and for pods `top_level_controller_name` (the model server Deployment, named after the pool).
 * Picker pool metrics carry the InferencePool's name in their own `name` label.
 */
import { metricsContract, poolStacks, vllmVersion, type DeploymentSpec, type MetricsContract } from '../spec';
import type { ExtensionVersion } from '../spec/versions';

/** The window of rates and quantiles: several scrapes at either profile's interval. */
export const RATE_WINDOW = '5m';
/** How often Cloud Monitoring evaluates a PromQL condition (a positive multiple of 30 s). */
export const EVALUATION_INTERVAL = '60s';

/** One pool as the queries see it: its model server Deployment and the contract of each stack over it. */
interface PoolView {
  readonly modelServer: string;
  readonly modelServerMetrics: MetricsContract['modelServer'];
  readonly stacks: readonly { readonly inferencePoolName: string; readonly profile: ExtensionVersion; readonly contract: MetricsContract }[];
}

function poolViews(spec: DeploymentSpec): PoolView[] {
  return spec.pools.map((pool) => {
    const version = vllmVersion(pool) as string;
    const stacks = poolStacks(spec, pool).map((stack) => ({
      inferencePoolName: stack.inferencePoolName,
      profile: stack.release.id as ExtensionVersion,
      contract: metricsContract(stack.release.id as ExtensionVersion, version),
    }));
    return { modelServer: pool.name, modelServerMetrics: stacks[0].contract.modelServer, stacks };
  });
}

const quote = (value: string): string => JSON.stringify(value);
/** Pool and InferencePool names are DNS labels: nothing in them is special in a regular expression. */
const anyOf = (names: readonly string[]): string => [...new Set(names)].join('|');
const distinct = <T>(values: readonly T[]): T[] => [...new Set(values)];

/** One PromQL condition of an alert policy. */
export interface AlertCondition {
  readonly displayName: string;
  readonly query: string;
  /** How long the query must hold, in seconds. */
  readonly durationSeconds: number;
}

export interface AlertDefinition {
  /** Stable key, part of the Pulumi resource name. */
  readonly key: string;
  readonly displayName: string;
  readonly documentation: string;
  readonly severity: 'CRITICAL' | 'ERROR' | 'WARNING';
  readonly condition: AlertCondition;
}

/** What the dashboard and alerts read, derived once from the spec. */
export interface ObservabilityModel {
  readonly dashboard: Record<string, unknown>;
  readonly alerts: readonly AlertDefinition[];
  /** Every PromQL query the dashboard and alerts hold, with the profiles whose series it reads. */
  readonly queries: readonly { readonly where: string; readonly query: string; readonly vllmVersions: readonly string[]; readonly profiles: readonly ExtensionVersion[] }[];
}

export function observabilityModel(spec: DeploymentSpec): ObservabilityModel {
  const pools = poolViews(spec);
  const scope = `cluster=${quote(spec.cluster.name)},namespace=${quote(spec.namespace)}`;
  const servers = `{${scope},top_level_controller_name=~${quote(anyOf(pools.map((pool) => pool.modelServer)))}}`;
  const stacks = pools.flatMap((pool) => pool.stacks);
  const pickers = `{${scope},name=~${quote(anyOf(stacks.map((stack) => stack.inferencePoolName)))}}`;
  const vllmVersions = distinct(pools.map((pool) => pool.stacks[0].contract.vllmVersion));
  const profiles = distinct(stacks.map((stack) => stack.profile));
  const current = spec.inferenceExtension.version;

  /** One query per distinct metric name, joined with `or`. */
  const union = (names: readonly (string | undefined)[], build: (name: string) => string): string | undefined => {
    const present = distinct(names.filter((name): name is string => name !== undefined));
    return present.length === 0 ? undefined : present.map(build).join(' or ');
  };
  const serverNames = (pick: (metrics: MetricsContract['modelServer']) => string) => pools.map((pool) => pick(pool.modelServerMetrics));
  const pickerNames = (pick: (metrics: MetricsContract['endpointPicker']) => string | undefined) => stacks.map((stack) => pick(stack.contract.endpointPicker));
  const quantiles = (names: readonly (string | undefined)[], selector: string, by: string) =>
    [0.5, 0.9, 0.99].map((q) => ({
      legend: `p${q * 100} {{${by}}}`,
      query: union(names, (name) => `histogram_quantile(${q}, sum by (le, ${by}) (rate(${name}_bucket${selector}[${RATE_WINDOW}])))`),
    }));

  interface Widget {
    readonly title: string;
    readonly series: readonly { readonly legend: string; readonly query: string | undefined }[];
    readonly note?: string;
  }
  const widgets: Widget[] = [
    {
      title: 'Requests per second by model (endpoint picker)',
      series: [{ legend: '{{model_name}}', query: union(pickerNames((m) => m.requests), (name) => `sum by (model_name) (rate(${name}${pickers}[${RATE_WINDOW}]))`) }],
    },
    {
      title: 'Request errors per second by model and code (endpoint picker)',
      series: [
        { legend: '{{model_name}} {{error_code}}', query: union(pickerNames((m) => m.requestErrors), (name) => `sum by (model_name, error_code) (rate(${name}${pickers}[${RATE_WINDOW}]))`) },
      ],
    },
    { title: 'Time to first token (s)', series: quantiles(serverNames((m) => m.timeToFirstToken), servers, 'top_level_controller_name') },
    { title: 'Inter-token latency (s)', series: quantiles(serverNames((m) => m.interTokenLatency), servers, 'top_level_controller_name') },
    {
      title: 'Queue depth per model server',
      series: [{ legend: '{{pod}}', query: union(serverNames((m) => m.queuedRequests), (name) => `max by (pod) (${name}${servers})`) }],
    },
    {
      title: 'KV-cache use per model server (1 = full)',
      series: [{ legend: '{{pod}}', query: union(serverNames((m) => m.kvCacheUsage), (name) => `max by (pod) (${name}${servers})`) }],
    },
    {
      title: 'Running and waiting requests per pool',
      series: [
        { legend: 'running {{top_level_controller_name}}', query: union(serverNames((m) => m.runningRequests), (name) => `sum by (top_level_controller_name) (${name}${servers})`) },
        { legend: 'waiting {{top_level_controller_name}}', query: union(serverNames((m) => m.queuedRequests), (name) => `sum by (top_level_controller_name) (${name}${servers})`) },
      ],
    },
    {
      title: 'LoRA adapters loaded (running_lora_adapters) per model server',
      series: [{ legend: '{{pod}}: {{running_lora_adapters}}', query: union(serverNames((m) => m.loraInfo), (name) => `max by (pod, running_lora_adapters) (${name}${servers})`) }],
    },
    {
      title: 'Endpoint picker scheduling latency (s)',
      series: quantiles(pickerNames((m) => m.schedulingLatency), `{${scope}}`, 'pod'),
      note: 'The v0.3.0 endpoint picker exports no scheduling latency; this chart fills only for the GA profile.',
    },
    {
      title: 'Ready model servers per InferencePool (endpoint picker)',
      series: [{ legend: '{{name}}', query: union(pickerNames((m) => m.readyEndpoints), (name) => `max by (name) (${name}${pickers})`) }],
    },
    {
      title: 'HTTP 5xx share of model server responses',
      series: [
        {
          legend: '{{top_level_controller_name}}',
          query: union(
            serverNames((m) => m.httpRequests),
            (name) => `sum by (top_level_controller_name) (rate(${name}{${servers.slice(1, -1)},status="5xx"}[${RATE_WINDOW}])) / sum by (top_level_controller_name) (rate(${name}${servers}[${RATE_WINDOW}]))`,
          ),
        },
      ],
    },
  ];

  const queries: ObservabilityModel['queries'][number][] = [];
  const WIDTH = 24;
  const HEIGHT = 16;
  const tiles = widgets.map((widget, index): Record<string, unknown> => {
    const series = widget.series.filter((item): item is { legend: string; query: string } => item.query !== undefined);
    const position = { xPos: (index % 2) * WIDTH, yPos: Math.floor(index / 2) * HEIGHT, width: WIDTH, height: HEIGHT };
    if (series.length === 0) {
      return { ...position, widget: { title: widget.title, text: { content: widget.note ?? 'No series for the running profile.', format: 'MARKDOWN' } } };
    }
    for (const item of series) queries.push({ where: `dashboard: ${widget.title}`, query: item.query, vllmVersions, profiles });
    return {
      ...position,
      widget: {
        title: widget.title,
        xyChart: {
          dataSets: series.map((item) => ({ timeSeriesQuery: { prometheusQuery: item.query }, plotType: 'LINE', legendTemplate: item.legend })),
          chartOptions: { mode: 'COLOR' },
        },
      },
    };
  });
  const dashboard = {
    displayName: `Inference Gateway ${spec.cluster.name}/${spec.namespace}`,
    mosaicLayout: { columns: 2 * WIDTH, tiles },
    labels: { 'inference-gateway': '' },
  };

  const alerts: AlertDefinition[] = [];
  const thresholds = spec.monitoring.alerts;
  if (thresholds.enabled) {
    // Readiness comes from the picker of the profile the spec names (during a migration both pickers watch
    // the same pods). A picker that is not scraped cannot tell, and absent() would then always fire.
    const readyStacks = pools.map((pool) => pool.stacks.find((stack) => stack.profile === current) ?? pool.stacks[pool.stacks.length - 1]);
    const pickersScraped = spec.monitoring.metricsReader;
    if (pickersScraped) {
      const parts = readyStacks.map((stack) => {
        const name = stack.contract.endpointPicker.readyEndpoints;
        const selector = `{${scope},name=${quote(stack.inferencePoolName)}}`;
        return `max by (name) (${name}${selector}) < 1 or absent(${name}${selector})`;
      });
      alerts.push({
        key: 'no-ready-model-server',
        displayName: `Inference Gateway ${spec.cluster.name}/${spec.namespace}: a pool has no Ready model server`,
        documentation:
          'An InferencePool has had no Ready model server pod (or its endpoint picker reports none) for the configured time. The Gateway answers 503 for its models. Check the model server Deployment, its GPU node pool and the endpoint picker.',
        severity: 'CRITICAL',
        condition: { displayName: 'No Ready model server in an InferencePool', query: parts.join(' or '), durationSeconds: thresholds.noReadyMinutes * 60 },
      });
    }
    if (spec.monitoring.modelServers) {
      alerts.push({
        key: 'queue-backlog',
        displayName: `Inference Gateway ${spec.cluster.name}/${spec.namespace}: model server queue above ${thresholds.queueDepth}`,
        documentation: `A vLLM model server has held more than ${thresholds.queueDepth} waiting requests for ${thresholds.queueMinutes} minutes: the pool is saturated. Add replicas (or GPUs) or shed lower-criticality traffic.`,
        severity: 'WARNING',
        condition: {
          displayName: `Waiting requests above ${thresholds.queueDepth}`,
          query: union(serverNames((m) => m.queuedRequests), (name) => `max by (top_level_controller_name, pod) (${name}${servers}) > ${thresholds.queueDepth}`) as string,
          durationSeconds: thresholds.queueMinutes * 60,
        },
      });
      alerts.push({
        key: 'http-5xx-ratio',
        displayName: `Inference Gateway ${spec.cluster.name}/${spec.namespace}: 5xx above ${thresholds.errorRatio * 100}% of responses`,
        documentation: `More than ${thresholds.errorRatio * 100}% of a pool's HTTP responses from vLLM have been 5xx for ${thresholds.errorMinutes} minutes. Check the model server logs.`,
        severity: 'ERROR',
        condition: {
          displayName: `5xx ratio above ${thresholds.errorRatio}`,
          query: union(
            serverNames((m) => m.httpRequests),
            (name) =>
              `sum by (top_level_controller_name) (rate(${name}{${servers.slice(1, -1)},status="5xx"}[${RATE_WINDOW}])) / sum by (top_level_controller_name) (rate(${name}${servers}[${RATE_WINDOW}])) > ${thresholds.errorRatio}`,
          ) as string,
          durationSeconds: thresholds.errorMinutes * 60,
        },
      });
    }
    for (const alert of alerts) queries.push({ where: `alert: ${alert.key}`, query: alert.condition.query, vllmVersions, profiles });
  }
  return { dashboard, alerts, queries };
}
