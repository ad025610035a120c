/**
 * Random deployment specs either fail in the spec module with a clean, located error, or synthesize
 * manifests the validator reports clean: the spec's rules and the manifests' rules must agree.
 *
 * The generator covers both profiles and the migration between them, pools with and without their own
 * path prefix (several without one turn on body-based routing), adapter ranks and `--max-lora-rank`,
 * adapters to unload, pools with many adapters (more HTTPRoute rules than one route holds), and now and
 * then one hostile string (a flag, `$(VAR)`, quotes, spaces, non-ASCII or control characters) in a field
 * that reaches a command line, a YAML file, a header or a path.
 */
import fc from 'fast-check';
import { MAX_RULES_PER_ROUTE, resolveSpec, SpecError, usesBodyBasedRouting, type DeploymentSpec } from '../../spec';
import { lines, synthObjects, validate } from './helpers';

const GA = 'llm-d-v0.10.0';
const BASE_MODELS = ['meta-llama/Llama-3.1-8B-Instruct', 'Qwen/Qwen2.5-7B-Instruct', 'google/gemma-2-9b-it'];
const ADAPTERS = ['food-review', 'cad-fabricator', 'sql-lora'];
const RETIRED = ['old-lora', 'older-lora'];

/** Mostly valid values, now and then an invalid one, so both outcomes are exercised. */
function mostly<T>(valid: fc.Arbitrary<T>, invalid: T): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: valid, weight: 20 }, { arbitrary: fc.constant(invalid), weight: 1 });
}

/** Now and then a value, mostly none. */
function rarely<T>(value: fc.Arbitrary<T>, weight = 5): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight }, { arbitrary: value, weight: 1 });
}

const name = mostly(fc.constantFrom('vllm-llama3-8b-instruct', 'alpha', 'beta-pool', 'gamma'), 'Bad_Name');

/** The profile, as `inferenceExtension`, and whether pools name a GA InferencePool of their own. */
const profile = fc.oneof(
  fc.record({ extension: fc.constant({ version: 'v0.3.0' }), inferencePoolNames: fc.constant(false) }),
  fc.record({ extension: fc.constant({ version: GA }), inferencePoolNames: fc.boolean() }),
  fc.record({
    extension: fc.integer({ min: 0, max: 100 }).map((trafficPercent) => ({ version: GA, migration: { from: 'v0.3.0', trafficPercent } })),
    // A migration needs them: now and then one is missing, and the spec must say so.
    inferencePoolNames: mostly(fc.constant(true), false),
  }),
);

function pool(poolName: string, withInferencePoolName: boolean) {
  const prefix = poolName.toLowerCase().replace(/_/g, '-');
  return fc
    .record({
      replicas: mostly(fc.integer({ min: 0, max: 3 }), -1),
      port: mostly(fc.constantFrom(8000, 8080, 8001), 70000),
      baseModel: fc.constantFrom(...BASE_MODELS),
      maxLoras: fc.integer({ min: 1, max: 4 }),
      maxCpuLoras: fc.integer({ min: 3, max: 16 }),
      // Mostly derived from the ranks; an explicit one below a declared rank is refused.
      maxLoraRank: rarely(fc.constantFrom(8, 16, 32, 64)),
      adapters: fc.subarray(ADAPTERS).chain((ids) =>
        fc.tuple(...ids.map((id) => fc.record({ id: fc.constant(`${prefix}-${id}`), rank: rarely(fc.constantFrom(4, 8, 16, 20, 64), 1) }))),
      ),
      // Sometimes a pool with many adapters: more model names than one HTTPRoute holds.
      many: fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.integer({ min: 10, max: 40 }), weight: 1 }),
      // Mostly adapters no longer loaded, now and then one still loaded (refused).
      unload: fc.tuple(fc.subarray(RETIRED), mostly(fc.constant(false), true)).map(([ids, stillLoaded]) => (stillLoaded ? [...ids, `${prefix}-${ADAPTERS[0]}`] : ids)),
      // Pools without a prefix of their own share `/`; two or more of them are routed by model name.
      ownPrefix: fc.boolean(),
      // The v0.3.0 picker refuses a model name without an InferenceModel; the GA picker does not.
      routeAdapters: mostly(fc.constant(true), false),
    })
    .chain((p) => {
      const loaded = p.adapters.map((adapter) => adapter.id);
      const targets = fc.tuple(fc.uniqueArray(mostly(fc.constantFrom(p.baseModel, ...loaded), 'unknown-target'), { minLength: 1, maxLength: 3 }), fc.boolean());
      const model = fc.record({ criticality: mostly(fc.constantFrom('Critical', 'Standard', 'Sheddable'), 'Urgent'), targets: fc.option(targets, { nil: undefined }) });
      return fc.array(model, { maxLength: 2 }).map((models) => ({ ...p, models }));
    })
    .map((p) => {
      const bulk = Array.from({ length: p.many }, (_, i) => `${prefix}-lora-${i}`);
      const adapters = [...p.adapters.map(({ id, rank }) => ({ id, source: `example/${id}`, ...(rank === undefined ? {} : { rank }) })), ...bulk.map((id) => ({ id, source: `example/${id}` }))];
      const routed = p.routeAdapters ? adapters.map((adapter) => adapter.id) : [];
      return {
        name: poolName,
        ...(withInferencePoolName ? { inferencePoolName: `${prefix}-ga` } : {}),
        ...(p.ownPrefix ? { routePathPrefix: `/${prefix}` } : {}),
        modelServer: {
          replicas: p.replicas,
          port: p.port,
          baseModel: p.baseModel,
          maxLoras: p.maxLoras,
          maxCpuLoras: p.maxCpuLoras,
          ...(p.maxLoraRank === undefined ? {} : { maxLoraRank: p.maxLoraRank }),
        },
        adapters: { models: adapters, unload: p.unload.map((id) => ({ id, source: `example/${id}` })) },
        models: [
          ...p.models.map((m, i) => ({
            name: `${prefix}-m${i}`,
            // Without targetModels the name clients send must itself be served: the base model, once.
            modelName: m.targets ? `${prefix}-client-${i}` : i === 0 ? p.baseModel : 'not-served',
            criticality: m.criticality,
            ...(m.targets ? { targetModels: m.targets[0].map((target, j) => (m.targets![1] ? { name: target, weight: 10 * (j + 1) } : { name: target })) } : {}),
          })),
          ...routed.map((id) => ({ name: id, modelName: id, criticality: 'Standard' })),
        ],
      };
    });
}

/** Families of strings no field that leaves the spec may hold, as changes to a valid value. */
const HOSTILE: readonly ((valid: string) => string)[] = [
  (valid) => `-${valid}`,
  (valid) => `${valid}$(HOME)`,
  (valid) => `${valid}"`,
  (valid) => `${valid}'`,
  (valid) => `${valid} --flag`,
  (valid) => `${valid}é`,
  (valid) => `${valid}\n`,
  (valid) => `${valid}\u0000`,
  (valid) => `${valid}\u202e`,
];

type Document = { gateway: Record<string, unknown>; pools: Record<string, any>[] }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Where a hostile string goes in the document, and the field path the spec must report. */
const HOSTILE_FIELDS: readonly [string, (document: Document, value: string) => void][] = [
  ['pools[0].modelServer.baseModel', (d, value) => void (d.pools[0].modelServer.baseModel = value)],
  ['pools[0].modelServer.image', (d, value) => void (d.pools[0].modelServer.image = value)],
  ['pools[0].adapters.models[0].id', (d, value) => void (d.pools[0].adapters.models = [{ id: value, source: 'example/x' }, ...d.pools[0].adapters.models])],
  ['pools[0].adapters.models[0].source', (d, value) => void (d.pools[0].adapters.models = [{ id: 'x', source: value }, ...d.pools[0].adapters.models])],
  ['pools[0].adapters.unload[0].id', (d, value) => void (d.pools[0].adapters.unload = [{ id: value, source: 'example/x' }, ...d.pools[0].adapters.unload])],
  ['pools[0].models[0].modelName', (d, value) => void (d.pools[0].models = [{ name: 'hostile', modelName: value, criticality: 'Standard' }, ...d.pools[0].models])],
  ['gateway.route.pathPrefix', (d, value) => void (d.gateway.route = { pathPrefix: value })],
  ['pools[0].healthCheck.path', (d, value) => void (d.pools[0].healthCheck = { path: value })],
];
const VALID_FOR_FAMILIES = ['Qwen/Qwen2.5-7B-Instruct', 'vllm/vllm-openai:v0.8.5', 'x', 'example/x', 'x', 'x', '/v1', '/health'];

const hostile = rarely(
  fc.tuple(fc.integer({ min: 0, max: HOSTILE_FIELDS.length - 1 }), fc.integer({ min: 0, max: HOSTILE.length - 1 })).map(([field, family]) => ({
    path: HOSTILE_FIELDS[field][0],
    apply: HOSTILE_FIELDS[field][1],
    value: HOSTILE[family](VALID_FOR_FAMILIES[field]),
  })),
  7,
);

const specDocument = fc
  .record({
    namespace: mostly(fc.constantFrom('default', 'llm', 'inference-prod'), 'Not-A-Namespace'),
    className: mostly(fc.constantFrom('gke-l7-regional-external-managed', 'gke-l7-rilb'), 'gke-l7-global-external-managed'),
    listenerPort: mostly(fc.constantFrom(80, 8080), 0),
    profile,
    poolNames: fc.uniqueArray(name, { minLength: 1, maxLength: 3 }),
    hostile,
  })
  .chain((d) =>
    fc.tuple(...d.poolNames.map((n) => pool(n, d.profile.inferencePoolNames))).map((pools) => {
      const document: Document & Record<string, unknown> = {
        namespace: d.namespace,
        inferenceExtension: d.profile.extension,
        cluster: { gpuPool: { maxNodes: 40 } },
        gateway: { className: d.className, listenerPort: d.listenerPort },
        pools,
      };
      d.hostile?.apply(document, d.hostile.value);
      return { document, hostile: d.hostile };
    }),
  );

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

test('random specs are rejected with located errors or synthesize manifests the validator passes', () => {
  const outcomes = { refused: 0, validated: 0, ga: 0, bodyRouted: 0, split: 0 };
  fc.assert(
    fc.property(specDocument, ({ document, hostile: injected }) => {
      let spec: DeploymentSpec;
      try {
        spec = resolveSpec(document, 'random');
      } catch (error) {
        if (!(error instanceof SpecError)) throw error;
        if (process.env.SHOW_SPEC_ERRORS) console.log(error.message);
        for (const issue of error.issues) {
          expect(issue.path !== '' || issue.message.length > 0).toBe(true);
          expect(issue.message).not.toMatch(/\n\s+at |Error:|Symbol\(/);
        }
        expect(error.issues.length).toBeGreaterThan(0);
        // A hostile string is refused at its own field, whatever else is wrong.
        if (injected) expect(error.issues.map((issue) => issue.path)).toContain(injected.path);
        outcomes.refused++;
        return;
      }
      expect(injected).toBeUndefined();
      const objects = synthObjects(spec);
      const routes = objects.map((entry) => entry.object as Json).filter((object) => object.kind === 'HTTPRoute');
      for (const route of routes) expect(route.spec.rules.length).toBeLessThanOrEqual(MAX_RULES_PER_ROUTE);
      if (routes.length > 1) outcomes.split++;
      if (usesBodyBasedRouting(spec)) outcomes.bodyRouted++;
      if (spec.inferenceExtension.version === GA) outcomes.ga++;
      expect(lines(validate(objects, spec))).toEqual([]);
      outcomes.validated++;
    }),
    { numRuns: 100, seed: 20250401 },
  );
  // The generator must reach every interesting branch, not only produce spec errors.
  expect(outcomes.refused).toBeGreaterThan(10);
  expect(outcomes.validated).toBeGreaterThan(5);
  expect(outcomes.ga).toBeGreaterThan(5);
  expect(outcomes.bodyRouted).toBeGreaterThan(3);
  expect(outcomes.split).toBeGreaterThan(0);
});
