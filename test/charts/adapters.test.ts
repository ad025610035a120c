/**
 * The guide's ConfigMap vllm-llama3-8b-adapters: the lora-syncer's vLLMLoRAConfig.
 */
import { parse } from 'yaml';
import { buildModelServer, findObject, guidePool, synthConstruct } from './helpers';
import type { PoolSpec } from '../../spec';

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

  test('with no adapters, ensureExist.models is an empty list and there is no ensureNotExist', () => {
    const bare: PoolSpec = { ...guidePool(), adapters: { ...guidePool().adapters, configMapName: 'bare-adapters', models: [], unload: [] } };
    const config = parse(findObject(synthConstruct((chart) => buildModelServer(chart, bare)), 'ConfigMap', 'bare-adapters').data['configmap.yaml']);
    expect(config.vLLMLoRAConfig.ensureExist).toEqual({ models: [] });
    expect(config.vLLMLoRAConfig).not.toHaveProperty('ensureNotExist');
  });

  test('adapters listed under unload become ensureNotExist, the only list the syncer unloads from', () => {
    const pool = guidePool();
    const retiring: PoolSpec = {
      ...pool,
      adapters: { ...pool.adapters, models: [pool.adapters.models[0]], unload: [{ id: 'cad-fabricator', source: 'redcathode/fabricator' }] },
    };
    const config = parse(findObject(synthConstruct((chart) => buildModelServer(chart, retiring)), 'ConfigMap', 'vllm-llama3-8b-adapters').data['configmap.yaml']);
    expect(config.vLLMLoRAConfig.ensureExist).toEqual({ models: [{ id: 'food-review', source: 'Kawon/llama3.1-food-finetune_v14_r8' }] });
    expect(config.vLLMLoRAConfig.ensureNotExist).toEqual({ models: [{ id: 'cad-fabricator', source: 'redcathode/fabricator' }] });
  });
});
