/**
 * GPU pods reload model weights for minutes when they restart, so a change that the lora-syncer or the
 * endpoint picker can absorb must leave the vLLM pod template byte-identical, and a change vLLM must
 * see (image, args, GPUs) must change it.
 */
import { GUIDE_POOL_NAME } from '../../spec';
import { findObject, synthDocument } from '../charts/helpers';

type Document = Record<string, unknown>;

/** The vLLM Deployment's pod template, serialized, for a spec document with the guide's pool changed. */
function podTemplate(poolChanges: Document = {}, specChanges: Document = {}): string {
  const objects = synthDocument({ ...specChanges, pools: [{ name: GUIDE_POOL_NAME, ...poolChanges }] });
  return JSON.stringify(findObject(objects, 'Deployment', GUIDE_POOL_NAME).spec.template);
}

const guideAdapters = [
  { id: 'food-review', source: 'Kawon/llama3.1-food-finetune_v14_r8', rank: 8 },
  { id: 'cad-fabricator', source: 'redcathode/fabricator' },
];
const guideModels = [
  { name: 'food-review', modelName: 'food-review', criticality: 'Standard', targetModels: [{ name: 'food-review', weight: 100 }] },
  { name: 'llama3-base-model', modelName: 'meta-llama/Llama-3.1-8B-Instruct', criticality: 'Critical' },
  { name: 'cad-fabricator', modelName: 'cad-fabricator', criticality: 'Standard' },
];

describe('changes that must not restart the model server', () => {
  const unchanged = podTemplate();

  test('the baseline is the guide pool', () => {
    expect(unchanged).toContain('"--max-loras","2"');
  });

  test('adding a LoRA adapter (of a rank the current --max-lora-rank covers) and its InferenceModel', () => {
    const adapters = { models: [...guideAdapters, { id: 'new-adapter', source: 'org/new-adapter', rank: 16 }] };
    const models = [...guideModels, { name: 'new-adapter', modelName: 'new-adapter', criticality: 'Standard' }];
    expect(podTemplate({ adapters, models })).toBe(unchanged);
  });

  test('unloading a LoRA adapter (moving it to adapters.unload), even the one of undeclared rank', () => {
    const adapters = { models: guideAdapters.slice(0, 1), unload: [{ id: 'cad-fabricator', source: 'redcathode/fabricator' }] };
    const models = guideModels.slice(0, 2);
    expect(podTemplate({ adapters, models })).toBe(unchanged);
  });

  test("changing an InferenceModel's criticality", () => {
    const models = [{ ...guideModels[0], criticality: 'Sheddable' }, ...guideModels.slice(1)];
    expect(podTemplate({ models })).toBe(unchanged);
  });

  test('scaling the endpoint picker', () => {
    expect(podTemplate({ endpointPicker: { replicas: 0 } })).toBe(unchanged);
  });

  test('changing the backend timeout of the load balancer', () => {
    expect(podTemplate({ backendTimeoutSeconds: 600 })).toBe(unchanged);
  });

  test('switching monitoring off', () => {
    expect(podTemplate({}, { monitoring: { metricsReader: false } })).toBe(unchanged);
  });

  test('scaling the model server itself', () => {
    expect(podTemplate({ modelServer: { replicas: 2 } })).toBe(unchanged);
  });
});

describe('changes that must restart the model server', () => {
  const unchanged = podTemplate();

  test('a new vLLM image', () => {
    expect(podTemplate({ modelServer: { image: 'vllm/vllm-openai:v0.8.4' } })).not.toBe(unchanged);
  });

  test('new vLLM arguments', () => {
    expect(podTemplate({ modelServer: { maxLoras: 4 } })).not.toBe(unchanged);
  });

  test('more GPUs per pod', () => {
    const twoGpus = podTemplate({ modelServer: { gpus: 2, tensorParallelSize: 2 } }, { cluster: { gpuPool: { acceleratorCount: 2 } } });
    expect(twoGpus).not.toBe(unchanged);
    expect(twoGpus).toContain('"nvidia.com/gpu":2');
  });

  test('an adapter of a higher rank than --max-lora-rank allows (vLLM reads the limit at start)', () => {
    const adapters = { models: [...guideAdapters, { id: 'big', source: 'org/big-adapter', rank: 64 }] };
    const models = [...guideModels, { name: 'big', modelName: 'big', criticality: 'Standard' }];
    const changed = podTemplate({ adapters, models });
    expect(changed).not.toBe(unchanged);
    expect(changed).toContain('"--max-lora-rank","64"');
  });

  test('a new lora-syncer image (the sidecar is part of the pod)', () => {
    expect(podTemplate({ adapters: { syncerImage: 'registry.k8s.io/gateway-api-inference-extension/lora-syncer:v1.0.3' } })).not.toBe(unchanged);
  });
});
