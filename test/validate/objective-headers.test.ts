/**
 * The validator on what the GA profile's route sets: each objective header must name an InferenceObjective
 * of the GA pool the rule sends to, or the picker runs those requests at priority 0 without a word.
 */
import { resolveSpec } from '../../spec';
import { find, lines, POOL, synthObjects, validate } from './helpers';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const GA_SPEC = resolveSpec({ inferenceExtension: { version: 'llm-d-v0.10.0' } }, 'GA');
const MIGRATION_SPEC = resolveSpec({ inferenceExtension: { version: 'llm-d-v0.10.0', migration: { from: 'v0.3.0', trafficPercent: 50 } }, pools: [{ name: POOL, inferencePoolName: `${POOL}-ga` }] }, 'migration');

test.each([
  ['GA', GA_SPEC],
  ['migration', MIGRATION_SPEC],
])('the %s output, objective headers and catch-all included, is reported clean', (_, spec) => {
  expect(lines(validate(synthObjects(spec), spec))).toEqual([]);
});

test('a rule naming an objective that does not exist is reported at the header value', () => {
  const objects = synthObjects(GA_SPEC);
  const route = find(objects, 'HTTPRoute', 'my-route') as Json;
  route.spec.rules[1].filters[0].requestHeaderModifier.set[0].value = 'llama3-base';
  expect(lines(validate(objects, GA_SPEC))).toEqual([
    `HTTPRoute/my-route: spec.rules[1].filters[0].requestHeaderModifier.set[0].value: sets x-llm-d-inference-objective to "llama3-base", but no InferenceObjective of that name refers to InferencePool "${POOL}" (backendRefs[0]): its picker runs these requests at priority 0`,
  ]);
});

test('an objective of another pool does not count', () => {
  const objects = synthObjects(GA_SPEC);
  (find(objects, 'InferenceObjective', 'llama3-base-model') as Json).spec.poolRef.name = 'elsewhere';
  expect(lines(validate(objects, GA_SPEC))).toContain(
    `HTTPRoute/my-route: spec.rules[1].filters[0].requestHeaderModifier.set[0].value: sets x-llm-d-inference-objective to "llama3-base-model", but no InferenceObjective of that name refers to InferencePool "${POOL}" (backendRefs[0]): its picker runs these requests at priority 0`,
  );
});

test("during a migration, an objective of the x-k8s pool named like the v1 pool does not count for the v1 pool", () => {
  const objects = synthObjects(MIGRATION_SPEC);
  const gaPool = `${POOL}-ga`;
  // An x-k8s pool that shares the v1 pool's name (both may exist: they are different kinds to the API server).
  const oldPool = structuredClone(objects.find((o) => (o.object as Json).kind === 'InferencePool' && (o.object as Json).apiVersion.startsWith('inference.networking.x-k8s.io/')) as { file: string; object: Json });
  oldPool.object.metadata.name = gaPool;
  objects.push(oldPool);
  (find(objects, 'InferenceObjective', 'llama3-base-model') as Json).spec.poolRef = { group: 'inference.networking.x-k8s.io', kind: 'InferencePool', name: gaPool };
  expect(lines(validate(objects, MIGRATION_SPEC))).toContain(
    `HTTPRoute/my-route: spec.rules[1].filters[0].requestHeaderModifier.set[0].value: sets x-llm-d-inference-objective to "llama3-base-model", but no InferenceObjective of that name refers to InferencePool "${gaPool}" (backendRefs[1]): its picker runs these requests at priority 0`,
  );
});
