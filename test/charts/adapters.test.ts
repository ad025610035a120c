/**
 * The guide's ConfigMap vllm-llama3-8b-adapters: the lora-syncer's vLLMLoRAConfig.
 */
import { parse } from 'yaml';
import { LoraAdapters } from '../../charts-gen/adapters';
import { buildModelServer, findObject, synthConstruct } from './helpers';

const objects = synthConstruct((chart) => buildModelServer(chart));
const configMap = findObject(objects, 'ConfigMap', 'vllm-llama3-8b-adapters');

describe('the adapters ConfigMap', () => {
  test('is ConfigMap vllm-llama3-8b-adapters in namespace default', () => {
    expect(configMap.apiVersion).toBe('v1');
    expect(configMap.metadata).toEqual({ name: 'vllm-llama3-8b-adapters', namespace: 'default' });
  });

  test('holds one file, configmap.yaml', () => {
    expect(Object.keys(configMap.data)).toEqual(['configmap.yaml']);
  });

  test("configmap.yaml is the guide's vLLMLoRAConfig with food-review and cad-fabricator", () => {
    expect(parse(configMap.data['configmap.yaml'])).toEqual({
      vLLMLoRAConfig: {
        name: 'vllm-llama3.1-8b-instruct',
        port: 8000,
        defaultBaseModel: 'meta-llama/Llama-3.1-8B-Instruct',
        ensureExist: {
          models: [
            { id: 'food-review', source: 'Kawon/llama3.1-food-finetune_v14_r8' },
            { id: 'cad-fabricator', source: 'redcathode/fabricator' },
          ],
        },
      },
    });
  });

  test('with no adapters, ensureExist.models is an empty list', () => {
    const empty = synthConstruct((chart) => {
      new LoraAdapters(chart, 'Adapters', {
        namespace: 'default',
        configMapName: 'bare-adapters',
        configName: 'bare',
        modelServerPort: 8000,
        baseModel: 'meta-llama/Llama-3.1-8B-Instruct',
        syncerImage: 'registry.k8s.io/gateway-api-inference-extension/lora-syncer:v1.0.2',
      });
    });
    const config = parse(findObject(empty, 'ConfigMap', 'bare-adapters').data['configmap.yaml']);
    expect(config.vLLMLoRAConfig.ensureExist).toEqual({ models: [] });
  });
});
