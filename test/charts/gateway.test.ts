/**
 * The guide's Gateway inference-gateway and HTTPRoute my-route.
 */
import { InferenceGateway, type InferenceBackend } from '../../charts-gen/gateway';
import { findAll, findObject, synthConstruct } from './helpers';

const poolRef = (name: string, group = 'inference.networking.x-k8s.io') => ({ group, kind: 'InferencePool' as const, name });
const only = (name: string) => [{ pool: poolRef(name) }];

const objects = synthConstruct((chart) => {
  new InferenceGateway(chart, 'Gateway', {
    namespace: 'default',
    name: 'inference-gateway',
    className: 'gke-l7-regional-external-managed',
    routeName: 'my-route',
    backends: [{ route: { kind: 'shared', pathPrefix: '/' }, pools: only('vllm-llama3-8b-instruct') }],
  });
});

describe('the Gateway', () => {
  const gateway = findObject(objects, 'Gateway', 'inference-gateway');

  test('is gateway.networking.k8s.io/v1 Gateway inference-gateway in namespace default', () => {
    expect(gateway.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(gateway.metadata).toEqual({ name: 'inference-gateway', namespace: 'default' });
  });

  test('uses GatewayClass gke-l7-regional-external-managed', () => {
    expect(gateway.spec.gatewayClassName).toBe('gke-l7-regional-external-managed');
  });

  test('listens for HTTP on port 80 with listener http (80 when listenerPort is left out)', () => {
    expect(gateway.spec.listeners).toEqual([{ name: 'http', protocol: 'HTTP', port: 80 }]);
  });
});

describe('the HTTPRoute', () => {
  const route = findObject(objects, 'HTTPRoute', 'my-route');

  test('is gateway.networking.k8s.io/v1 HTTPRoute my-route in namespace default', () => {
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.metadata).toEqual({ name: 'my-route', namespace: 'default' });
  });

  test('attaches to Gateway inference-gateway', () => {
    expect(route.spec.parentRefs).toEqual([{ name: 'inference-gateway' }]);
  });

  test('sends every path (PathPrefix /) to InferencePool vllm-llama3-8b-instruct, unrewritten', () => {
    expect(route.spec.rules).toEqual([
      {
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        backendRefs: [{ group: 'inference.networking.x-k8s.io', kind: 'InferencePool', name: 'vllm-llama3-8b-instruct' }],
      },
    ]);
  });
});

describe('an HTTPRoute with a second pool under /qwen', () => {
  const twoPools = synthConstruct((chart) => {
    new InferenceGateway(chart, 'Gateway', {
      namespace: 'llm',
      name: 'inference-gateway',
      className: 'gke-l7-rilb',
      listenerPort: 8080,
      routeName: 'my-route',
      backends: [
        { route: { kind: 'shared', pathPrefix: '/' }, pools: only('vllm-llama3-8b-instruct') },
        { route: { kind: 'path', pathPrefix: '/qwen' }, pools: only('qwen') },
      ],
    });
  });

  test('strips /qwen before the request reaches vLLM (URLRewrite ReplacePrefixMatch /)', () => {
    expect(findObject(twoPools, 'HTTPRoute', 'my-route').spec.rules[1]).toEqual({
      matches: [{ path: { type: 'PathPrefix', value: '/qwen' } }],
      filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }],
      backendRefs: [{ group: 'inference.networking.x-k8s.io', kind: 'InferencePool', name: 'qwen' }],
    });
  });

  test('the Gateway listens on the given listenerPort', () => {
    expect(findObject(twoPools, 'Gateway', 'inference-gateway').spec.listeners).toEqual([{ name: 'http', protocol: 'HTTP', port: 8080 }]);
  });
});

describe('HTTPRoutes for several pools behind one URL (body-based routing)', () => {
  const modelRoute = (pool: string, modelNames: string[]): InferenceBackend => ({ route: { kind: 'model', pathPrefix: '/', modelNames, catchAll: false }, pools: only(pool) });
  const routed = synthConstruct((chart) => {
    new InferenceGateway(chart, 'Gateway', {
      namespace: 'default',
      name: 'inference-gateway',
      className: 'gke-l7-regional-external-managed',
      routeName: 'my-route',
      backends: [modelRoute('llama', ['meta-llama/Llama-3.1-8B-Instruct', 'food-review']), modelRoute('qwen', ['Qwen/Qwen2.5-7B-Instruct'])],
    });
  });

  test('one rule per model name, matching the X-Gateway-Model-Name header under the shared prefix', () => {
    expect(findObject(routed, 'HTTPRoute', 'my-route').spec.rules).toEqual([
      {
        matches: [{ path: { type: 'PathPrefix', value: '/' }, headers: [{ type: 'Exact', name: 'X-Gateway-Model-Name', value: 'meta-llama/Llama-3.1-8B-Instruct' }] }],
        backendRefs: [{ group: 'inference.networking.x-k8s.io', kind: 'InferencePool', name: 'llama' }],
      },
      {
        matches: [{ path: { type: 'PathPrefix', value: '/' }, headers: [{ type: 'Exact', name: 'X-Gateway-Model-Name', value: 'food-review' }] }],
        backendRefs: [{ group: 'inference.networking.x-k8s.io', kind: 'InferencePool', name: 'llama' }],
      },
      {
        matches: [{ path: { type: 'PathPrefix', value: '/' }, headers: [{ type: 'Exact', name: 'X-Gateway-Model-Name', value: 'Qwen/Qwen2.5-7B-Instruct' }] }],
        backendRefs: [{ group: 'inference.networking.x-k8s.io', kind: 'InferencePool', name: 'qwen' }],
      },
    ]);
  });

  test('rules beyond 16 go to further HTTPRoutes on the same Gateway, each within the CRD limit', () => {
    const names = Array.from({ length: 40 }, (_, i) => `model-${i}`);
    const many = synthConstruct((chart) => {
      new InferenceGateway(chart, 'Gateway', { namespace: 'default', name: 'gw', className: 'gke-l7-rilb', routeName: 'my-route', backends: [modelRoute('p', names)] });
    });
    const routes = findAll(many, 'HTTPRoute');
    expect(routes.map((route) => route.metadata.name)).toEqual(['my-route', 'my-route-2', 'my-route-3']);
    expect(routes.map((route) => route.spec.rules.length)).toEqual([16, 16, 8]);
    expect(routes.every((route) => route.spec.parentRefs[0].name === 'gw')).toBe(true);
    const values = routes.flatMap((route) => route.spec.rules.map((rule: { matches: { headers: { value: string }[] }[] }) => rule.matches[0].headers[0].value));
    expect(values).toEqual(names);
  });
});

describe('an HTTPRoute during a migration', () => {
  test("sends each request to one of two InferencePools, one per API group, by the spec's weights", () => {
    const migrating = synthConstruct((chart) => {
      new InferenceGateway(chart, 'Gateway', {
        namespace: 'default',
        name: 'inference-gateway',
        className: 'gke-l7-regional-external-managed',
        routeName: 'my-route',
        backends: [
          {
            route: { kind: 'shared', pathPrefix: '/' },
            pools: [
              { pool: poolRef('vllm-llama3-8b-instruct'), weight: 70 },
              { pool: poolRef('vllm-llama3-8b-instruct-ga', 'inference.networking.k8s.io'), weight: 30 },
            ],
          },
        ],
      });
    });
    expect(findObject(migrating, 'HTTPRoute', 'my-route').spec.rules[0].backendRefs).toEqual([
      { group: 'inference.networking.x-k8s.io', kind: 'InferencePool', name: 'vllm-llama3-8b-instruct', weight: 70 },
      { group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'vllm-llama3-8b-instruct-ga', weight: 30 },
    ]);
  });
});
