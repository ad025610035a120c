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
  { id: 'food-review', source: 'Kawon/llama3.1-food-finetune_v14_r8' },
  { id: 'cad-fabricator', source: 'redcathode/fabricator' },
];
const guideModels = [
  { name: 'food-review', modelName: 'food-review', criticality: 'Standard', targetModels: [{ name: 'food-review', weight: 100 }] },
  { name: 'llama3-base-model', modelName: 'meta-llama/Llama-3.1-8B-Instruct', criticality: 'Critical' },
];

describe('changes that must not restart the model server', () => {
  const unchanged = podTemplate();

  test('the baseline is the guide pool', () => {
    expect(unchanged).toContain('"--max-loras","2"');
  });

  test('adding a LoRA adapter', () => {
    const adapters = { models: [...guideAdapters, { id: 'new-adapter', source: 'org/new-adapter' }] };
    expect(podTemplate({ adapters })).toBe(unchanged);
  });

  test('removing a LoRA adapter', () => {
    const adapters = { models: guideAdapters.slice(0, 1) };
    const models = guideModels;
    expect(podTemplate({ adapters, models })).toBe(unchanged);
  });

  test("changing an InferenceModel's criticality", () => {
    const models = [{ ...guideModels[0], criticality: 'Sheddable' }, guideModels[1]];
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

  test('a new lora-syncer image (the sidecar is part of the pod)', () => {
    expect(podTemplate({ adapters: { syncerImage: 'registry.k8s.io/gateway-api-inference-extension/lora-syncer:v1.0.3' } })).not.toBe(unchanged);
  });
});
