/**
 * CEL verdicts remembered across runs (validate/cel-cache.ts): a verdict is computed once per rule and
 * value, and a run answered from the cache reports exactly what a run that evaluates every rule reports.
 */
import { verdictKey, VerdictCache, type Verdict } from '../../validate/cel-cache';
import { find, lines, synthObjects, validate } from './helpers';
import { validateWithSchemas } from '../../validate';
import { validatorSchemaTexts } from '../../validate/schema-bundle';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The guide's objects with the HealthCheckPolicy's portSpecification removed: three CEL rules then fail. */
function brokenObjects() {
  const objects = synthObjects();
  delete (find(objects, 'HealthCheckPolicy') as Json).spec.default.config.httpHealthCheck.portSpecification;
  return objects;
}

test('a verdict is computed once per key and then answered from the cache', () => {
  const cache = new VerdictCache();
  let computed = 0;
  const compute = (): Verdict => {
    computed++;
    return { kind: 'fail', message: 'rule is false' };
  };
  const key = verdictKey('crd v1', 'spec.rules[3]', 'self.x > 0', { x: 0 });
  expect(cache.verdict(key, compute)).toEqual({ kind: 'fail', message: 'rule is false' });
  expect(cache.verdict(key, compute)).toEqual({ kind: 'fail', message: 'rule is false' });
  expect(computed).toBe(1);
});

test('the key tells values, rules and CRDs apart, but not list positions (every item has one schema)', () => {
  const key = (crd: string, path: string, rule: string, value: unknown) => verdictKey(crd, path, rule, value);
  expect(key('a v1', 'spec.rules[0]', 'r', 1)).toBe(key('a v1', 'spec.rules[7]', 'r', 1));
  expect(key('a v1', 'spec.rules[0]', 'r', 1)).not.toBe(key('a v1', 'spec.rules[0]', 'r', 2));
  expect(key('a v1', 'spec.rules[0]', 'r', 1)).not.toBe(key('a v1', 'spec.rules[0]', 's', 1));
  expect(key('a v1', 'spec.rules[0]', 'r', 1)).not.toBe(key('b v1', 'spec.rules[0]', 'r', 1));
  expect(key('a v1', 'spec', 'r', { a: 1 })).not.toBe(key('a v1', 'status', 'r', { a: 1 }));
});

test('a run answered from remembered verdicts reports exactly what a run that evaluates every rule reports', () => {
  const schemas = validatorSchemaTexts();
  const fresh = new VerdictCache();
  const first = lines(validateWithSchemas(brokenObjects(), schemas, { verdicts: fresh }));
  expect(first.filter((line) => line.startsWith('HealthCheckPolicy/'))).toHaveLength(3);
  // The same cache again: every verdict is known, so none may be computed.
  let evaluated = 0;
  const counting = { verdict: (key: string, compute: () => Verdict) => fresh.verdict(key, () => { evaluated++; return compute(); }) } as VerdictCache;
  expect(lines(validateWithSchemas(brokenObjects(), schemas, { verdicts: counting }))).toEqual(first);
  expect(evaluated).toBe(0);
});

test('the validator without a cache of its own gives the same verdicts', () => {
  expect(lines(validate(brokenObjects()))).toEqual(lines(validateWithSchemas(brokenObjects(), validatorSchemaTexts(), { verdicts: new VerdictCache() })));
});
