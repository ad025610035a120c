/**
 * Issue 19: a pool with `autoscaling` gets an HPA on a vLLM serving signal, read through the Custom
 * Metrics Stackdriver Adapter from Managed Prometheus; the Deployment leaves its size to the HPA.
 */
import { autoscalingMetricName, GUIDE_POOL_NAME, METRICS_ADAPTER, resolveSpec, stackdriverMetricName, vllmMetrics } from '../../spec';
import { NEVER_PRUNE_ANNOTATIONS } from '../../charts-gen/gitops-bundle';
import { findAll, findObject, synthCharts, synthDocument, type K8sObject } from './helpers';
import { specProblems } from '../spec/helpers';
import { lines, synthObjects, validate } from '../validate/helpers';

const ACCEPTANCE = { cluster: { gpuPool: { maxNodes: 4 } }, pools: [{ name: GUIDE_POOL_NAME, autoscaling: { minReplicas: 1, maxReplicas: 4 } }] };
const GA = { inferenceExtension: { version: 'llm-d-v0.10.0' }, cluster: { gpuPool: { maxNodes: 4 } } };

describe('the acceptance spec: autoscaling 1..4 on a 4-node pool', () => {
  const objects = synthDocument(ACCEPTANCE);
  const hpa = findObject(objects, 'HorizontalPodAutoscaler', GUIDE_POOL_NAME);

  test('an autoscaling/v2 HPA targets the model server Deployment with bounds 1..4', () => {
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: GUIDE_POOL_NAME });
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([1, 4]);
  });

  test("it scales on vLLM's queue per pod, through the adapter's name for a Managed Prometheus gauge, not on CPU", () => {
    expect(hpa.spec.metrics).toEqual([
      { type: 'Pods', pods: { metric: { name: 'prometheus.googleapis.com|vllm:num_requests_waiting|gauge' }, target: { type: 'AverageValue', averageValue: '3' } } },
    ]);
    expect(JSON.stringify(hpa.spec.metrics)).not.toMatch(/"Resource"|cpu/);
  });

  test('the Deployment has no replicas, so re-applying it never undoes what the HPA chose', () => {
    const deployment = findObject(objects, 'Deployment', GUIDE_POOL_NAME);
    expect(deployment.spec).not.toHaveProperty('replicas');
  });

  test("a PodMonitoring scrapes the model server's /metrics on its serving port (where the gauge comes from)", () => {
    const monitoring = findObject(objects, 'PodMonitoring', `${GUIDE_POOL_NAME}-vllm`);
    const deployment = findObject(objects, 'Deployment', GUIDE_POOL_NAME);
    expect(monitoring.spec.selector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
    const ports = deployment.spec.template.spec.containers[0].ports.map((port: { name: string }) => port.name);
    expect(ports).toContain(monitoring.spec.endpoints[0].port);
    expect(monitoring.spec.endpoints[0].path).toBe('/metrics');
  });

  test('the Custom Metrics Stackdriver Adapter serves custom.metrics.k8s.io as its Workload Identity account', () => {
    const apiServices = findAll(objects, 'APIService').map((service) => service.metadata.name).sort();
    expect(apiServices).toEqual(['v1beta1.custom.metrics.k8s.io', 'v1beta1.external.metrics.k8s.io', 'v1beta2.custom.metrics.k8s.io']);
    for (const service of findAll(objects, 'APIService')) {
      expect(service.spec.service).toEqual({ name: METRICS_ADAPTER.serviceAccount, namespace: METRICS_ADAPTER.namespace });
    }
    const adapter = findObject(objects, 'Deployment', METRICS_ADAPTER.serviceAccount);
    expect(adapter.spec.template.spec.serviceAccountName).toBe(METRICS_ADAPTER.serviceAccount);
    const image: string = adapter.spec.template.spec.containers[0].image;
    expect(image).toBe(METRICS_ADAPTER.image);
    expect(image).toMatch(/:v0\.\d+\.\d+-gke\.\d+$/);
    // Kept off GPU nodes: a pod there would stop the autoscaler from removing an idle H100 node.
    expect(adapter.spec.template.spec.tolerations).toBeUndefined();
  });

  test("the adapter's objects, shared by the whole cluster, are never pruned by Argo CD or Flux; the pool's HPA is", () => {
    const adapterObjects = synthCharts(resolveSpec(ACCEPTANCE, 'test'))['metrics-adapter'];
    expect(adapterObjects.length).toBeGreaterThan(8);
    for (const object of adapterObjects) {
      expect({ object: `${object.kind}/${object.metadata.name}`, annotations: object.metadata.annotations }).toEqual({ object: `${object.kind}/${object.metadata.name}`, annotations: expect.objectContaining(NEVER_PRUNE_ANNOTATIONS) });
    }
    expect(hpa.metadata.annotations?.['argocd.argoproj.io/sync-options']).toBeUndefined();
  });

  test('every object validates, the HPA and APIServices included', () => {
    const report = validate(synthObjects(resolveSpec(ACCEPTANCE, 'test')), resolveSpec(ACCEPTANCE, 'test'));
    expect(lines(report)).toEqual([]);
  });
});

describe('the metric name follows the vLLM release each profile runs', () => {
  test.each([
    ['the guide profile (vLLM 0.8.5)', {}, '0.8.5'],
    ['the GA profile (vLLM 0.21.0)', GA, '0.21.0'],
  ])('%s', (_name, document, version) => {
    for (const metric of ['queue', 'kvCache'] as const) {
      const spec = { ...document, cluster: { gpuPool: { maxNodes: 4 } }, pools: [{ name: GUIDE_POOL_NAME, autoscaling: { minReplicas: 1, maxReplicas: 2, metric } }] };
      const hpa = findObject(synthDocument(spec), 'HorizontalPodAutoscaler', GUIDE_POOL_NAME);
      const expected = metric === 'queue' ? vllmMetrics(version).queuedRequests : vllmMetrics(version).kvCacheUsage;
      expect(hpa.spec.metrics[0].pods.metric.name).toBe(stackdriverMetricName(expected));
    }
  });

  test('the KV-cache metric is the renamed one from vLLM 0.10 on, and the old one before', () => {
    expect(autoscalingMetricName('kvCache', '0.8.5')).toBe('vllm:gpu_cache_usage_perc');
    expect(autoscalingMetricName('kvCache', '0.21.0')).toBe('vllm:kv_cache_usage_perc');
    expect(autoscalingMetricName('queue', '0.21.0')).toBe('vllm:num_requests_waiting');
  });

  test('a KV-cache target is a share, written as a quantity in thousandths', () => {
    const spec = { cluster: { gpuPool: { maxNodes: 4 } }, pools: [{ name: GUIDE_POOL_NAME, autoscaling: { minReplicas: 1, maxReplicas: 2, metric: 'kvCache' } }] };
    const hpa = findObject(synthDocument(spec), 'HorizontalPodAutoscaler', GUIDE_POOL_NAME);
    expect(hpa.spec.metrics[0].pods.target.averageValue).toBe('800m');
  });
});

describe('scale-down keeps the drain guarantees', () => {
  const document = {
    cluster: { gpuPool: { maxNodes: 4 } },
    pools: [{ name: GUIDE_POOL_NAME, modelServer: { disruptionBudget: { maxUnavailable: 2 } }, autoscaling: { minReplicas: 1, maxReplicas: 4, scaleDownStabilizationSeconds: 600 } }],
  };
  const objects = synthDocument(document);
  const hpa = findObject(objects, 'HorizontalPodAutoscaler', GUIDE_POOL_NAME);

  test("pods leave no faster than the PodDisruptionBudget allows (a scale-down is not an eviction, so the PDB itself does not apply)", () => {
    const pdb = findObject(objects, 'PodDisruptionBudget', GUIDE_POOL_NAME);
    expect(hpa.spec.behavior.scaleDown.policies).toEqual([{ type: 'Pods', value: pdb.spec.maxUnavailable, periodSeconds: 60 }]);
    expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(600);
  });

  test('a budget of 0 still lets the HPA remove one pod at a time (a policy value must be positive)', () => {
    const zero = { ...document, pools: [{ ...document.pools[0], modelServer: { disruptionBudget: { maxUnavailable: 0 } } }] };
    const policy = findObject(synthDocument(zero), 'HorizontalPodAutoscaler', GUIDE_POOL_NAME).spec.behavior.scaleDown.policies[0];
    expect(policy.value).toBe(1);
  });

  test('removed pods get the same preStop sleep and grace period as without autoscaling', () => {
    const template = (objects: K8sObject[]) => findObject(objects, 'Deployment', GUIDE_POOL_NAME).spec.template;
    expect(JSON.stringify(template(synthDocument(ACCEPTANCE)))).toBe(JSON.stringify(template(synthDocument({ cluster: { gpuPool: { maxNodes: 4 } } }))));
  });
});

describe('without autoscaling nothing changes', () => {
  const objects = synthDocument({});

  test('no HPA or adapter; the Deployment keeps its replicas', () => {
    expect(findAll(objects, 'HorizontalPodAutoscaler')).toEqual([]);
    expect(findAll(objects, 'APIService')).toEqual([]);
    expect(findObject(objects, 'Deployment', GUIDE_POOL_NAME).spec.replicas).toBe(3);
  });
});

describe('spec errors', () => {
  test('maxReplicas 9 on a 2-node pool of 1 GPU per node names both numbers', () => {
    const errors = specProblems({ cluster: { gpuPool: { maxNodes: 2, acceleratorCount: 1 } }, pools: [{ name: GUIDE_POOL_NAME, autoscaling: { minReplicas: 1, maxReplicas: 9 } }] });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^pools\[0\]\.autoscaling\.maxReplicas: must be at most 2,/);
    expect(errors[0]).toContain('got 9');
  });

  test('a pod of 2 GPUs on 4-GPU nodes: maxNodes 3 holds 6 such pods', () => {
    const base = { cluster: { gpuPool: { maxNodes: 3, acceleratorCount: 4 } } };
    const pool = (maxReplicas: number) => ({ name: GUIDE_POOL_NAME, modelServer: { gpus: 2, tensorParallelSize: 2 }, autoscaling: { minReplicas: 1, maxReplicas } });
    expect(specProblems({ ...base, pools: [pool(6)] })).toEqual([]);
    expect(specProblems({ ...base, pools: [pool(7)] })[0]).toMatch(/maxReplicas: must be at most 6/);
  });

  test('two autoscaled pools that each fit but not together are refused on the GPU pool', () => {
    const pool = (name: string) => ({ name, routePathPrefix: `/${name}`, autoscaling: { minReplicas: 1, maxReplicas: 2 } });
    const errors = specProblems({ cluster: { gpuPool: { maxNodes: 3 } }, pools: [pool('a'), pool('b')] });
    expect(errors).toEqual([expect.stringMatching(/^cluster\.gpuPool\.maxNodes: the pools need 4 GPUs/)]);
  });

  test('bounds, metric and target are checked, all at once', () => {
    const errors = specProblems({
      cluster: { gpuPool: { maxNodes: 4 } },
      pools: [
        { name: 'a', autoscaling: { minReplicas: 3, maxReplicas: 2 } },
        { name: 'b', autoscaling: { minReplicas: 1, maxReplicas: 1, metric: 'kvCache', target: 80 } },
        { name: 'c', autoscaling: { minReplicas: 0, maxReplicas: 1, metric: 'cpu' } },
      ],
    });
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^pools\[0\]\.autoscaling\.minReplicas: must be <= maxReplicas \(2\), got 3/),
        expect.stringMatching(/^pools\[1\]\.autoscaling\.target: must be at most 1 for metric kvCache/),
        expect.stringMatching(/^pools\[2\]\.autoscaling\.minReplicas: /),
        expect.stringMatching(/^pools\[2\]\.autoscaling\.metric: must be one of queue, kvCache/),
      ]),
    );
  });

  test('maxReplicas is required', () => {
    expect(specProblems({ pools: [{ name: GUIDE_POOL_NAME, autoscaling: { minReplicas: 1 } }] })).toEqual([expect.stringMatching(/^pools\[0\]\.autoscaling\.maxReplicas: /)]);
  });
});

describe('the validator holds an HPA to what its consumers need', () => {
  const spec = resolveSpec(ACCEPTANCE, 'test');
  const objects = () => synthObjects(spec);
  const deploymentOf = (all: ReturnType<typeof synthObjects>) =>
    all.find((o) => (o.object as K8sObject).kind === 'Deployment' && (o.object as K8sObject).metadata.name === GUIDE_POOL_NAME)?.object as K8sObject;
  const hpaOf = (all: ReturnType<typeof synthObjects>) => all.find((o) => (o.object as K8sObject).kind === 'HorizontalPodAutoscaler')?.object as K8sObject;

  test('a Deployment under an HPA that sets replicas is reported (every apply would reset the HPA)', () => {
    const all = objects();
    deploymentOf(all).spec.replicas = 3;
    expect(lines(validate(all, spec))).toEqual([expect.stringMatching(/^Deployment\/vllm-llama3-8b-instruct: spec\.replicas: is set, but HorizontalPodAutoscaler vllm-llama3-8b-instruct owns/)]);
  });

  test('an HPA whose target is not in the manifests is reported', () => {
    const all = objects();
    hpaOf(all).spec.scaleTargetRef.name = 'typo';
    expect(lines(validate(all, spec))).toEqual([expect.stringMatching(/^HorizontalPodAutoscaler\/vllm-llama3-8b-instruct: spec\.scaleTargetRef: Deployment "typo" is not in namespace default/)]);
  });
});

test("the pools' namespace may not be the adapter's (its Namespace object would be created twice)", () => {
  expect(specProblems({ namespace: 'custom-metrics', ...ACCEPTANCE })).toEqual([expect.stringMatching(/^namespace: custom-metrics is the Custom Metrics Stackdriver Adapter's own namespace/)]);
  expect(specProblems({ namespace: 'custom-metrics' })).toEqual([]);
});
