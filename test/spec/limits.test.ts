/**
 * Lists over their limits are refused in one line each (their items are not checked one by one), and no
 * rule trips over the list it then cannot read.
 */
import { resolveSpec, SpecError } from '../../spec';

const many = <T>(count: number, item: (i: number) => T): T[] => Array.from({ length: count }, (_, i) => item(i));
const model = (i: number) => ({ name: `m${i}`, modelName: `m${i}`, criticality: 'Standard', targetModels: [{ name: 'meta-llama/Llama-3.1-8B-Instruct' }] });

function issues(document: unknown): string[] {
  try {
    resolveSpec(document, 'limits');
  } catch (error) {
    expect(error).toBeInstanceOf(SpecError);
    return (error as SpecError).issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
  throw new Error('the spec was accepted');
}

test.each([
  ['101 pools', { pools: many(101, (i) => ({ name: `p${i}`, routePathPrefix: `/p${i}` })) }, 'pools: must have at most 100 items, got 101'],
  ['1,001 models in one pool', { pools: [{ name: 'p', models: many(1001, model) }] }, 'pools[0].models: must have at most 1000 items, got 1001'],
  ['1,001 adapters in one pool', { pools: [{ name: 'p', adapters: { models: many(1001, (i) => ({ id: `a${i}`, source: `o/a${i}` })) } }] }, 'pools[0].adapters.models: must have at most 1000 items, got 1001'],
  ['1,001 adapters to unload', { pools: [{ name: 'p', adapters: { unload: many(1001, (i) => ({ id: `a${i}`, source: `o/a${i}` })) } }] }, 'pools[0].adapters.unload: must have at most 1000 items, got 1001'],
  ['11 target models', { pools: [{ name: 'p', models: [{ ...model(0), targetModels: many(11, () => ({ name: 'meta-llama/Llama-3.1-8B-Instruct' })) }] }] }, 'pools[0].models[0].targetModels: must have at most 10 items, got 11'],
])('%s', (_name, document, line) => {
  expect(issues(document)).toEqual([line]);
});

test('1,001 models in all, over several pools, name the total', () => {
  const document = { cluster: { gpuPool: { maxNodes: 60 } }, pools: many(3, (p) => ({ name: `p${p}`, routePathPrefix: `/p${p}`, models: many(p === 2 ? 1 : 500, (i) => ({ ...model(i), name: `p${p}-m${i}` })) })) };
  expect(issues(document)).toEqual(['pools: hold 1001 models in all (under pools[].models); at most 1000 are allowed: split the deployment over several specs']);
});
