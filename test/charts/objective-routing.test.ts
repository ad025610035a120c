/**
 * The GA picker reads a request's priority only from the InferenceObjective named by the
 * `x-llm-d-inference-objective` header (llm-d-router v0.10.0 requestcontrol/director.go; no header:
 * priority 0). The route must set it per model, so the guide's criticalities survive the move; and with
 * body-based routing a catch-all rule must answer requests that name no known model.
 */
import { resolveSpec } from '../../spec';
import { specIssues } from '../spec/helpers';
import { findAll, synthApp, type K8sObject } from './helpers';

const GA = { version: 'llm-d-v0.10.0' };
const OBJECTIVE = 'x-llm-d-inference-objective';
const MODEL_HEADER = 'X-Gateway-Model-Name';
/** The guide's criticalities as the GA picker's priorities (higher first, negative sheddable). */
const GUIDE_PRIORITY: Record<string, number> = { 'food-review': 0, 'llama3-base-model': 1, 'cad-fabricator': 0 };

const rules = (objects: K8sObject[]): K8sObject[] => findAll(objects, 'HTTPRoute').flatMap((route) => route.spec.rules);
const objectiveSet = (rule: K8sObject): string | undefined =>
  (rule.filters ?? []).find((filter: K8sObject) => filter.type === 'RequestHeaderModifier')?.requestHeaderModifier?.set?.find((header: K8sObject) => header.name === OBJECTIVE)?.value;
const modelMatched = (rule: K8sObject): string | undefined => rule.matches[0].headers?.find((header: K8sObject) => header.name === MODEL_HEADER)?.value;
const isCatchAll = (rule: K8sObject): boolean => rule.matches.every((match: K8sObject) => match.headers === undefined);

describe('the GA profile default spec', () => {
  const objects = synthApp(resolveSpec({ inferenceExtension: GA }, 'GA'));
  const objectives = findAll(objects, 'InferenceObjective');

  test('every InferenceObjective with a non-zero priority is named by some route rule', () => {
    const named = new Set(rules(objects).map(objectiveSet));
    const nonZero = objectives.filter((objective) => objective.spec.priority !== 0);
    expect(nonZero.map((objective) => objective.metadata.name)).toEqual(['llama3-base-model']);
    for (const objective of nonZero) expect(named).toContain(objective.metadata.name);
  });

  test('each model rule sets its own model objective, which exists with the guide priority', () => {
    const pairs = rules(objects)
      .filter((rule) => !isCatchAll(rule))
      .map((rule) => [modelMatched(rule), objectiveSet(rule)]);
    expect(pairs).toEqual([
      ['food-review', 'food-review'],
      ['meta-llama/Llama-3.1-8B-Instruct', 'llama3-base-model'],
      ['cad-fabricator', 'cad-fabricator'],
    ]);
    for (const [, name] of pairs) {
      const objective = objectives.find((candidate) => candidate.metadata.name === name);
      expect(objective?.spec.priority).toBe(GUIDE_PRIORITY[name as string]);
      expect(objective?.spec.poolRef.name).toBe('vllm-llama3-8b-instruct');
    }
  });

  test('the models of one URL differ in criticality, so the body-based router runs for the one pool', () => {
    expect(findAll(objects, 'GCPRoutingExtension')).toHaveLength(1);
  });

  test('the last rule is a catch-all that removes any objective a client sent (priority 0)', () => {
    const all = rules(objects);
    expect(all.filter(isCatchAll)).toEqual([all[all.length - 1]]);
    expect(all[all.length - 1].filters).toEqual([{ type: 'RequestHeaderModifier', requestHeaderModifier: { remove: [OBJECTIVE] } }]);
  });
});

describe('GA pools whose models share a criticality', () => {
  test('a single-model pool needs no router: one path rule sets its objective', () => {
    const objects = synthApp(resolveSpec({ inferenceExtension: GA, pools: [{ name: 'qwen', modelServer: { baseModel: 'Qwen/Qwen2.5-7B-Instruct' } }] }, 'one model'));
    expect(findAll(objects, 'GCPRoutingExtension')).toEqual([]);
    const only = rules(objects);
    expect(only).toHaveLength(1);
    expect(only[0].matches).toEqual([{ path: { type: 'PathPrefix', value: '/' } }]);
    expect(objectiveSet(only[0])).toBe('qwen-base-model');
    expect(findAll(objects, 'InferenceObjective').map((objective) => [objective.metadata.name, objective.spec.priority])).toEqual([['qwen-base-model', 1]]);
  });
});

describe('two GA pools behind one URL', () => {
  const objects = synthApp(
    resolveSpec(
      {
        inferenceExtension: GA,
        cluster: { gpuPool: { maxNodes: 6 } },
        pools: [
          { name: 'llama', modelServer: { baseModel: 'meta-llama/Llama-3.1-8B-Instruct' } },
          { name: 'qwen', modelServer: { baseModel: 'Qwen/Qwen2.5-7B-Instruct' } },
        ],
      },
      'two pools',
    ),
  );

  test('has exactly one catch-all rule, last, to the first pool', () => {
    const all = rules(objects);
    const catchAll = all.filter(isCatchAll);
    expect(catchAll).toHaveLength(1);
    expect(all[all.length - 1]).toBe(catchAll[0]);
    expect(catchAll[0].backendRefs).toEqual([{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'llama' }]);
  });

  test('each model rule names the objective of its own pool', () => {
    expect(rules(objects).filter((rule) => !isCatchAll(rule)).map((rule) => [modelMatched(rule), objectiveSet(rule), rule.backendRefs[0].name])).toEqual([
      ['meta-llama/Llama-3.1-8B-Instruct', 'llama-base-model', 'llama'],
      ['Qwen/Qwen2.5-7B-Instruct', 'qwen-base-model', 'qwen'],
    ]);
  });
});

describe('gateway.route.catchAllPool', () => {
  const TWO = {
    inferenceExtension: GA,
    cluster: { gpuPool: { maxNodes: 6 } },
    pools: [
      { name: 'llama', modelServer: { baseModel: 'meta-llama/Llama-3.1-8B-Instruct' } },
      { name: 'qwen', modelServer: { baseModel: 'Qwen/Qwen2.5-7B-Instruct' } },
    ],
  };

  test('names the pool the catch-all rule sends to', () => {
    const objects = synthApp(resolveSpec({ ...TWO, gateway: { route: { catchAllPool: 'qwen' } } }, 'catch-all qwen'));
    const catchAll = rules(objects).filter(isCatchAll);
    expect(catchAll.map((rule) => rule.backendRefs)).toEqual([[{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'qwen' }]]);
  });

  test('must name a pool under the shared prefix', () => {
    expect(specIssues({ ...TWO, gateway: { route: { catchAllPool: 'mistral' } } })).toEqual([
      'gateway.route.catchAllPool: must name a pool without a routePathPrefix (pools under gateway.route.pathPrefix: llama, qwen), got mistral',
    ]);
  });
});

describe('the guide profile', () => {
  test('keeps its one rule without objective headers or router', () => {
    const objects = synthApp(resolveSpec({}, 'guide'));
    expect(rules(objects)).toEqual([
      { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ group: 'inference.networking.x-k8s.io', kind: 'InferencePool', name: 'vllm-llama3-8b-instruct' }] },
    ]);
    expect(findAll(objects, 'GCPRoutingExtension')).toEqual([]);
  });
});
