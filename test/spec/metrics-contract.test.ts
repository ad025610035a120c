/**
 * The metrics contract: every metric name a consumer reads (the endpoint picker's config and flags, the
 * dashboard, the alert policies, an HPA if one is synthesized) is one the running vLLM and picker export.
 * Consumers are read from what we emit (synthesized objects, the dashboard and alert queries), not from
 * the contract itself, so a consumer that hard-codes a name fails here.
 */
import { parse } from 'yaml';
import { observabilityModel } from '../../infra/observability-queries';
import {
  extensionRelease,
  metricsContract,
  metricsContractTable,
  pickerExports,
  poolStacks,
  promqlMetricNames,
  resolveSpec,
  unexportedNames,
  vllmExports,
  vllmVersion,
  EXTENSION_VERSIONS,
  type DeploymentSpec,
  type MetricType,
  type VllmMetricNames,
} from '../../spec';
import { findAll, findObject, synthApp, type K8sObject } from '../charts/helpers';

/** Two pools on two vLLM lines under one profile: each pool's consumers read its own names. */
const MIXED = resolveSpec(
  {
    cluster: { gpuPool: { maxNodes: 8 } },
    pools: [
      { name: 'old', modelServer: { baseModel: 'google/gemma-2-9b-it', replicas: 1 }, routePathPrefix: '/old' },
      { name: 'new', modelServer: { baseModel: 'google/gemma-2-9b-it', replicas: 1, image: 'vllm/vllm-openai:v0.21.0' }, routePathPrefix: '/new' },
    ],
  },
  'two vLLM lines',
);

const autoscaled = (version: string, metric: string): DeploymentSpec =>
  resolveSpec(
    { inferenceExtension: { version }, cluster: { gpuPool: { maxNodes: 4 } }, pools: [{ name: 'vllm-llama3-8b-instruct', autoscaling: { minReplicas: 1, maxReplicas: 3, metric } }] },
    `autoscaled ${version}`,
  );
const AUTOSCALED: [string, DeploymentSpec][] = [
  ['default, autoscaled on the KV cache (vLLM 0.8.5)', autoscaled('v0.3.0', 'kvCache')],
  ['GA, autoscaled on the KV cache (vLLM 0.21.0)', autoscaled('llm-d-v0.10.0', 'kvCache')],
];

const SPECS: [string, DeploymentSpec][] = [
  ...AUTOSCALED,
  ['two pools on vLLM 0.8.5 and 0.21.0', MIXED],
  ['default (v0.3.0, vLLM 0.8.5)', resolveSpec({}, 'default')],
  ['GA (llm-d v0.10.0, vLLM 0.21.0)', resolveSpec({ inferenceExtension: { version: 'llm-d-v0.10.0' } }, 'GA')],
  ['GA with a pinned vLLM 0.8.5', resolveSpec({ inferenceExtension: { version: 'llm-d-v0.10.0' }, pools: [{ name: 'vllm-llama3-8b-instruct', modelServer: { image: 'vllm/vllm-openai:v0.8.5' } }] }, 'GA old vLLM')],
  [
    'a migration from v0.3.0 to GA',
    resolveSpec({ inferenceExtension: { version: 'llm-d-v0.10.0', migration: { from: 'v0.3.0', trafficPercent: 10 } }, pools: [{ name: 'vllm-llama3-8b-instruct', inferencePoolName: 'vllm-llama3-8b-instruct-ga' }] }, 'migration'),
  ],
];

/** The v0.3.0 picker's metric flags (cmd/epp/main.go at v0.3.0) and the contract field each names. */
const V030_FLAGS: Record<string, keyof VllmMetricNames> = {
  '-totalQueuedRequestsMetric': 'queuedRequests',
  '-kvCacheUsagePercentageMetric': 'kvCacheUsage',
  '-loraInfoMetric': 'loraInfo',
};
/** The llm-d core-metrics-extractor's engine config keys and the contract field each names. */
const GA_SPECS: Record<string, keyof VllmMetricNames> = {
  queuedRequestsSpec: 'queuedRequests',
  runningRequestsSpec: 'runningRequests',
  kvUsageSpec: 'kvCacheUsage',
  loraSpec: 'loraInfo',
  cacheInfoSpec: 'cacheInfo',
};

/** The vLLM names a picker Deployment reads: its flags or config file, else its release's built-in names. */
function pickerReads(objects: readonly K8sObject[], inferencePoolName: string, profile: string): string[] {
  const release = extensionRelease(profile as never);
  const deployment = findObject(objects, 'Deployment', `${inferencePoolName}-epp`);
  const builtIn = release.endpointPickerMetricDefaults;
  if (release.api === 'v1alpha2') {
    const args: string[] = deployment.spec.template.spec.containers[0].args;
    return Object.entries(V030_FLAGS).map(([flag, field]) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : builtIn[field]));
  }
  const config = parse(findObject(objects, 'ConfigMap', `${inferencePoolName}-epp`).data['default-plugins.yaml']);
  const extractor = config.plugins.find((plugin: { type: string }) => plugin.type === 'core-metrics-extractor');
  const engine = extractor.parameters?.engineConfigs?.find((candidate: { name: string }) => candidate.name === 'vllm');
  return Object.entries(GA_SPECS).map(([key, field]) => engine?.[key] ?? builtIn[field]);
}

/** Metric names of every HPA's external or pods metrics. */
function hpaReads(objects: readonly K8sObject[]): string[] {
  return findAll(objects, 'HorizontalPodAutoscaler').flatMap((hpa) =>
    (hpa.spec.metrics ?? []).flatMap((metric: Record<string, { metric?: { name?: string } }>) => [metric.pods?.metric?.name, metric.external?.metric?.name].filter(Boolean) as string[]),
  );
}

/** GMP rewrites a PromQL name for an external metric as `prometheus.googleapis.com|<name>|<kind>`. */
const promName = (name: string): string => (name.includes('|') ? name.split('|')[1] : name);

describe.each(SPECS)('%s', (_name, spec) => {
  const objects = synthApp(spec);
  const vllmByPool = new Map(spec.pools.map((pool) => [pool.name, vllmExports(vllmVersion(pool) as string)]));
  const anyVllm = new Map<string, MetricType>(spec.pools.flatMap((pool) => [...(vllmByPool.get(pool.name) as Map<string, MetricType>)]));
  const stacks = spec.pools.flatMap((pool) => poolStacks(spec, pool).map((stack) => ({ pool, stack })));
  const anyPicker = new Map<string, MetricType>(stacks.flatMap(({ stack }) => [...pickerExports(stack.release.id as never)]));

  test('each endpoint picker reads names its pool’s vLLM exports', () => {
    for (const { pool, stack } of stacks) {
      expect(unexportedNames(pickerReads(objects, stack.inferencePoolName, stack.release.id), vllmByPool.get(pool.name) as Map<string, MetricType>)).toEqual([]);
    }
  });

  test('every dashboard and alert query reads only exported names', () => {
    const model = observabilityModel(spec);
    expect(model.queries.length).toBeGreaterThan(10);
    const exported = new Map([...anyVllm, ...anyPicker]);
    const missing = model.queries.flatMap((entry) => unexportedNames(promqlMetricNames(entry.query), exported).map((name) => `${entry.where}: ${name}`));
    expect(missing).toEqual([]);
  });

  test('an HPA, if synthesized, reads only exported names', () => {
    expect(unexportedNames(hpaReads(objects).map(promName), new Map([...anyVllm, ...anyPicker]))).toEqual([]);
  });
});

test.each(AUTOSCALED)('%s: the HPA reads the KV-cache name of the vLLM the pool runs', (_name, spec) => {
  const reads = hpaReads(synthApp(spec)).map(promName);
  expect(reads).toEqual([vllmVersion(spec.pools[0]) === '0.8.5' ? 'vllm:gpu_cache_usage_perc' : 'vllm:kv_cache_usage_perc']);
});

test('with two vLLM lines the dashboard reads both KV-cache names, one query per name joined with or', () => {
  const kv = observabilityModel(MIXED).queries.filter((entry) => entry.where.includes('KV-cache'));
  expect(kv.map((entry) => promqlMetricNames(entry.query).sort())).toEqual([['vllm:gpu_cache_usage_perc', 'vllm:kv_cache_usage_perc']]);
  expect(kv[0].query).toMatch(/\) or max by/);
});

test('every name of every profile’s contract is exported by that profile’s vLLM and picker', () => {
  for (const profile of EXTENSION_VERSIONS) {
    const contract = metricsContract(profile);
    // The contract names histograms by their base name, as the export tables do.
    const exported = new Set([...vllmExports(contract.vllmVersion).keys(), ...pickerExports(profile).keys()]);
    const names = [...Object.values(contract.modelServer), ...(Object.values(contract.endpointPicker).filter(Boolean) as string[])];
    expect(names.filter((name) => !exported.has(name))).toEqual([]);
  }
});

test('the contract follows the renames: 0.8.5 reads gpu_cache_usage_perc and time_per_output_token, 0.21 the new names', () => {
  expect([metricsContract('v0.3.0').modelServer.kvCacheUsage, metricsContract('v0.3.0').modelServer.interTokenLatency]).toEqual([
    'vllm:gpu_cache_usage_perc',
    'vllm:time_per_output_token_seconds',
  ]);
  expect([metricsContract('llm-d-v0.10.0').modelServer.kvCacheUsage, metricsContract('llm-d-v0.10.0').modelServer.interTokenLatency]).toEqual([
    'vllm:kv_cache_usage_perc',
    'vllm:inter_token_latency_seconds',
  ]);
  expect(metricsContract('llm-d-v0.10.0').endpointPicker.readyEndpoints).toMatch(/^llm_d_epp_/);
});

test('the checker refuses a name the running version does not export (the test above can fail)', () => {
  expect(unexportedNames(['vllm:gpu_cache_usage_perc'], vllmExports('0.21.0'))).toEqual(['vllm:gpu_cache_usage_perc']);
  expect(unexportedNames(['vllm:kv_cache_usage_perc'], vllmExports('0.8.5'))).toEqual(['vllm:kv_cache_usage_perc']);
  expect(unexportedNames(['inference_pool_ready_pods'], pickerExports('llm-d-v0.10.0'))).toEqual(['inference_pool_ready_pods']);
  // A histogram is read through its series, a gauge only by its own name.
  expect(unexportedNames(['vllm:time_to_first_token_seconds_bucket', 'vllm:num_requests_waiting_bucket'], vllmExports('0.21.0'))).toEqual(['vllm:num_requests_waiting_bucket']);
});

test('the PromQL name reader finds metric names and skips functions, labels and keywords', () => {
  expect(
    promqlMetricNames(
      'histogram_quantile(0.9, sum by (le, top_level_controller_name) (rate(vllm:time_to_first_token_seconds_bucket{cluster="c",namespace="n"}[5m]))) or max by (name) (llm_d_epp_ready_endpoints{name="p"}) < 1 or absent(inference_pool_ready_pods{name="p"})',
    ).sort(),
  ).toEqual(['inference_pool_ready_pods', 'llm_d_epp_ready_endpoints', 'vllm:time_to_first_token_seconds_bucket']);
});

test('npm run metrics prints the table for every profile, each with its own vLLM', () => {
  const table = metricsContractTable() as { profiles: Record<string, { vllmVersion: string; modelServer: { kvCacheUsage: string } }> };
  expect(Object.entries(table.profiles).map(([profile, entry]) => [profile, entry.vllmVersion, entry.modelServer.kvCacheUsage])).toEqual([
    ['v0.3.0', '0.8.5', 'vllm:gpu_cache_usage_perc'],
    ['llm-d-v0.10.0', '0.21.0', 'vllm:kv_cache_usage_perc'],
  ]);
});
