/**
 * The zero-downtime migration from the guide (v0.3.0, InferencePool v1alpha2) to the GA profile
 * (llm-d-v0.10.0, InferencePool v1), step by step: (0) the guide; (1) both stacks over the same model
 * servers, 0 % of the traffic to the GA one; (2) 50 %; (3) 100 %; (4) the GA profile alone, keeping the
 * GA InferencePool's name. Moving traffic never restarts a model server; leaving the migration does.
 */
import { parse } from 'yaml';
import { resolveSpec, vllmMetrics, vllmVersionOfImage } from '../../spec';
import { specIssues } from '../spec/helpers';
import { findAll, findContainer, findObject, inventory, selects, synthApp, type K8sObject } from './helpers';

const POOL = 'vllm-llama3-8b-instruct';
const GA_POOL = `${POOL}-ga`;
const GA = 'llm-d-v0.10.0';
const migrating = (trafficPercent: number) => ({
  inferenceExtension: { version: GA, migration: { from: 'v0.3.0', trafficPercent } },
  pools: [{ name: POOL, inferencePoolName: GA_POOL }],
});
const STEPS = [
  {},
  migrating(0),
  migrating(50),
  migrating(100),
  { inferenceExtension: { version: GA }, pools: [{ name: POOL, inferencePoolName: GA_POOL }] },
];
const steps: K8sObject[][] = STEPS.map((document, step) => synthApp(resolveSpec(document, `step ${step}`)));
const MIGRATING = [1, 2, 3];

/** The GA picker's built-in engines (llm-d-router v0.10.0 extractor/metrics/factories.go defaultEngineConfigs, vllm only). */
const BUILT_IN_KV = { vllm: 'vllm:kv_cache_usage_perc' } as Record<string, string>;

/**
 * The KV-cache metric the v0.10.0 core metrics extractor reads for a pod with these labels: the engine
 * named by label `engineLabelKey` (default llm-d.ai/engine-type), else `defaultEngine` (default vllm)
 * (extractor.go getEngineTypeFromEndpoint, mapping_registry.go Get); configured entries replace built-in
 * ones of the same name, the rest stay (factories.go).
 */
function pickerKvCacheMetric(extractor: K8sObject, labels: Record<string, string>): string {
  const parameters = extractor.parameters ?? {};
  const engines: Record<string, string> = { ...BUILT_IN_KV };
  for (const entry of parameters.engineConfigs ?? []) engines[entry.name] = entry.kvUsageSpec;
  const labelled = labels[parameters.engineLabelKey ?? 'llm-d.ai/engine-type'];
  const engine = labelled !== undefined && labelled !== '' && engines[labelled] !== undefined ? labelled : (parameters.defaultEngine ?? 'vllm');
  return engines[engine];
}

const vllmPodTemplate = (step: number) => JSON.stringify(findObject(steps[step], 'Deployment', POOL).spec.template);
const gaPicker = (step: number) => findObject(steps[step], 'Deployment', `${GA_POOL}-epp`);
const gaPickerConfig = (step: number) => findObject(steps[step], 'ConfigMap', `${GA_POOL}-epp`).data['default-plugins.yaml'] as string;
const without = (objects: K8sObject[], kind: string) => objects.filter((object) => object.kind !== kind);

describe('during the migration (steps 1 to 3)', () => {
  test.each(MIGRATING)('step %i runs the v0.3.0 stack under the pool name and the GA stack under inferencePoolName', (step) => {
    const objects = steps[step];
    expect(findObject(objects, 'InferencePool', POOL).apiVersion).toBe('inference.networking.x-k8s.io/v1alpha2');
    expect(findObject(objects, 'InferencePool', GA_POOL).apiVersion).toBe('inference.networking.k8s.io/v1');
    // The body-based router tells the guide's models apart, so each gets its objective (priority) on the GA stack.
    expect(findAll(objects, 'Deployment').map((deployment) => deployment.metadata.name)).toEqual([POOL, `${POOL}-epp`, `${GA_POOL}-epp`, 'body-based-router']);
    expect(findAll(objects, 'InferenceModel').map((model) => model.spec.poolRef.name)).toEqual([POOL, POOL, POOL]);
    expect(findAll(objects, 'InferenceObjective').map((objective) => objective.spec.poolRef)).toEqual([
      { group: 'inference.networking.k8s.io', name: GA_POOL },
      { group: 'inference.networking.k8s.io', name: GA_POOL },
      { group: 'inference.networking.k8s.io', name: GA_POOL },
    ]);
  });

  test('each stack has its own policies and monitoring: ClusterPodMonitoring for the v0.3.0 picker, PodMonitoring for the GA one', () => {
    const names = (kind: string) => findAll(steps[2], kind).map((object) => object.metadata.name);
    expect(names('HealthCheckPolicy')).toEqual([POOL, GA_POOL, 'bbr-healthcheck']);
    expect(names('GCPBackendPolicy')).toEqual([POOL, GA_POOL]);
    expect(names('ClusterPodMonitoring')).toEqual([`default.${POOL}`]);
    // The model servers are shared, and so is their one PodMonitoring.
    expect(names('PodMonitoring')).toEqual([`${POOL}-vllm`, GA_POOL]);
    expect(names('Secret')).toEqual(['inference-gateway-sa-metrics-reader-secret', `${GA_POOL}-metrics-reader-secret`]);
  });

  test('both InferencePools select the same model server pods', () => {
    const podLabels = findObject(steps[2], 'Deployment', POOL).spec.template.metadata.labels;
    const v1alpha2 = findObject(steps[2], 'InferencePool', POOL).spec.selector;
    const v1 = findObject(steps[2], 'InferencePool', GA_POOL).spec.selector.matchLabels;
    expect(v1).toEqual(v1alpha2);
    expect([selects(v1alpha2, podLabels), selects(v1, podLabels)]).toEqual([true, true]);
  });

  test.each([
    [1, 0],
    [2, 50],
    [3, 100],
  ])('step %i: every HTTPRoute rule sends %i percent to the v1 InferencePool and the rest to the v1alpha2 one, setting each model its objective', (step, percent) => {
    const backendRefs = [
      { group: 'inference.networking.x-k8s.io', kind: 'InferencePool', name: POOL, weight: 100 - percent },
      { group: 'inference.networking.k8s.io', kind: 'InferencePool', name: GA_POOL, weight: percent },
    ];
    const byModel = (model: string, objective: string) => ({
      matches: [{ path: { type: 'PathPrefix', value: '/' }, headers: [{ type: 'Exact', name: 'X-Gateway-Model-Name', value: model }] }],
      filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-llm-d-inference-objective', value: objective }] } }],
      backendRefs,
    });
    expect(findObject(steps[step], 'HTTPRoute', 'my-route').spec.rules).toEqual([
      byModel('food-review', 'food-review'),
      byModel('meta-llama/Llama-3.1-8B-Instruct', 'llama3-base-model'),
      byModel('cad-fabricator', 'cad-fabricator'),
      {
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { remove: ['x-llm-d-inference-objective'] } }],
        backendRefs,
      },
    ]);
  });

  test('moving traffic (step 1 to 2 to 3) changes the HTTPRoute and nothing else', () => {
    expect(without(steps[2], 'HTTPRoute')).toEqual(without(steps[1], 'HTTPRoute'));
    expect(without(steps[3], 'HTTPRoute')).toEqual(without(steps[2], 'HTTPRoute'));
  });

  test.each(MIGRATING)("step %i keeps the v0.3.0 picker on epp:v0.3.0, without metric flags (vLLM v0.8.5's names are its defaults)", (step) => {
    const epp = findContainer(findObject(steps[step], 'Deployment', `${POOL}-epp`), 'epp');
    expect(epp.image).toBe('registry.k8s.io/gateway-api-inference-extension/epp:v0.3.0');
    expect(epp.args.filter((arg: string) => arg.endsWith('Metric'))).toEqual([]);
  });

  test.each(MIGRATING)('step %i tells the GA picker the metric names of the vLLM v0.8.5 that runs: vllm:gpu_cache_usage_perc', (step) => {
    const extractor = parse(gaPickerConfig(step)).plugins.find((plugin: K8sObject) => plugin.type === 'core-metrics-extractor');
    expect(extractor).toEqual({
      type: 'core-metrics-extractor',
      parameters: {
        engineConfigs: [
          {
            name: 'vllm',
            queuedRequestsSpec: 'vllm:num_requests_waiting',
            runningRequestsSpec: 'vllm:num_requests_running',
            kvUsageSpec: 'vllm:gpu_cache_usage_perc',
            loraSpec: 'vllm:lora_requests_info',
            cacheInfoSpec: 'vllm:cache_config_info',
          },
        ],
      },
    });
  });
});

describe('the model servers across the migration', () => {
  test('the vLLM pod template is byte-identical from the guide (step 0) to 100 % on the GA stack (step 3): no GPU pod restarts', () => {
    expect([1, 2, 3].map(vllmPodTemplate)).toEqual([vllmPodTemplate(0), vllmPodTemplate(0), vllmPodTemplate(0)]);
  });

  test("keep the guide's vllm/vllm-openai:v0.8.5 during the migration", () => {
    expect(findContainer(findObject(steps[3], 'Deployment', POOL), 'vllm').image).toBe('vllm/vllm-openai:v0.8.5');
  });

  test("leaving the migration (step 4) moves them to the GA profile's vllm/vllm-openai:v0.21.0, a new pod template", () => {
    expect(findContainer(findObject(steps[4], 'Deployment', POOL), 'vllm').image).toBe('vllm/vllm-openai:v0.21.0');
    expect(vllmPodTemplate(4)).not.toBe(vllmPodTemplate(3));
  });
});

describe('after the migration (step 4)', () => {
  test('only the GA stack is left, under the kept inferencePoolName', () => {
    expect(findAll(steps[4], 'InferencePool').map((pool) => `${pool.apiVersion} ${pool.metadata.name}`)).toEqual([`inference.networking.k8s.io/v1 ${GA_POOL}`]);
    expect(findAll(steps[4], 'Deployment').map((deployment) => deployment.metadata.name)).toEqual([POOL, `${GA_POOL}-epp`, 'body-based-router']);
    expect(findAll(steps[4], 'InferenceModel')).toEqual([]);
    expect(findAll(steps[4], 'ClusterPodMonitoring')).toEqual([]);
  });

  test('nothing is renamed: every object of step 4 is already in step 3 under its kind and name', () => {
    const before = new Set(inventory(steps[3]));
    expect(inventory(steps[4]).filter((object) => !before.has(object))).toEqual([]);
  });

  test('the HTTPRoute sends everything to the v1 InferencePool, without weights', () => {
    expect(findObject(steps[4], 'HTTPRoute', 'my-route').spec.rules[0].backendRefs).toEqual([
      { group: 'inference.networking.k8s.io', kind: 'InferencePool', name: GA_POOL },
    ]);
  });

  test('while vLLM rolls from v0.8.5 to v0.21.0 the GA picker reads every pod by the names it exports', () => {
    const config = parse(gaPickerConfig(4));
    const extractor = config.plugins.find((plugin: K8sObject) => plugin.type === 'core-metrics-extractor');
    // The pods of step 3 (vLLM v0.8.5) and of step 4 (v0.21.0) run side by side during the rolling update.
    const pods = [3, 4].map((step) => ({
      labels: findObject(steps[step], 'Deployment', POOL).spec.template.metadata.labels as Record<string, string>,
      image: findContainer(findObject(steps[step], 'Deployment', POOL), 'vllm').image as string,
    }));
    expect(pods.map((pod) => pod.image)).toEqual(['vllm/vllm-openai:v0.8.5', 'vllm/vllm-openai:v0.21.0']);
    const read = pods.map((pod) => pickerKvCacheMetric(extractor, pod.labels));
    expect(read).toEqual(['vllm:gpu_cache_usage_perc', 'vllm:kv_cache_usage_perc']);
    expect(read).toEqual(pods.map((pod) => vllmMetrics(vllmVersionOfImage(pod.image) as string).kvCacheUsage));
  });

  test('the label comes with the vLLM upgrade, so moving traffic (steps 1 to 3) never relabels a model server pod', () => {
    expect([0, 1, 2, 3].map((step) => findObject(steps[step], 'Deployment', POOL).spec.template.metadata.labels)).toEqual(Array(4).fill({ app: POOL }));
    expect(findObject(steps[4], 'Deployment', POOL).spec.template.metadata.labels).toEqual({ app: POOL, 'llm-d.ai/engine-type': 'vllm' });
    expect(findObject(steps[4], 'Deployment', POOL).spec.selector).toEqual({ matchLabels: { app: POOL } });
  });

  test("the GA picker's pod template changes with its config (the config sha) and in nothing else, so it restarts to read it", () => {
    const template = (step: number) => gaPicker(step).spec.template;
    expect(template(2)).toEqual(template(1));
    expect(template(3)).toEqual(template(2));
    expect(template(4).metadata.annotations['inference-gateway/config-sha256']).not.toBe(template(3).metadata.annotations['inference-gateway/config-sha256']);
    expect({ ...template(4), metadata: undefined }).toEqual({ ...template(3), metadata: undefined });
  });
});

describe('a migration the spec refuses', () => {
  test('without inferencePoolName: the two InferencePools would share a name', () => {
    expect(specIssues({ inferenceExtension: { version: GA, migration: { from: 'v0.3.0', trafficPercent: 10 } } })).toEqual([
      `pools[0].inferencePoolName: is required during a migration: the v0.3.0 InferencePool and picker keep the name ${POOL}, so the ${GA} ones need another (for example ${POOL}-ga); keep it after the migration so nothing is renamed`,
    ]);
  });

  test("with inferencePoolName equal to the pool's name", () => {
    expect(specIssues({ ...migrating(10), pools: [{ name: POOL, inferencePoolName: POOL }] })).toEqual([
      `pools[0].inferencePoolName: must differ from the pool's name during a migration (the v0.3.0 stack keeps ${POOL}), got ${POOL}`,
    ]);
  });

  test('from the profile it migrates to', () => {
    expect(specIssues({ ...migrating(10), inferenceExtension: { version: GA, migration: { from: GA, trafficPercent: 10 } } })).toEqual([
      `inferenceExtension.migration.from: must differ from inferenceExtension.version (${GA}): a migration moves from one profile to another`,
    ]);
  });

  test('back from the GA profile to the guide', () => {
    expect(specIssues({ inferenceExtension: { version: 'v0.3.0', migration: { from: GA, trafficPercent: 10 } }, pools: [{ name: POOL, inferencePoolName: GA_POOL }] })).toEqual([
      `inferenceExtension.migration.from: a migration from ${GA} to v0.3.0 is not supported; supported: v0.3.0 to ${GA}`,
    ]);
  });
});
