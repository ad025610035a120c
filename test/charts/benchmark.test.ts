/**
 * `npm run benchmark`: per pool, an inference-perf Job, a round-robin Service over exactly the model
 * server pods, and a workload that targets the Gateway; all of it validates together with the deployment
 * it benchmarks; it writes under synth's ownership rules and never into synth's output.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { main } from '../../charts-gen/benchmark-command';
import { synthesize } from '../../charts-gen/main';
import { BENCHMARK_FILE, BENCHMARK_LABEL, buildBenchmarkApp, GOODPUT_SLO, INFERENCE_PERF_IMAGE, QPS_STAGES } from '../../charts-gen/benchmark';
import { renderCharts } from '../../charts-gen/app';
import { resolveSpec, type DeploymentSpec } from '../../spec';
import { lines, schemas, synthObjects } from '../validate/helpers';
import { validateWithSchemas } from '../../validate';
import { findAll, findObject, selects, synthApp, type K8sObject } from './helpers';
import { runMain, snapshot } from '../safety/helpers';

const POOL = 'vllm-llama3-8b-instruct';
const work = mkdtempSync(join(tmpdir(), 'igw-benchmark-'));

const run = (args: string[], env: NodeJS.ProcessEnv = {}) => runMain(main, args, { env });

const benchmarkObjects = (spec: DeploymentSpec): K8sObject[] => renderCharts(buildBenchmarkApp(spec, '/nonexistent')).flatMap((chart) => chart.objects as K8sObject[]);

/** inference-perf v0.6.1's Config fields and data types (inference_perf/config/config.py, datagen/config.py). */
const INFERENCE_PERF_KEYS = ['api', 'data', 'load', 'metrics', 'report', 'storage', 'server', 'tokenizer', 'circuit_breakers'];
const DATA_TYPES = ['mock', 'shareGPT', 'synthetic', 'random', 'shared_prefix', 'cnn_dailymail', 'infinity_instruct', 'billsum_conversations'];

describe.each([
  ['default', resolveSpec({}, 'default')],
  ['GA', resolveSpec({ inferenceExtension: { version: 'llm-d-v0.10.0' } }, 'GA')],
])('the %s spec', (_name, spec) => {
  const deployment = synthApp(spec);
  const objects = benchmarkObjects(spec);
  const job = findObject(objects, 'Job', `${POOL}-benchmark`);
  const container = job.spec.template.spec.containers[0];
  const env = Object.fromEntries(container.env.filter((variable: { value?: string }) => variable.value !== undefined).map((variable: { name: string; value: string }) => [variable.name, variable.value]));

  test('the round-robin Service selects exactly the model server pods, on the port vLLM listens on', () => {
    const service = findObject(objects, 'Service', `${POOL}-round-robin`);
    const templates = findAll(deployment, 'Deployment').filter((d) => selects(service.spec.selector, d.spec.template.metadata.labels));
    expect(templates.map((d) => d.metadata.name)).toEqual([POOL]);
    const vllm = templates[0].spec.template.spec.containers.find((c: K8sObject) => c.name === 'vllm');
    const port = vllm.ports.find((p: { name: string }) => p.name === service.spec.ports[0].targetPort);
    expect(service.spec.ports[0].port).toBe(port.containerPort);
    expect(env.ROUND_ROBIN_URL).toBe(`http://${POOL}-round-robin.default.svc:${port.containerPort}`);
  });

  test('the gateway run targets the Gateway the deployment makes, on its listener, and may read only that Gateway', () => {
    const gateway = findObject(deployment, 'Gateway', spec.gateway.name);
    expect([env.GATEWAY_NAME, env.GATEWAY_PORT, env.NAMESPACE]).toEqual([gateway.metadata.name, String(gateway.spec.listeners[0].port), gateway.metadata.namespace]);
    expect(findObject(objects, 'Role', `${POOL}-benchmark`).rules).toEqual([{ apiGroups: ['gateway.networking.k8s.io'], resources: ['gateways'], resourceNames: [gateway.metadata.name], verbs: ['get'] }]);
    expect(container.command[2]).toContain('--server.base_url "$url"');
  });

  test('both workloads run against both targets with the same QPS sweep and goodput SLO', () => {
    const config = findObject(objects, 'ConfigMap', `${POOL}-benchmark`).data;
    expect(Object.keys(config).sort()).toEqual(['gateway-address.py', 'shared-prefix.yaml', 'sharegpt.yaml']);
    for (const file of ['sharegpt.yaml', 'shared-prefix.yaml']) {
      const parsed = parse(config[file]);
      expect(Object.keys(parsed).filter((key) => !INFERENCE_PERF_KEYS.includes(key))).toEqual([]);
      expect(DATA_TYPES).toContain(parsed.data.type);
      expect(parsed.load.stages.map((stage: { rate: number }) => stage.rate)).toEqual([...QPS_STAGES]);
      expect(parsed.report.goodput.constraints).toEqual(GOODPUT_SLO);
      expect(parsed.api).toEqual({ type: 'chat', streaming: true });
      // No base URL in the file: each run names its target, so the two runs cannot differ in anything else.
      expect(parsed.server.base_url).toBeUndefined();
      expect(parsed.server.model_name).toBe('meta-llama/Llama-3.1-8B-Instruct');
    }
    expect(container.command[2]).toMatch(/for workload in sharegpt shared-prefix; do\n\s+for target in round-robin gateway; do/);
  });

  test('the inference-perf image is pinned to a release tag', () => {
    expect(container.image).toBe(INFERENCE_PERF_IMAGE);
    expect(INFERENCE_PERF_IMAGE).toMatch(/:v\d+\.\d+\.\d+$/);
  });

  test('every object carries the benchmark label, so one kubectl delete -l removes them all', () => {
    expect(objects.map((object) => `${object.kind}:${object.metadata.labels?.[BENCHMARK_LABEL]}`)).toEqual(objects.map((object) => `${object.kind}:${POOL}`));
  });

  test('with the deployment it benchmarks, every object validates', () => {
    const sourced = [...synthObjects(spec), ...objects.map((object) => ({ file: BENCHMARK_FILE, object: structuredClone(object) }))];
    expect(lines(validateWithSchemas(sourced, schemas, { spec }))).toEqual([]);
  });
});

describe('npm run benchmark -- --out DIR', () => {
  test('writes benchmark.k8s.yaml with the Job, the round-robin Service and the Gateway workload, then leaves it unchanged', () => {
    const dir = join(work, 'bench');
    expect(run(['--out', dir])).toMatchObject({ code: 0, err: [] });
    const kinds = parseAllDocuments(readFileSync(join(dir, BENCHMARK_FILE), 'utf8')).map((doc) => doc.toJS().kind);
    expect(kinds.sort()).toEqual(['ConfigMap', 'Job', 'Role', 'RoleBinding', 'Service', 'ServiceAccount']);
    expect(run(['--out', dir]).out[0]).toBe(`unchanged ${dir}/${BENCHMARK_FILE}`);
  });

  test("refuses synth's output directory and writes nothing there", () => {
    const dist = join(work, 'dist');
    synthesize(resolveSpec({}, 'defaults'), dist);
    const before = snapshot(dist);
    const result = run(['--out', dist]);
    expect(result.code).toBe(1);
    expect(result.err[0]).toMatch(/holds synth's manifests/);
    expect(() => readFileSync(join(dist, BENCHMARK_FILE))).toThrow();
    expect(snapshot(dist)).toEqual(before);
  });

  test("keeps its own record, so a synth into the same directory leaves the benchmark's file alone", () => {
    const dir = join(work, 'shared');
    expect(run(['--out', dir]).code).toBe(0);
    const before = readFileSync(join(dir, BENCHMARK_FILE), 'utf8');
    synthesize(resolveSpec({}, 'defaults'), dir);
    expect(readFileSync(join(dir, BENCHMARK_FILE), 'utf8')).toBe(before);
  });

  test('never overwrites a benchmark.k8s.yaml it did not write', () => {
    const other = join(work, 'other');
    mkdirSync(other);
    writeFileSync(join(other, BENCHMARK_FILE), 'kind: List\n');
    const result = run(['--out', other]);
    expect(result.code).toBe(1);
    expect(readFileSync(join(other, BENCHMARK_FILE), 'utf8')).toBe('kind: List\n');
  });

  test('under npm run benchmark, a relative --out is where npm was run from (INIT_CWD), as for synth', () => {
    expect(run(['--out', 'from-init-cwd'], { INIT_CWD: work, npm_lifecycle_event: 'benchmark' }).code).toBe(0);
    expect(readFileSync(join(work, 'from-init-cwd', BENCHMARK_FILE), 'utf8')).toContain('kind: Job');
  });

  test('without --out it is a usage error (exit 2): the benchmark never goes to dist/', () => {
    expect(run([])).toMatchObject({ code: 2 });
  });

  test('a pool with no model served under one name by both targets is refused, naming the field', () => {
    const specFile = join(work, 'no-model.yaml');
    writeFileSync(specFile, 'pools:\n  - name: solo\n    models:\n      - { name: chat, modelName: chat, criticality: Critical, targetModels: [ { name: google/gemma-2-9b-it } ] }\n    modelServer: { baseModel: google/gemma-2-9b-it }\n');
    const result = run(['--out', join(work, 'none'), specFile]);
    expect(result.code).toBe(1);
    expect(result.err[0]).toMatch(/^pools\[0\]\.models: /);
  });
});
