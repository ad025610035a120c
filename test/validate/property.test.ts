/**
 * Random deployment specs either fail in the spec module with a clean, located error, or synthesize
 * manifests the validator reports clean: the spec's rules and the manifests' rules must agree.
 */
import fc from 'fast-check';
import { resolveSpec, SpecError, type DeploymentSpec } from '../../spec';
import { lines, synthObjects, validate } from './helpers';

const BASE_MODELS = ['meta-llama/Llama-3.1-8B-Instruct', 'Qwen/Qwen2.5-7B-Instruct'];
const ADAPTERS = ['food-review', 'cad-fabricator', 'sql-lora'];

/** Mostly valid values, now and then an invalid one, so both outcomes are exercised. */
function mostly<T>(valid: fc.Arbitrary<T>, invalid: T): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: fc.constant(invalid), weight: 1 });
}

const name = mostly(fc.constantFrom('vllm-llama3-8b-instruct', 'alpha', 'beta-pool', 'gamma'), 'Bad_Name');

const targetModels = fc.option(
  fc.tuple(fc.uniqueArray(mostly(fc.constantFrom(...ADAPTERS), 'unknown-target'), { minLength: 1, maxLength: 3 }), fc.boolean()).map(([names, weighted]) =>
    names.map((target, i) => (weighted ? { name: target, weight: 10 * (i + 1) } : { name: target })),
  ),
  { nil: undefined, freq: 2 },
);

function pool(poolName: string, index: number) {
  return fc
    .record({
      replicas: mostly(fc.integer({ min: 0, max: 3 }), -1),
      port: mostly(fc.constantFrom(8000, 8080, 8001), 70000),
      baseModel: fc.constantFrom(...BASE_MODELS),
      maxLoras: fc.integer({ min: 1, max: 4 }),
      maxCpuLoras: fc.integer({ min: 3, max: 16 }),
      adapters: fc.constant(ADAPTERS).chain((all) => fc.subarray(all)),
      models: fc.array(
        fc.record({
          modelName: mostly(fc.constantFrom('client-facing-name'), 'not-served'),
          criticality: mostly(fc.constantFrom('Critical', 'Standard', 'Sheddable'), 'Urgent'),
          targetModels,
        }),
        { maxLength: 3 },
      ),
    })
    .map((p) => ({
      name: poolName,
      ...(index > 0 ? { routePathPrefix: `/${poolName}` } : {}),
      modelServer: { replicas: p.replicas, port: p.port, baseModel: p.baseModel, maxLoras: p.maxLoras, maxCpuLoras: p.maxCpuLoras },
      adapters: { models: p.adapters.map((id) => ({ id, source: `example/${id}` })) },
      models: [
        ...p.models.map((m, i) => ({
          name: `${poolName.toLowerCase().replace(/_/g, '-')}-m${i}`,
          // Without targetModels the name clients send must itself be served: use the base model.
          modelName: m.modelName === 'not-served' ? m.modelName : m.targetModels ? `${m.modelName}-${i}` : i === 0 ? p.baseModel : 'not-served',
          criticality: m.criticality,
          ...(m.targetModels ? { targetModels: m.targetModels.map((t) => (t.weight === undefined ? { name: t.name } : t)) } : {}),
        })),
        // The v0.3.0 picker refuses a model without an InferenceModel: every loaded adapter gets one.
        ...p.adapters.map((id) => ({ name: `${poolName.toLowerCase().replace(/_/g, '-')}-${id}`, modelName: id, criticality: 'Standard' })),
      ],
    }));
}

const specDocument = fc
  .record({
    namespace: mostly(fc.constantFrom('default', 'llm', 'inference-prod'), 'Not-A-Namespace'),
    className: mostly(fc.constantFrom('gke-l7-regional-external-managed', 'gke-l7-rilb'), 'gke-l7-global-external-managed'),
    listenerPort: mostly(fc.constantFrom(80, 8080), 0),
    poolNames: fc.uniqueArray(name, { minLength: 1, maxLength: 3 }),
  })
  .chain((d) =>
    fc.tuple(...d.poolNames.map((n, i) => pool(n, i))).map((pools) => ({
      namespace: d.namespace,
      cluster: { gpuPool: { maxNodes: 40 } },
      gateway: { className: d.className, listenerPort: d.listenerPort },
      pools,
    })),
  );

test('random specs are rejected with located errors or synthesize manifests the validator passes', () => {
  let accepted = 0;
  fc.assert(
    fc.property(specDocument, (document) => {
      let spec: DeploymentSpec;
      try {
        spec = resolveSpec(document, 'random');
      } catch (error) {
        if (!(error instanceof SpecError)) throw error;
        if (process.env.SHOW_SPEC_ERRORS) console.log(error.message);
        for (const issue of error.issues) {
          expect(issue.path !== '' || issue.message.length > 0).toBe(true);
          expect(issue.message).not.toMatch(/\n\s+at |Error:/);
        }
        expect(error.issues.length).toBeGreaterThan(0);
        return;
      }
      accepted++;
      expect(lines(validate(synthObjects(spec), spec))).toEqual([]);
    }),
    { numRuns: 50, seed: 20250401 },
  );
  // The generator must reach the interesting branch, not only produce spec errors.
  expect(accepted).toBeGreaterThan(5);
});
