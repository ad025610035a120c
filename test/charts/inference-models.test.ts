/**
 * The guide's InferenceModels food-review (Standard) and llama3-base-model (Critical).
 */
import { InferenceModels } from '../../charts-gen/inference-models';
import { buildInferencePool, findAll, findObject, guidePool, synthConstruct } from './helpers';

const objects = synthConstruct((chart) => {
  const pool = buildInferencePool(chart);
  new InferenceModels(chart, 'InferenceModels', { namespace: 'default', pool, models: guidePool().models });
});
const models = findAll(objects, 'InferenceModel');

describe('the InferenceModels', () => {
  test("are the guide's food-review and llama3-base-model, and cad-fabricator, of inference.networking.x-k8s.io/v1alpha2 in default", () => {
    expect(models.map((model) => model.metadata)).toEqual([
      { name: 'food-review', namespace: 'default' },
      { name: 'llama3-base-model', namespace: 'default' },
      { name: 'cad-fabricator', namespace: 'default' },
    ]);
    expect(new Set(models.map((model) => model.apiVersion))).toEqual(new Set(['inference.networking.x-k8s.io/v1alpha2']));
  });

  test('cad-fabricator, which the guide loads but never names, gets an InferenceModel at Standard criticality', () => {
    expect(findObject(objects, 'InferenceModel', 'cad-fabricator').spec).toEqual({
      modelName: 'cad-fabricator',
      criticality: 'Standard',
      poolRef: { name: 'vllm-llama3-8b-instruct' },
    });
  });

  test('food-review serves model food-review at Standard criticality, all traffic to adapter food-review', () => {
    expect(findObject(objects, 'InferenceModel', 'food-review').spec).toEqual({
      modelName: 'food-review',
      criticality: 'Standard',
      poolRef: { name: 'vllm-llama3-8b-instruct' },
      targetModels: [{ name: 'food-review', weight: 100 }],
    });
  });

  test('llama3-base-model serves meta-llama/Llama-3.1-8B-Instruct at Critical criticality, with no targetModels', () => {
    expect(findObject(objects, 'InferenceModel', 'llama3-base-model').spec).toEqual({
      modelName: 'meta-llama/Llama-3.1-8B-Instruct',
      criticality: 'Critical',
      poolRef: { name: 'vllm-llama3-8b-instruct' },
    });
  });
});
