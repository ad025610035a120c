/**
 * The guide's Gateway inference-gateway and HTTPRoute my-route.
 */
import { InferenceGateway } from '../../charts-gen/gateway';
import { findObject, synthConstruct } from './helpers';

const poolRef = (name: string) => ({ group: 'inference.networking.x-k8s.io', kind: 'InferencePool' as const, name });

const objects = synthConstruct((chart) => {
  new InferenceGateway(chart, 'Gateway', {
    namespace: 'default',
    name: 'inference-gateway',
    className: 'gke-l7-regional-external-managed',
    routeName: 'my-route',
    backends: [{ pool: poolRef('vllm-llama3-8b-instruct'), pathPrefix: '/' }],
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
        { pool: poolRef('vllm-llama3-8b-instruct'), pathPrefix: '/' },
        { pool: poolRef('qwen'), pathPrefix: '/qwen' },
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
