/**
 * The InferencePool and what `helm install ... inferencepool --set provider.name=gke` adds next to it:
 * GKE's HealthCheckPolicy and GCPBackendPolicy, and the picker's ClusterPodMonitoring.
 */
import { buildInferencePool, findAll, findObject, synthConstruct } from './helpers';

const objects = synthConstruct((chart) => buildInferencePool(chart));
const pool = findObject(objects, 'InferencePool', 'vllm-llama3-8b-instruct');
const poolTarget = { group: 'inference.networking.x-k8s.io', kind: 'InferencePool', name: 'vllm-llama3-8b-instruct' };

describe('the InferencePool', () => {
  test('is InferencePool vllm-llama3-8b-instruct of inference.networking.x-k8s.io/v1alpha2 in namespace default', () => {
    expect(pool.apiVersion).toBe('inference.networking.x-k8s.io/v1alpha2');
    expect(pool.metadata).toEqual({
      name: 'vllm-llama3-8b-instruct',
      namespace: 'default',
      labels: { 'app.kubernetes.io/name': 'vllm-llama3-8b-instruct-epp', 'app.kubernetes.io/version': 'v0.3.0' },
    });
  });

  test('sends traffic to port 8000 of the model server pods', () => {
    expect(pool.spec.targetPortNumber).toBe(8000);
  });

  test('selects pods labelled app: vllm-llama3-8b-instruct', () => {
    expect(pool.spec.selector).toEqual({ app: 'vllm-llama3-8b-instruct' });
  });

  test('asks the endpoint picker vllm-llama3-8b-instruct-epp on its gRPC port 9002', () => {
    expect(pool.spec.extensionRef).toEqual({ name: 'vllm-llama3-8b-instruct-epp', portNumber: 9002 });
  });

  test('exposes the reference that routes and policies use', () => {
    const references: unknown[] = [];
    synthConstruct((chart) => {
      references.push(buildInferencePool(chart).reference);
    });
    expect(references).toEqual([poolTarget]);
  });
});

describe('the HealthCheckPolicy', () => {
  const policies = findAll(objects, 'HealthCheckPolicy');

  test('exists exactly once for the pool (the guide and the chart would each write one)', () => {
    expect(policies).toHaveLength(1);
    expect(policies[0].apiVersion).toBe('networking.gke.io/v1');
    expect(policies[0].metadata.namespace).toBe('default');
  });

  test('targets InferencePool vllm-llama3-8b-instruct in group inference.networking.x-k8s.io', () => {
    expect(policies[0].spec.targetRef).toEqual(poolTarget);
  });

  test('checks HTTP GET /health on the fixed port 8000', () => {
    expect(policies[0].spec.default).toEqual({
      config: {
        type: 'HTTP',
        httpHealthCheck: { requestPath: '/health', port: 8000, portSpecification: 'USE_FIXED_PORT' },
      },
    });
  });
});

describe('the GCPBackendPolicy', () => {
  const policy = findObject(objects, 'GCPBackendPolicy', 'vllm-llama3-8b-instruct');

  test('is networking.gke.io/v1 in namespace default', () => {
    expect(policy.apiVersion).toBe('networking.gke.io/v1');
    expect(policy.metadata.namespace).toBe('default');
  });

  test('targets the InferencePool', () => {
    expect(policy.spec.targetRef).toEqual(poolTarget);
  });

  test('lets a backend request run for 300 seconds', () => {
    expect(policy.spec.default).toEqual({ timeoutSec: 300 });
  });
});

describe('the ClusterPodMonitoring', () => {
  const monitorings = findAll(objects, 'ClusterPodMonitoring');

  test('exists once per pool, named after the namespace and the pool (joined by "." so no two pairs meet)', () => {
    expect(monitorings.map((monitoring) => monitoring.metadata.name)).toEqual(['default.vllm-llama3-8b-instruct']);
    expect(monitorings[0].apiVersion).toBe('monitoring.googleapis.com/v1');
  });

  test('selects the endpoint picker pods', () => {
    expect(monitorings[0].spec.selector).toEqual({ matchLabels: { app: 'vllm-llama3-8b-instruct-epp' } });
  });

  test("scrapes the picker's metrics port /metrics every 5 s (the chart's interval) with the metrics reader's bearer token", () => {
    expect(monitorings[0].spec.endpoints).toEqual([
      {
        port: 'metrics',
        scheme: 'http',
        path: '/metrics',
        interval: '5s',
        authorization: {
          type: 'Bearer',
          credentials: { secret: { name: 'inference-gateway-sa-metrics-reader-secret', key: 'token', namespace: 'default' } },
        },
      },
    ]);
  });

  test('is left out when monitoring is off', () => {
    const unmonitored = synthConstruct((chart) => buildInferencePool(chart, undefined, false));
    expect(findAll(unmonitored, 'ClusterPodMonitoring')).toEqual([]);
  });
});
