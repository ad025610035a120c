/**
 * A non-default spec: two pools behind an internal gateway (gke-l7-rilb) in namespace llm.
 */
import { parse } from 'yaml';
import { resolveSpec } from '../../spec';
import { argValue, findAll, findContainer, findObject, selects, synthApp, synthCharts } from './helpers';

const FIRST = 'vllm-llama3-8b-instruct';
const SECOND = 'qwen-coder';
const document = {
  namespace: 'llm',
  gateway: { className: 'gke-l7-rilb' },
  cluster: {
    // The guide pool's 3 replicas plus the second pool's 2, one GPU each, with no rollout surge.
    gpuPool: { maxNodes: 5 },
  },
  pools: [
    { name: FIRST },
    {
      name: SECOND,
      routePathPrefix: '/qwen',
      modelServer: { replicas: 2, baseModel: 'Qwen/Qwen2.5-Coder-7B-Instruct' },
      adapters: { models: [{ id: 'sql-helper', source: 'example/qwen2.5-coder-sql-lora' }] },
      models: [
        { name: 'sql-helper', modelName: 'sql-helper', criticality: 'Sheddable', targetModels: [{ name: 'sql-helper', weight: 100 }] },
        { name: 'qwen-coder-base', modelName: 'Qwen/Qwen2.5-Coder-7B-Instruct', criticality: 'Critical' },
      ],
    },
  ],
};
const spec = resolveSpec(document, 'two pools');
const objects = synthApp(spec);

describe('a spec with two pools, gke-l7-rilb and namespace llm', () => {
  test('needs maxNodes to cover both pools: 4 GPU nodes cannot host 3 + 2 replicas', () => {
    expect(() => resolveSpec({ ...document, cluster: { gpuPool: { maxNodes: 4 } } })).toThrow(
      /cluster\.gpuPool\.maxNodes: the pools need 5 GPUs .* gives 4/,
    );
  });

  test('without its routePathPrefix, the second pool shares / with the first and is reached by model name', () => {
    const [first, second] = document.pools;
    const { routePathPrefix: _omitted, ...withoutPrefix } = second;
    expect(_omitted).toBe('/qwen');
    const shared = synthApp(resolveSpec({ ...document, pools: [first, withoutPrefix] }));
    const rules = findObject(shared, 'HTTPRoute', 'my-route').spec.rules;
    expect(rules.every((rule: { matches: { path: { value: string } }[] }) => rule.matches[0].path.value === '/')).toBe(true);
    expect(findObject(shared, 'Deployment', 'body-based-router').metadata.namespace).toBe('llm');
  });

  test('has one chart per pool between metrics-reader and gateway', () => {
    expect(Object.keys(synthCharts(spec))).toEqual(['metrics-reader', `pool-${FIRST}`, `pool-${SECOND}`, 'gateway']);
  });

  test('puts every namespaced object in llm', () => {
    const clusterScoped = new Set(['ClusterRole', 'ClusterRoleBinding', 'ClusterPodMonitoring']);
    const namespaces = new Set(objects.filter((object) => !clusterScoped.has(object.kind)).map((object) => object.metadata.namespace));
    expect([...namespaces]).toEqual(['llm']);
  });

  test('binds ServiceAccounts in llm', () => {
    const subjects = findAll(objects, 'ClusterRoleBinding')
      .flatMap((binding) => binding.subjects)
      .filter((subject) => subject.name !== 'collector');
    expect(subjects.map((subject) => subject.namespace)).toEqual(['llm', 'llm', 'llm']);
  });

  test.each([FIRST, SECOND])('pool %s has its model server, InferencePool, picker and policies under its own name', (pool) => {
    for (const kind of ['Deployment', 'InferencePool', 'HealthCheckPolicy', 'GCPBackendPolicy', 'PodDisruptionBudget']) {
      expect(findObject(objects, kind, pool).metadata.namespace).toBe('llm');
    }
    for (const kind of ['Deployment', 'Service', 'ServiceAccount', 'Role', 'RoleBinding', 'PodDisruptionBudget']) {
      findObject(objects, kind, `${pool}-epp`);
    }
    for (const kind of ['ClusterRole', 'ClusterRoleBinding']) findObject(objects, kind, `llm.${pool}-epp`);
    findObject(objects, 'ClusterPodMonitoring', `llm.${pool}`);
  });

  test('the second pool derives its ConfigMap name, <pool>-adapters, and the vLLM pod mounts it', () => {
    const configMap = findObject(objects, 'ConfigMap', `${SECOND}-adapters`);
    const volumes = findObject(objects, 'Deployment', SECOND).spec.template.spec.volumes;
    expect(volumes.find((volume: { name: string }) => volume.name === 'config-volume')).toEqual({
      name: 'config-volume',
      configMap: { name: configMap.metadata.name },
    });
  });

  test("the first pool keeps the guide's ConfigMap vllm-llama3-8b-adapters", () => {
    expect(findAll(objects, 'ConfigMap').map((configMap) => configMap.metadata.name)).toEqual(['vllm-llama3-8b-adapters', `${SECOND}-adapters`]);
  });

  test("the second pool's adapters config loads its own adapter onto its own base model", () => {
    expect(parse(findObject(objects, 'ConfigMap', `${SECOND}-adapters`).data['configmap.yaml'])).toEqual({
      vLLMLoRAConfig: {
        name: SECOND,
        port: 8000,
        defaultBaseModel: 'Qwen/Qwen2.5-Coder-7B-Instruct',
        ensureExist: { models: [{ id: 'sql-helper', source: 'example/qwen2.5-coder-sql-lora' }] },
      },
    });
  });

  test('the second pool serves its base model with 2 replicas', () => {
    const deployment = findObject(objects, 'Deployment', SECOND);
    expect(deployment.spec.replicas).toBe(2);
    expect(argValue(findContainer(deployment, 'vllm').args, '--model')).toBe('Qwen/Qwen2.5-Coder-7B-Instruct');
  });

  test('each InferencePool selects only its own model server pods', () => {
    const firstPods = findObject(objects, 'Deployment', FIRST).spec.template.metadata.labels;
    const secondPods = findObject(objects, 'Deployment', SECOND).spec.template.metadata.labels;
    const firstPool = findObject(objects, 'InferencePool', FIRST).spec.selector;
    const secondPool = findObject(objects, 'InferencePool', SECOND).spec.selector;
    expect([selects(firstPool, firstPods), selects(firstPool, secondPods)]).toEqual([true, false]);
    expect([selects(secondPool, secondPods), selects(secondPool, firstPods)]).toEqual([true, false]);
  });

  test('each endpoint picker watches its own pool in llm', () => {
    for (const pool of [FIRST, SECOND]) {
      const args = findContainer(findObject(objects, 'Deployment', `${pool}-epp`), 'epp').args;
      expect([argValue(args, '-poolName'), argValue(args, '-poolNamespace')]).toEqual([pool, 'llm']);
    }
  });

  test('each pool has exactly one HealthCheckPolicy, targeting it', () => {
    expect(findAll(objects, 'HealthCheckPolicy').map((policy) => policy.spec.targetRef.name)).toEqual([FIRST, SECOND]);
  });

  test("the second pool's InferenceModels refer to it", () => {
    expect(findAll(objects, 'InferenceModel').map((model) => [model.metadata.name, model.spec.poolRef.name])).toEqual([
      ['food-review', FIRST],
      ['llama3-base-model', FIRST],
      ['cad-fabricator', FIRST],
      ['sql-helper', SECOND],
      ['qwen-coder-base', SECOND],
    ]);
  });

  test('the Gateway uses class gke-l7-rilb', () => {
    expect(findObject(objects, 'Gateway', 'inference-gateway').spec.gatewayClassName).toBe('gke-l7-rilb');
  });

  test('the route has one rule per pool: / to the first, /qwen (rewritten to /) to the second', () => {
    expect(findObject(objects, 'HTTPRoute', 'my-route').spec.rules).toEqual([
      {
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        backendRefs: [{ group: 'inference.networking.x-k8s.io', kind: 'InferencePool', name: FIRST }],
      },
      {
        matches: [{ path: { type: 'PathPrefix', value: '/qwen' } }],
        filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }],
        backendRefs: [{ group: 'inference.networking.x-k8s.io', kind: 'InferencePool', name: SECOND }],
      },
    ]);
  });

  test('the metrics reader lives in llm and both pickers are scraped with its token there', () => {
    expect(findObject(objects, 'Secret', 'inference-gateway-sa-metrics-reader-secret').metadata.namespace).toBe('llm');
    const secrets = findAll(objects, 'ClusterPodMonitoring').map((monitoring) => monitoring.spec.endpoints[0].authorization.credentials.secret);
    expect(secrets).toEqual([
      { name: 'inference-gateway-sa-metrics-reader-secret', key: 'token', namespace: 'llm' },
      { name: 'inference-gateway-sa-metrics-reader-secret', key: 'token', namespace: 'llm' },
    ]);
  });

  test('no object is named twice', () => {
    const keys = objects.map((object) => `${object.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('pool names and the names derived from them', () => {
  // Pool "foo" names its endpoint picker "foo-epp" (Deployment, PodDisruptionBudget and app label), so a
  // second pool named "foo-epp" emits a second Deployment/foo-epp and PodDisruptionBudget/foo-epp in the
  // same namespace, and its InferencePool (selector app: foo-epp) would also select foo's picker pod.
  // resolveSpec accepts the spec today; see the report for the proposed rule in spec/rules.ts.
  const colliding = {
    cluster: { gpuPool: { maxNodes: 6 } },
    pools: [{ name: 'foo' }, { name: 'foo-epp', routePathPrefix: '/other' }],
  };

  test("a pool named like another pool's endpoint picker (foo and foo-epp) is refused with the field path", () => {
    expect(() => resolveSpec(colliding, 'colliding pools')).toThrow(/pools\[1\]\.name: .*foo-epp/);
  });
});
