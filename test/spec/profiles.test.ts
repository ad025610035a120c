/**
 * resolveSpec for the two profiles (v0.3.0, the guide's; llm-d-v0.10.0, the GA API) and the migration
 * between them: their defaults, and the rules that refuse a spec, each with its field path and message.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { maxLoraRank, parseSpec, poolMetrics, resolveSpec, SpecError, syncerConfig, vllmVersion } from '../../spec';
import { specIssues } from './helpers';

const GA = { version: 'llm-d-v0.10.0' };
const MIGRATION = { version: 'llm-d-v0.10.0', migration: { from: 'v0.3.0', trafficPercent: 50 } };
const GUIDE_POOL = 'vllm-llama3-8b-instruct';
const DNS_LABEL = 'must be a DNS label (lower-case letters, digits and "-", starting with a letter)';
const MODEL_NAME_HINT = 'a model name of letters, digits and "._:/@+-", starting and ending with a letter or digit';
const HF_REPO_HINT = 'a Hugging Face repository id such as org/name (letters, digits, "_", "." and "-"; no "--" or "..")';
const IMAGE_HINT = 'a container image reference such as registry/name:tag (lower-case name, tag of letters, digits, "_", "." and "-")';
const PATH_HINT = 'an absolute path such as /v1 or /: segments of letters, digits, ".", "_", "~" and "-", no "." or ".." segment, no "//"';

describe('rules never reason from a field that failed its own check', () => {
  test('a traffic split above 100 is one error, not a crash of the rules that derive the two stacks', () => {
    expect(specIssues({ inferenceExtension: { ...MIGRATION, migration: { from: 'v0.3.0', trafficPercent: 150 } }, pools: [{ name: 'p', inferencePoolName: 'p-ga' }] })).toEqual([
      'inferenceExtension.migration.trafficPercent: must be an integer from 0 to 100, got 150',
    ]);
  });

  test('a migration without trafficPercent is one error', () => {
    expect(specIssues({ inferenceExtension: { version: 'llm-d-v0.10.0', migration: { from: 'v0.3.0' } }, pools: [{ name: 'p', inferencePoolName: 'p-ga' }] })).toEqual([
      "inferenceExtension.migration.trafficPercent: is required (Percent of requests sent to this profile's InferencePools)",
    ]);
  });

  test('during a migration, a pool whose name and inferencePoolName are both invalid gets one error for each, not a crash', () => {
    expect(specIssues({ inferenceExtension: MIGRATION, pools: [{ name: 'Bad_Name', inferencePoolName: 'Bad_Name' }] })).toEqual([
      `pools[0].name: ${DNS_LABEL}, got "Bad_Name"`,
      `pools[0].inferencePoolName: ${DNS_LABEL}, got "Bad_Name"`,
    ]);
  });

  test('during a migration, a pool without a name gets exactly one error', () => {
    expect(specIssues({ inferenceExtension: MIGRATION, pools: [{ modelServer: { replicas: 1 } }] })).toEqual([
      'pools[0].name: is required (Model server Deployment and app label name (and the InferencePool name by default))',
    ]);
  });

  test('an unknown migration source is one error: inferencePoolName is not asked for on its account', () => {
    expect(specIssues({ inferenceExtension: { ...MIGRATION, migration: { from: 'v9', trafficPercent: 50 } } })).toEqual([
      'inferenceExtension.migration.from: must be one of v0.3.0, llm-d-v0.10.0; got "v9"',
    ]);
  });

  test('an unknown target profile during a migration is one error', () => {
    expect(specIssues({ inferenceExtension: { ...MIGRATION, version: 'v7' } })).toEqual([
      'inferenceExtension.version: must be one of v0.3.0, llm-d-v0.10.0; got "v7"',
    ]);
  });

  test('a base model that fails its format is one error: the InferenceModel serving it is not reported as unserved', () => {
    expect(specIssues({ pools: [{ name: 'p', modelServer: { baseModel: 'Qwen/Qwen2.5-7B-Instruct ' }, models: [{ name: 'base', modelName: 'Qwen/Qwen2.5-7B-Instruct', criticality: 'Critical' }] }] })).toEqual([
      'pools[0].modelServer.baseModel: must be a Hugging Face repository id such as org/name (letters, digits, "_", "." and "-"; no "--" or ".."), got "Qwen/Qwen2.5-7B-Instruct "',
    ]);
  });

  test('an adapter id that fails its format is one error: the InferenceModel naming the adapter is not reported as unserved', () => {
    const models = [{ name: 'base', modelName: 'Qwen/Qwen2.5-7B-Instruct', criticality: 'Critical' }, { name: 'sql', modelName: 'sql', criticality: 'Standard', targetModels: [{ name: 'sql' }] }];
    expect(specIssues({ pools: [{ name: 'p', modelServer: { baseModel: 'Qwen/Qwen2.5-7B-Instruct' }, adapters: { models: [{ id: 'sql$(x)', source: 'org/sql' }] }, models }] })).toEqual([
      'pools[0].adapters.models[0].id: must be a model name of letters, digits and "._:/@+-", starting and ending with a letter or digit, got "sql$(x)"',
    ]);
  });

  test('targetModels that are not a list are one error: the model name is not then reported as unserved, nor its adapter as unrouted', () => {
    expect(specIssues({ pools: [{ name: GUIDE_POOL, models: [{ name: 'food-review', modelName: 'food', criticality: 'Standard', targetModels: 'food-review' }, { name: 'base', modelName: 'meta-llama/Llama-3.1-8B-Instruct', criticality: 'Critical' }, { name: 'cad-fabricator', modelName: 'cad-fabricator', criticality: 'Standard' }] }] })).toEqual([
      'pools[0].models[0].targetModels: must be a list, got "food-review"',
    ]);
  });
});

describe("the GA profile's defaults", () => {
  const spec = resolveSpec({ inferenceExtension: GA });
  const [pool] = spec.pools;

  test('the endpoint picker is ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.10.0, 2 replicas, requesting 1 CPU and 2 GiB', () => {
    expect(pool.endpointPicker).toEqual({ replicas: 2, image: 'ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.10.0', resources: { cpu: '1', memory: '2Gi' } });
  });

  test("the model server runs llm-d-router v0.10.0's vLLM, vllm/vllm-openai:v0.21.0", () => {
    expect(pool.modelServer.image).toBe('vllm/vllm-openai:v0.21.0');
    expect(vllmVersion(pool)).toBe('0.21.0');
  });

  test("the guide pool keeps the guide's adapters, InferenceModel names and lora-syncer", () => {
    expect(pool.adapters.models.map((adapter) => adapter.id)).toEqual(['food-review', 'cad-fabricator']);
    expect(pool.models.map((model) => model.name)).toEqual(['food-review', 'llama3-base-model', 'cad-fabricator']);
    expect(pool.adapters.syncerImage).toBe('registry.k8s.io/gateway-api-inference-extension/lora-syncer:v1.0.2');
  });

  test('cluster.version defaults to 1.34.0-gke.1626000, the first GKE that installs InferencePool v1 itself (the guide: 1.32.3)', () => {
    expect(spec.cluster.version).toBe('1.34.0-gke.1626000');
    expect(resolveSpec({}).cluster.version).toBe('1.32.3');
    expect(resolveSpec({ inferenceExtension: MIGRATION, pools: [{ name: GUIDE_POOL, inferencePoolName: `${GUIDE_POOL}-ga` }] }).cluster.version).toBe('1.34.0-gke.1626000');
  });

  test('an explicit older cluster.version is refused', () => {
    expect(specIssues({ inferenceExtension: GA, cluster: { version: '1.33.5-gke.1200' } })).toEqual([
      'cluster.version: must be at least 1.34.0-gke.1626000 (the first GKE version that installs InferencePool v1 itself), got 1.33.5-gke.1200',
    ]);
  });

  test('an explicit newer cluster.version is kept', () => {
    expect(resolveSpec({ inferenceExtension: GA, cluster: { version: '1.34.1-gke.1829001' } }).cluster.version).toBe('1.34.1-gke.1829001');
  });

  test('an endpoint picker of another release is refused', () => {
    expect(specIssues({ inferenceExtension: GA, pools: [{ name: GUIDE_POOL, endpointPicker: { image: 'registry.k8s.io/gateway-api-inference-extension/epp:v0.3.0' } }] })).toEqual([
      'pools[0].endpointPicker.image: must be tagged v0.10.0 to match inferenceExtension.version llm-d-v0.10.0 (the CRDs it watches), got v0.3.0',
    ]);
  });
});

describe('the vLLM release of a pool', () => {
  const poolWith = (modelServer: Record<string, unknown>, document: Record<string, unknown> = {}) => resolveSpec({ ...document, pools: [{ name: 'p', modelServer }] }).pools[0];

  test.each([
    ['vllm/vllm-openai:v0.9.2', '0.9.2'],
    ['us-docker.pkg.dev/my-project/mirror/vllm-openai:v0.10.1', '0.10.1'],
    ['vllm/vllm-openai:v0.8.5.post1', '0.8.5'],
    [`vllm/vllm-openai:v0.11.0@sha256:${'a'.repeat(64)}`, '0.11.0'],
  ])('is read from the image tag of %s: %s', (image, version) => {
    expect(vllmVersion(poolWith({ image }))).toBe(version);
  });

  test('must be stated for an image whose tag does not name it', () => {
    expect(specIssues({ pools: [{ name: 'p', modelServer: { image: 'us-docker.pkg.dev/my-project/images/vllm:custom-3' } }] })).toEqual([
      "pools[0].modelServer.vllmVersion: is required for image us-docker.pkg.dev/my-project/images/vllm:custom-3: its tag does not say which vLLM release it is (vllm-openai:vX.Y.Z), and the endpoint picker's metric names depend on it",
    ]);
  });

  test('is taken from vllmVersion for such an image', () => {
    expect(vllmVersion(poolWith({ image: 'us-docker.pkg.dev/my-project/images/vllm:custom-3', vllmVersion: '0.9.1' }))).toBe('0.9.1');
  });

  test('must match the image tag when both say', () => {
    expect(specIssues({ pools: [{ name: 'p', modelServer: { image: 'vllm/vllm-openai:v0.9.2', vllmVersion: '0.9.1' } }] })).toEqual([
      "pools[0].modelServer.vllmVersion: must match the image's tag (0.9.2) or be left out, got 0.9.1",
    ]);
  });

  test('picks the KV-cache metric name: vllm:gpu_cache_usage_perc before 0.10, vllm:kv_cache_usage_perc from 0.10', () => {
    expect(poolMetrics(poolWith({ image: 'vllm/vllm-openai:v0.9.2' })).kvCacheUsage).toBe('vllm:gpu_cache_usage_perc');
    expect(poolMetrics(poolWith({ image: 'vllm/vllm-openai:v0.10.0' })).kvCacheUsage).toBe('vllm:kv_cache_usage_perc');
  });
});

describe('--max-lora-rank', () => {
  const GUIDE_ADAPTERS = [
    { id: 'food-review', source: 'Kawon/llama3.1-food-finetune_v14_r8', rank: 8 },
    { id: 'cad-fabricator', source: 'redcathode/fabricator' },
  ];
  const guideWith = (pool: Record<string, unknown>) => ({ pools: [{ name: GUIDE_POOL, ...pool }] });

  test("is vLLM's default 16 for the guide's adapters (rank 8 and one undeclared): never below 16", () => {
    expect(maxLoraRank(resolveSpec({}).pools[0])).toBe(16);
  });

  test('is 32 with a rank-20 adapter: the smallest value vLLM accepts that covers it', () => {
    const adapters = { models: [...GUIDE_ADAPTERS, { id: 'wide', source: 'org/wide-lora', rank: 20 }] };
    const models = [...resolveSpec({}).pools[0].models, { name: 'wide', modelName: 'wide', criticality: 'Standard' }];
    expect(maxLoraRank(resolveSpec(guideWith({ adapters, models })).pools[0])).toBe(32);
  });

  test('is the explicit value when it covers every declared rank', () => {
    expect(maxLoraRank(resolveSpec(guideWith({ modelServer: { maxLoraRank: 8 } })).pools[0])).toBe(8);
  });

  test('an explicit 8 with a rank-16 adapter is refused, naming the values that would do', () => {
    const adapters = { models: [{ ...GUIDE_ADAPTERS[0], rank: 16 }, GUIDE_ADAPTERS[1]] };
    expect(specIssues(guideWith({ modelServer: { maxLoraRank: 8 }, adapters }))).toEqual([
      'pools[0].adapters.models[0].rank: exceeds modelServer.maxLoraRank (8); vLLM refuses to load an adapter of rank 16; raise maxLoraRank to one of 16, 32, 64, 128, 256, 320, 512',
    ]);
  });

  test('a value vLLM does not accept is refused', () => {
    expect(specIssues(guideWith({ modelServer: { maxLoraRank: 24 } }))).toEqual(['pools[0].modelServer.maxLoraRank: must be one of 8, 16, 32, 64, 128, 256, 320, 512, got 24']);
  });
});

describe('adapters to unload', () => {
  const GUIDE_MODELS = resolveSpec({}).pools[0].models;
  const unloading = (unload: readonly unknown[], models: readonly unknown[] = GUIDE_MODELS.slice(0, 2)) => ({
    pools: [{ name: GUIDE_POOL, adapters: { models: [{ id: 'food-review', source: 'Kawon/llama3.1-food-finetune_v14_r8', rank: 8 }], unload }, models }],
  });
  const CAD = { id: 'cad-fabricator', source: 'redcathode/fabricator' };

  test("go to the lora-syncer's ensureNotExist", () => {
    const [pool] = resolveSpec(unloading([CAD])).pools;
    expect(syncerConfig(pool)).toEqual({
      vLLMLoRAConfig: {
        name: 'vllm-llama3.1-8b-instruct',
        port: 8000,
        defaultBaseModel: 'meta-llama/Llama-3.1-8B-Instruct',
        ensureExist: { models: [{ id: 'food-review', source: 'Kawon/llama3.1-food-finetune_v14_r8' }] },
        ensureNotExist: { models: [CAD] },
      },
    });
  });

  test('an adapter both kept and unloaded is refused', () => {
    expect(specIssues(unloading([{ id: 'food-review', source: 'Kawon/llama3.1-food-finetune_v14_r8' }]))).toEqual([
      'pools[0].adapters.unload[0].id: is also under adapters.models; the syncer would neither load nor unload it; keep it in one list, got food-review',
    ]);
  });

  test('an InferenceModel serving an unloaded adapter is refused', () => {
    expect(specIssues(unloading([CAD], GUIDE_MODELS))).toEqual(['pools[0].models[2].modelName: is listed under adapters.unload, got cad-fabricator']);
  });

  test('a target model that is an unloaded adapter is refused', () => {
    const models = [...GUIDE_MODELS.slice(0, 2), { name: 'cad', modelName: 'cad', criticality: 'Standard', targetModels: [{ name: 'cad-fabricator' }] }];
    expect(specIssues(unloading([CAD], models))).toEqual(['pools[0].models[2].targetModels[0].name: is listed under adapters.unload, got cad-fabricator']);
  });

  test('an adapter listed twice for unloading is refused', () => {
    expect(specIssues(unloading([CAD, CAD]))).toEqual([
      'pools[0].adapters.unload[1].id: duplicates pools[0].adapters.unload[0].id: each adapter id to unload must be unique, got cad-fabricator',
    ]);
  });
});

describe('a loaded adapter without an InferenceModel', () => {
  const document = (extension: Record<string, unknown>) => ({
    inferenceExtension: extension,
    pools: [
      {
        name: 'p',
        ...(extension.migration === undefined ? {} : { inferencePoolName: 'p-ga' }),
        modelServer: { baseModel: 'Qwen/Qwen2.5-7B-Instruct' },
        adapters: { models: [{ id: 'sql', source: 'org/sql-lora' }] },
      },
    ],
  });
  const refusal = 'pools[0].adapters.models[0].id: is loaded but no InferenceModel routes to it, and the v0.3.0 endpoint picker refuses model names without one: add one under models (modelName sql) or move the adapter to adapters.unload, got sql';

  test('is refused with v0.3.0, whose picker refuses model names without one', () => {
    expect(specIssues(document({ version: 'v0.3.0' }))).toEqual([refusal]);
  });

  test('is refused during the migration, while the v0.3.0 picker still serves', () => {
    expect(specIssues(document(MIGRATION))).toEqual([refusal]);
  });

  test('is accepted with the GA profile, whose picker passes any model name to vLLM', () => {
    expect(resolveSpec(document(GA)).pools[0].adapters.models).toEqual([{ id: 'sql', source: 'org/sql-lora' }]);
  });

  test('is refused with the GA profile when its pool shares the route prefix: the HTTPRoute has a rule only for the model names under models', () => {
    const shared = { ...document(GA), cluster: { gpuPool: { maxNodes: 6 } } };
    shared.pools = [...shared.pools, { name: 'q', modelServer: { baseModel: 'google/gemma-2-9b-it' }, adapters: { models: [] } }];
    expect(specIssues(shared)).toEqual([
      'pools[0].adapters.models[0].id: is loaded but no entry under models routes to it, and this pool shares gateway.route.pathPrefix, where the HTTPRoute matches only those model names: add one under models (modelName sql) or move the adapter to adapters.unload, got sql',
    ]);
  });
});

describe("a hfTokenSecret naming a Secret the manifests create", () => {
  test('the v0.3.0 metrics reader token Secret is refused', () => {
    expect(specIssues({ pools: [{ name: GUIDE_POOL, modelServer: { hfTokenSecret: 'inference-gateway-sa-metrics-reader-secret' } }] })).toEqual([
      "pools[0].modelServer.hfTokenSecret: names the metrics reader's token Secret, which the synthesized manifests create (and the monitoring collector may read); choose another name, got inference-gateway-sa-metrics-reader-secret",
    ]);
  });

  test("the GA pool's metrics reader token Secret is refused", () => {
    expect(specIssues({ inferenceExtension: GA, pools: [{ name: GUIDE_POOL, modelServer: { hfTokenSecret: `${GUIDE_POOL}-metrics-reader-secret` } }] })).toEqual([
      `pools[0].modelServer.hfTokenSecret: names the metrics reader token Secret of InferencePool ${GUIDE_POOL}, which the synthesized manifests create (and the monitoring collector may read); choose another name, got ${GUIDE_POOL}-metrics-reader-secret`,
    ]);
  });

  test('is accepted when monitoring is off and no such Secret is written', () => {
    const spec = resolveSpec({ monitoring: { metricsReader: false }, pools: [{ name: GUIDE_POOL, modelServer: { hfTokenSecret: 'inference-gateway-sa-metrics-reader-secret' } }] });
    expect(spec.pools[0].modelServer.hfTokenSecret).toBe('inference-gateway-sa-metrics-reader-secret');
  });
});

describe('endpoint picker requests and the system pool', () => {
  const chartRequests = { cpu: '8', memory: '8Gi' };

  test("the chart's 8 CPUs and 8 GiB do not fit one e2-standard-4 node and are refused", () => {
    expect(specIssues({ inferenceExtension: GA, pools: [{ name: GUIDE_POOL, endpointPicker: { resources: chartRequests } }] })).toEqual([
      "pools[0].endpointPicker.resources: 8 CPU and 8Gi do not fit one e2-standard-4 node of the system pool (about 3.42 CPU and 12.3 GiB allocatable after GKE's reservations and system pods); lower the requests or choose a larger cluster.systemPool.machineType",
    ]);
  });

  test('they fit one e2-standard-16 node and are accepted', () => {
    const spec = resolveSpec({ inferenceExtension: GA, cluster: { systemPool: { machineType: 'e2-standard-16' } }, pools: [{ name: GUIDE_POOL, endpointPicker: { resources: chartRequests } }] });
    expect(spec.pools[0].endpointPicker.resources).toEqual(chartRequests);
  });
});

describe('spec/deployment-spec.schema.json', () => {
  const schema = JSON.parse(readFileSync(join(__dirname, '..', '..', 'spec', 'deployment-spec.schema.json'), 'utf8'));
  const gpuPool = schema.properties.cluster.properties.gpuPool.properties;

  test('allows acceleratorCount 1, 2, 4, 8 or 16 (a2-megagpu-16g) only, 1 by default, with machine type a3-highgpu-1g', () => {
    expect(gpuPool.acceleratorCount.enum).toEqual([1, 2, 4, 8, 16]);
    expect(gpuPool.machineType.enum).toEqual(expect.arrayContaining(['g2-standard-24', 'a3-ultragpu-8g', 'a4-highgpu-8g']));
    expect(gpuPool.acceleratorCount.default).toBe(1);
    expect(gpuPool.machineType.default).toBe('a3-highgpu-1g');
  });

  test('allows the --max-lora-rank values vLLM accepts, with no fixed default (it is derived from the adapters)', () => {
    const maxLoraRankField = schema.properties.pools.items.properties.modelServer.properties.maxLoraRank;
    expect(maxLoraRankField.enum).toEqual([8, 16, 32, 64, 128, 256, 320, 512]);
    expect(maxLoraRankField.default).toBeUndefined();
  });

  test("lists both profiles, the guide's by default, and a migration's from and trafficPercent as required", () => {
    const extension = schema.properties.inferenceExtension.properties;
    expect(extension.version.enum).toEqual(['v0.3.0', 'llm-d-v0.10.0']);
    expect(extension.version.default).toBe('v0.3.0');
    expect(extension.migration.required).toEqual(['from', 'trafficPercent']);
  });
});

describe('one round of errors', () => {
  test('a field error and a cross-field error are reported together', () => {
    expect(specIssues({ namespace: 'Serving', pools: [{ name: GUIDE_POOL, modelServer: { maxLoras: 20 } }] })).toEqual([
      `namespace: ${DNS_LABEL}, got "Serving"`,
      'pools[0].modelServer.maxLoras: must be <= maxCpuLoras (12), got 20',
    ]);
  });

  test.each([
    ['v0.3.0', { version: 'v0.3.0' }],
    ['llm-d-v0.10.0', GA],
  ])('with %s, a pool without a name gets exactly one error', (_version, extension) => {
    expect(specIssues({ inferenceExtension: extension, pools: [{ modelServer: { replicas: 1 } }] })).toEqual([
      'pools[0].name: is required (Model server Deployment and app label name (and the InferencePool name by default))',
    ]);
  });

  test('a field that failed its own check is not reported again by a rule (maxLoras against maxCpuLoras)', () => {
    expect(specIssues({ pools: [{ name: GUIDE_POOL, modelServer: { maxLoras: 'two', maxCpuLoras: 1 } }] })).toEqual([
      'pools[0].modelServer.maxLoras: must be an integer from 1 to 256, got "two"',
    ]);
  });

  test('a cluster.version that is not a version is one error with the GA profile, not also "too old"', () => {
    expect(specIssues({ inferenceExtension: GA, cluster: { version: 'latest' } })).toEqual([
      'cluster.version: must be a GKE version such as 1.32.3 or 1.32.3-gke.1785000, got "latest"',
    ]);
  });
});

describe('__proto__ and constructor in a YAML spec', () => {
  const ALLOWED = 'namespace, inferenceExtension, cluster, gateway, pools, monitoring';

  test.each([
    ['__proto__: {namespace: llm}\n', `__proto__: unknown field; allowed: ${ALLOWED}`],
    ['constructor: {}\n', `constructor: unknown field; allowed: ${ALLOWED}`],
    ['pools:\n  - name: p\n    __proto__: {name: q}\n', 'pools[0].__proto__: unknown field; allowed: name, inferencePoolName, routePathPrefix, modelServer, adapters, endpointPicker, healthCheck, backendTimeoutSeconds, models'],
  ])('%j is reported as an unknown field', (text, line) => {
    expect(() => parseSpec(text, 'spec.yaml')).toThrow(`spec.yaml: 1 problem in the deployment spec\n  ${line}`);
  });

  test('and leaves Object.prototype alone', () => {
    expect(() => parseSpec('__proto__: {polluted: true}\n')).toThrow(SpecError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("a pool named like the guide's that serves another base model", () => {
  const [pool] = resolveSpec({ pools: [{ name: GUIDE_POOL, modelServer: { baseModel: 'Qwen/Qwen2.5-7B-Instruct' } }] }).pools;

  test("does not get the guide's Llama adapters", () => {
    expect(pool.adapters.models).toEqual([]);
    expect(pool.adapters.configMapName).toBe(`${GUIDE_POOL}-adapters`);
  });

  test('gets one InferenceModel for its own base model', () => {
    expect(pool.models).toEqual([{ name: `${GUIDE_POOL}-base-model`, modelName: 'Qwen/Qwen2.5-7B-Instruct', criticality: 'Critical' }]);
  });
});

describe('strict string formats: values that leave the spec for a command line, a YAML file, a header or a shell', () => {
  const QWEN = 'Qwen/Qwen2.5-7B-Instruct';
  /** A valid one-pool document; `set` writes the value under test into it. */
  const FIELDS: readonly { path: string; valid: string; hint: string; set: (value: string) => Record<string, unknown> }[] = [
    { path: 'pools[0].modelServer.baseModel', valid: QWEN, hint: HF_REPO_HINT, set: (value) => pool({ modelServer: { baseModel: value } }) },
    { path: 'pools[0].adapters.models[0].id', valid: 'sql', hint: MODEL_NAME_HINT, set: (value) => pool({ adapters: { models: [{ id: value, source: 'org/sql' }] } }) },
    { path: 'pools[0].adapters.models[0].source', valid: 'org/sql', hint: HF_REPO_HINT, set: (value) => pool({ adapters: { models: [{ id: 'sql', source: value }] } }) },
    { path: 'pools[0].adapters.unload[0].id', valid: 'old', hint: MODEL_NAME_HINT, set: (value) => pool({ adapters: { unload: [{ id: value, source: 'org/old' }] } }) },
    { path: 'pools[0].adapters.unload[0].source', valid: 'org/old', hint: HF_REPO_HINT, set: (value) => pool({ adapters: { unload: [{ id: 'old', source: value }] } }) },
    { path: 'pools[0].models[0].modelName', valid: 'sql', hint: MODEL_NAME_HINT, set: (value) => pool({ models: [{ name: 'sql', modelName: value, criticality: 'Standard', targetModels: [{ name: 'sql' }] }] }) },
    { path: 'pools[0].models[0].targetModels[0].name', valid: 'sql', hint: MODEL_NAME_HINT, set: (value) => pool({ models: [{ name: 'sql', modelName: 'sql', criticality: 'Standard', targetModels: [{ name: value }] }] }) },
    { path: 'pools[0].modelServer.image', valid: 'vllm/vllm-openai:v0.8.5', hint: IMAGE_HINT, set: (value) => pool({ modelServer: { image: value, vllmVersion: '0.8.5' } }) },
    { path: 'pools[0].endpointPicker.image', valid: 'example.com/epp:v0.3.0', hint: IMAGE_HINT, set: (value) => pool({ endpointPicker: { image: value } }) },
    { path: 'gateway.route.pathPrefix', valid: '/openai', hint: PATH_HINT, set: (value) => ({ ...pool({}), gateway: { route: { pathPrefix: value } } }) },
    { path: 'pools[0].routePathPrefix', valid: '/qwen', hint: PATH_HINT, set: (value) => pool({ routePathPrefix: value }) },
    { path: 'pools[0].healthCheck.path', valid: '/health', hint: PATH_HINT, set: (value) => pool({ healthCheck: { path: value } }) },
  ];
  /** Each family of hostile strings, as a change to a valid value. */
  const FAMILIES: readonly [string, (valid: string) => string][] = [
    ['a leading "-" (an injected flag)', (valid) => `-${valid}`],
    ['"$(" (Kubernetes expands $(VAR) in args)', (valid) => `${valid}$(HOME)`],
    ['a double quote', (valid) => `${valid}"`],
    ['a single quote', (valid) => `${valid}'`],
    ['a space', (valid) => `${valid} x`],
    ['a non-ASCII letter', (valid) => `${valid}é`],
    ['a Cyrillic look-alike letter', (valid) => valid.replace(/[aceops]/, (letter) => CYRILLIC_LOOK_ALIKES[letter])],
    ['a trailing newline', (valid) => `${valid}\n`],
    ['a control character', (valid) => `${valid}\u0007`],
    ['a right-to-left override', (valid) => `${valid}\u202e`],
  ];

  const CYRILLIC_LOOK_ALIKES: Record<string, string> = { a: '\u0430', c: '\u0441', e: '\u0435', o: '\u043e', p: '\u0440', s: '\u0455' };

  function pool(changes: Record<string, unknown>): Record<string, unknown> {
    const { modelServer = {}, adapters = {}, ...rest } = changes as { modelServer?: object; adapters?: object };
    return {
      pools: [
        {
          name: 'p',
          modelServer: { baseModel: QWEN, ...modelServer },
          adapters: { models: [{ id: 'sql', source: 'org/sql' }], unload: [{ id: 'old', source: 'org/old' }], ...adapters },
          models: [{ name: 'sql', modelName: 'sql', criticality: 'Standard' }],
          ...rest,
        },
      ],
    };
  }

  test.each(FIELDS.map((field) => [field.path, field] as const))('the valid value of %s is accepted', (_path, field) => {
    expect(() => resolveSpec(field.set(field.valid))).not.toThrow();
  });

  test.each(FIELDS.flatMap((field) => FAMILIES.map(([family, change]) => [field.path, family, field, change] as const)))('%s with %s is refused with its field path', (path, _family, field, change) => {
    const value = change(field.valid);
    expect(value).not.toBe(field.valid);
    expect(specIssues(field.set(value))).toEqual([`${path}: must be ${field.hint}, got ${JSON.stringify(value)}`]);
  });
});

describe("names the body-based router's objects take", () => {
  const TWO_POOLS = { cluster: { gpuPool: { maxNodes: 6 } } };
  const QWEN_POOL = { name: 'q', modelServer: { baseModel: 'Qwen/Qwen2.5-7B-Instruct' } };
  const REFUSAL = "bbr-healthcheck is the body-based router's HealthCheckPolicy, and an InferencePool's HealthCheckPolicy takes the InferencePool's name; choose another name";

  test('a v0.3.0 pool named bbr-healthcheck is refused: its HealthCheckPolicy would replace the router\'s', () => {
    expect(specIssues({ ...TWO_POOLS, pools: [{ name: 'bbr-healthcheck' }, QWEN_POOL] })).toEqual([`pools[0].name: ${REFUSAL}`]);
  });

  test('a GA inferencePoolName bbr-healthcheck is refused', () => {
    expect(specIssues({ ...TWO_POOLS, inferenceExtension: GA, pools: [{ name: 'a', inferencePoolName: 'bbr-healthcheck' }, QWEN_POOL] })).toEqual([`pools[0].inferencePoolName: ${REFUSAL}`]);
  });

  test('a pool named body-based-router is refused: it would share the router\'s Deployment', () => {
    expect(specIssues({ ...TWO_POOLS, pools: [{ name: 'body-based-router' }, QWEN_POOL] })).toEqual([
      "pools[0].name: body-based-router is the body-based router's Deployment; choose another pool name",
    ]);
  });
});
