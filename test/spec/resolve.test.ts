/** How a partial spec document merges with the guide's defaults. */
import { DEFAULT_SPEC, GUIDE_POOL_NAME, loadSpecFile, resolveSpec } from '../../spec';

describe('the deployment spec', () => {
  test('with no document, the defaults are the guide example', () => {
    const spec = resolveSpec({});
    expect(spec).toEqual(DEFAULT_SPEC);
    expect(spec.namespace).toBe('default');
    expect(spec.gateway).toEqual({
      name: 'inference-gateway',
      className: 'gke-l7-regional-external-managed',
      listenerPort: 80,
      route: { name: 'my-route', pathPrefix: '/' },
      // The guide's Gateway: no tls, no access control, Model Armor off (its filter levels apply when on).
      modelArmor: { enabled: false, promptInjection: 'MEDIUM_AND_ABOVE', responsibleAi: 'MEDIUM_AND_ABOVE', sensitiveData: true, maliciousUris: true, failOpen: false },
    });
    expect(spec.pools.map((pool) => pool.name)).toEqual(['vllm-llama3-8b-instruct']);
    const pool = spec.pools[0];
    expect(pool.modelServer.replicas).toBe(3);
    expect(pool.modelServer.baseModel).toBe('meta-llama/Llama-3.1-8B-Instruct');
    expect(pool.adapters.models.map((adapter) => adapter.id)).toEqual(['food-review', 'cad-fabricator']);
    expect(pool.models.map((model) => [model.name, model.criticality])).toEqual([
      ['food-review', 'Standard'],
      ['llama3-base-model', 'Critical'],
      // The guide loads cad-fabricator but gives it no InferenceModel; the picker would refuse its name.
      ['cad-fabricator', 'Standard'],
    ]);
  });

  test('a null or empty document means the defaults', () => {
    expect(resolveSpec(null)).toEqual(DEFAULT_SPEC);
    expect(resolveSpec(undefined)).toEqual(DEFAULT_SPEC);
  });

  test('a partial object keeps the defaults of the fields it leaves out', () => {
    const spec = resolveSpec({ gateway: { className: 'gke-l7-rilb' }, cluster: { network: { name: 'shared' } } });
    expect(spec.gateway.className).toBe('gke-l7-rilb');
    expect(spec.gateway.name).toBe('inference-gateway');
    expect(spec.cluster.network.name).toBe('shared');
    expect(spec.cluster.network.nodeCidr).toBe(DEFAULT_SPEC.cluster.network.nodeCidr);
  });

  test('a pools list replaces the default pools', () => {
    const spec = resolveSpec({ pools: [{ name: 'solo' }] });
    expect(spec.pools.map((pool) => pool.name)).toEqual(['solo']);
  });

  test('a new pool derives its object names from its own name and starts without adapters', () => {
    const [pool] = resolveSpec({ pools: [{ name: 'solo', modelServer: { baseModel: 'Qwen/Qwen2.5-7B-Instruct' } }] }).pools;
    expect(pool.adapters.configMapName).toBe('solo-adapters');
    expect(pool.adapters.configName).toBe('solo');
    expect(pool.adapters.models).toEqual([]);
    expect(pool.models).toEqual([{ name: 'solo-base-model', modelName: 'Qwen/Qwen2.5-7B-Instruct', criticality: 'Critical' }]);
    expect(pool.modelServer.replicas).toBe(3);
  });

  test("a pool written under the guide's name keeps the guide's names", () => {
    const [pool] = resolveSpec({ pools: [{ name: GUIDE_POOL_NAME, modelServer: { replicas: 1 } }] }).pools;
    expect(pool.modelServer.replicas).toBe(1);
    expect(pool.adapters.configMapName).toBe('vllm-llama3-8b-adapters');
    expect(pool.models.map((model) => model.name)).toEqual(['food-review', 'llama3-base-model', 'cad-fabricator']);
  });

  test.each([
    [1, 'a3-highgpu-1g'],
    [2, 'a3-highgpu-2g'],
    [4, 'a3-highgpu-4g'],
    [8, 'a3-highgpu-8g'],
  ])('acceleratorCount %i picks machine type %s', (acceleratorCount, machineType) => {
    const spec = resolveSpec({ cluster: { gpuPool: { acceleratorCount } } });
    expect(spec.cluster.gpuPool.machineType).toBe(machineType);
  });

  test('on-demand provisioning is accepted for a3-highgpu-8g', () => {
    const spec = resolveSpec({ cluster: { gpuPool: { acceleratorCount: 8, provisioning: 'on-demand' } } });
    expect(spec.cluster.gpuPool.provisioning).toBe('on-demand');
  });

  test('drain inputs take the guide prefill share and safety factor when left out', () => {
    const [pool] = resolveSpec({
      pools: [{ name: GUIDE_POOL_NAME, modelServer: { drain: { maxOutputTokens: 400, timePerOutputTokenMs: 100 } } }],
    }).pools;
    expect(pool.modelServer.drain).toEqual({ maxOutputTokens: 400, timePerOutputTokenMs: 100, prefillShare: 0.2, safetyFactor: 1.5 });
  });

  test('the example with two pools is valid', () => {
    const spec = loadSpecFile(`${__dirname}/../../examples/two-pools.yaml`);
    expect(spec.namespace).toBe('llm');
    expect(spec.pools.map((pool) => pool.routePathPrefix)).toEqual([undefined, '/qwen']);
  });
});
