/**
 * Bad input: every spec below is refused with exit code 1, a message that names the field path and
 * what is allowed, no stack trace, and dist/ left exactly as it was.
 */
import { loadSpecFromEnvironment } from '../../spec';
import { guidePool, runSynth } from './helpers';

interface BadSpec {
  readonly name: string;
  readonly document: unknown;
  /** Field path the message must name. */
  readonly path: string;
  /** Words the message must contain (what is allowed, or why). */
  readonly says: string;
}

const BAD_SPECS: readonly BadSpec[] = [
  { name: 'negative replicas', document: guidePool({ modelServer: { replicas: -1 } }), path: 'pools[0].modelServer.replicas', says: 'must be an integer from 0 to 1000, got -1' },
  { name: 'replicas as text', document: guidePool({ modelServer: { replicas: 'three' } }), path: 'pools[0].modelServer.replicas', says: 'got "three"' },
  { name: 'fractional replicas', document: guidePool({ modelServer: { replicas: 1.5 } }), path: 'pools[0].modelServer.replicas', says: 'an integer' },
  { name: 'unknown top-level field', document: { namespce: 'llm' }, path: 'namespce', says: 'unknown field (did you mean namespace?)' },
  { name: 'unknown nested field', document: guidePool({ modelServer: { replica: 2 } }), path: 'pools[0].modelServer.replica', says: 'did you mean replicas?' },
  { name: 'unsupported GatewayClass', document: { gateway: { className: 'gke-l7-global-external-managed' } }, path: 'gateway.className', says: 'must be one of gke-l7-regional-external-managed, gke-l7-rilb' },
  { name: 'multi-cluster GatewayClass', document: { gateway: { className: 'gke-l7-regional-external-managed-mc' } }, path: 'gateway.className', says: 'must be one of' },
  { name: 'cross-region internal GatewayClass', document: { gateway: { className: 'gke-l7-cross-regional-internal-managed-mc' } }, path: 'gateway.className', says: 'must be one of' },
  { name: 'GKE older than 1.32.3', document: { cluster: { version: '1.31.6' } }, path: 'cluster.version', says: 'must be at least 1.32.3' },
  { name: 'GKE version that is not a version', document: { cluster: { version: 'latest' } }, path: 'cluster.version', says: 'a GKE version such as 1.32.3' },
  { name: 'maxLoras above maxCpuLoras', document: guidePool({ modelServer: { maxLoras: 20 } }), path: 'pools[0].modelServer.maxLoras', says: 'must be <= maxCpuLoras (12), got 20' },
  { name: 'grace period shorter than the preStop sleep', document: guidePool({ modelServer: { terminationGracePeriodSeconds: 20 } }), path: 'pools[0].modelServer.terminationGracePeriodSeconds', says: 'must be longer than preStopSleepSeconds (30)' },
  { name: 'grace period shorter than the drain estimate', document: guidePool({ modelServer: { drain: { maxOutputTokens: 4096, timePerOutputTokenMs: 100 } } }), path: 'pools[0].modelServer.terminationGracePeriodSeconds', says: 'at least 522' },
  { name: 'on-demand with one GPU per node', document: { cluster: { gpuPool: { provisioning: 'on-demand' } } }, path: 'cluster.gpuPool.provisioning', says: 'only as Spot or Flex-start' },
  { name: 'machine type that does not match the GPU count', document: { cluster: { gpuPool: { machineType: 'a3-highgpu-2g' } } }, path: 'cluster.gpuPool.machineType', says: 'must be a3-highgpu-1g for acceleratorCount 1' },
  { name: 'GPU count without an A3 machine type', document: { cluster: { gpuPool: { acceleratorCount: 3 } } }, path: 'cluster.gpuPool.acceleratorCount', says: 'must be one of 1, 2, 4, 8, 16, got 3' },
  { name: 'replicas that do not fit the GPU pool', document: guidePool({ modelServer: { replicas: 10 } }), path: 'cluster.gpuPool.maxNodes', says: 'the pools need 10 GPUs' },
  { name: 'pod asking for more GPUs than a node has', document: guidePool({ modelServer: { gpus: 2 } }), path: 'pools[0].modelServer.gpus', says: 'must be <= cluster.gpuPool.acceleratorCount (1)' },
  { name: 'moving image tag', document: guidePool({ modelServer: { image: 'vllm/vllm-openai:latest' } }), path: 'pools[0].modelServer.image', says: 'not the moving tag "latest"' },
  { name: 'untagged image', document: guidePool({ adapters: { syncerImage: 'registry.k8s.io/gateway-api-inference-extension/lora-syncer' } }), path: 'pools[0].adapters.syncerImage', says: 'must name a tag or digest' },
  { name: 'endpoint picker from another release', document: guidePool({ endpointPicker: { image: 'registry.k8s.io/gateway-api-inference-extension/epp:v1.0.0' } }), path: 'pools[0].endpointPicker.image', says: 'must be tagged v0.3.0' },
  { name: 'two v0.3.0 endpoint pickers', document: guidePool({ endpointPicker: { replicas: 2 } }), path: 'pools[0].endpointPicker.replicas', says: 'no leader election' },
  { name: 'unknown criticality', document: guidePool({ models: [{ name: 'm', modelName: 'food-review', criticality: 'Urgent' }] }), path: 'pools[0].models[0].criticality', says: 'must be one of Critical, Standard, Sheddable' },
  { name: 'target model that nothing serves', document: guidePool({ models: [{ name: 'm', modelName: 'm', criticality: 'Standard', targetModels: [{ name: 'no-such-adapter' }] }] }), path: 'pools[0].models[0].targetModels[0].name', says: 'must be the base model or an adapter of this pool' },
  { name: 'weights on some targets only', document: guidePool({ models: [{ name: 'm', modelName: 'm', criticality: 'Standard', targetModels: [{ name: 'food-review', weight: 50 }, { name: 'cad-fabricator' }] }] }), path: 'pools[0].models[0].targetModels', says: 'weights must be set on all targets or on none' },
  { name: 'more than ten target models', document: guidePool({ models: [{ name: 'm', modelName: 'm', criticality: 'Standard', targetModels: Array.from({ length: 11 }, () => ({ name: 'food-review' })) }] }), path: 'pools[0].models[0].targetModels', says: 'must have at most 10 items' },
  { name: 'two pools with one name', document: { cluster: { gpuPool: { maxNodes: 6 } }, pools: [{ name: 'a' }, { name: 'a', routePathPrefix: '/b' }] }, path: 'pools[1].name', says: 'each pool name must be unique' },
  { name: 'two pools behind one URL serving the same model name', document: { cluster: { gpuPool: { maxNodes: 6 } }, pools: [{ name: 'a' }, { name: 'b' }] }, path: 'pools[1].models[0].modelName', says: 'the body-based router tells them apart by model name' },
  { name: 'pool without a name', document: { pools: [{ modelServer: { replicas: 1 } }] }, path: 'pools[0].name', says: 'is required' },
  { name: 'no pools', document: { pools: [] }, path: 'pools', says: 'must have at least 1 item(s)' },
  { name: 'namespace that is not a DNS label', document: { namespace: 'LLM_Serving' }, path: 'namespace', says: 'a DNS label' },
  { name: 'listener port out of range', document: { gateway: { listenerPort: 70000 } }, path: 'gateway.listenerPort', says: 'from 1 to 65535, got 70000' },
  { name: 'proxy-only subnet smaller than /26', document: { cluster: { network: { proxyOnlyCidr: '10.129.0.0/28' } } }, path: 'cluster.network.proxyOnlyCidr', says: 'at least a /26' },
  { name: 'overlapping node and pod ranges', document: { cluster: { network: { podCidr: '10.0.0.0/14' } } }, path: 'cluster.network.podCidr', says: 'overlaps cluster.network.nodeCidr' },
  { name: 'GPU zone outside the cluster region', document: { cluster: { gpuPool: { nodeLocations: ['europe-west4-a'] } } }, path: 'cluster.gpuPool.nodeLocations[0]', says: 'must be a zone of cluster.region us-central1' },
  { name: 'unsupported extension release', document: { inferenceExtension: { version: 'v1.0.0' } }, path: 'inferenceExtension.version', says: 'must be one of v0.3.0, llm-d-v0.10.0' },
  { name: 'accelerator the pool does not have', document: guidePool({ modelServer: { accelerator: 'nvidia-l4' } }), path: 'pools[0].modelServer.accelerator', says: 'must be cluster.gpuPool.accelerator (nvidia-h100-80gb)' },
  { name: 'accelerator no machine type has', document: guidePool({ modelServer: { accelerator: 'nvidia-tesla-t4' } }), path: 'pools[0].modelServer.accelerator', says: 'must be one of nvidia-l4, nvidia-tesla-a100, nvidia-a100-80gb, nvidia-h100-80gb' },
  { name: 'accelerator of another machine type', document: { cluster: { gpuPool: { machineType: 'g2-standard-24', accelerator: 'nvidia-h200-141gb', acceleratorCount: 2, nodeLocations: ['us-central1-a'] } } }, path: 'cluster.gpuPool.accelerator', says: 'must be nvidia-l4, the GPU of machineType g2-standard-24 (machine types with nvidia-h200-141gb: a3-ultragpu-8g)' },
  { name: 'GPU count other than the machine type has', document: { cluster: { gpuPool: { machineType: 'g2-standard-24', acceleratorCount: 4, nodeLocations: ['us-central1-a'] } } }, path: 'cluster.gpuPool.acceleratorCount', says: 'must be 2, the GPUs of one g2-standard-24 node, got 4' },
  { name: 'machine type sold only from reservations, Spot or flex-start', document: { cluster: { gpuPool: { machineType: 'a3-ultragpu-8g', acceleratorCount: 8, provisioning: 'on-demand', nodeLocations: ['us-central1-a'] } } }, path: 'cluster.gpuPool.provisioning', says: 'must be spot or flex-start for a3-ultragpu-8g' },
  { name: 'region without cited zones for the machine type', document: { cluster: { region: 'us-west4', gpuPool: { machineType: 'a3-ultragpu-8g', acceleratorCount: 8 } } }, path: 'cluster.region', says: 'has no known zones offering a3-ultragpu-8g (nvidia-h200-141gb); use one of asia-south1' },
  { name: 'shared VPC without a host project', document: { cluster: { sharedVpc: {} } }, path: 'cluster.sharedVpc.hostProject', says: 'is required' },
  { name: 'adapter listed twice', document: guidePool({ adapters: { models: [{ id: 'x', source: 'a/x' }, { id: 'x', source: 'b/x' }] } }), path: 'pools[0].adapters.models[1].id', says: 'each adapter id in this pool must be unique' },
  { name: 'rollout that can never progress', document: guidePool({ modelServer: { rollout: { maxSurge: 0, maxUnavailable: 0 } } }), path: 'pools[0].modelServer.rollout', says: 'cannot both be 0' },
  { name: 'list where an object belongs', document: { gateway: ['inference-gateway'] }, path: 'gateway', says: 'must be an object, got a list' },
  { name: 'a label key this tool sets', document: guidePool({ modelServer: { labels: { 'app.kubernetes.io/instance': 'x' } } }), path: 'pools[0].modelServer.labels["app.kubernetes.io/instance"]', says: 'is a key this tool sets' },
  { name: 'a node selector for another accelerator', document: guidePool({ modelServer: { nodeSelector: { 'cloud.google.com/gke-accelerator': 'nvidia-l4' } } }), path: 'pools[0].modelServer.nodeSelector["cloud.google.com/gke-accelerator"]', says: 'which no GPU node carries' },
  { name: 'a patch of a kind synth does not write (found only at synth)', document: { patches: [{ kind: 'Deploymnet', patch: [{ op: 'remove', path: '/spec' }] }] }, path: 'patches[0]', says: 'matches no object' },
  { name: 'a patch of a path that does not exist', document: { patches: [{ kind: 'Deployment', patch: [{ op: 'replace', path: '/spec/nope', value: 1 }] }] }, path: 'patches[0].patch[0].path', says: 'does not exist' },
  { name: 'boolean as text', document: { monitoring: { metricsReader: 'yes' } }, path: 'monitoring.metricsReader', says: 'must be true or false' },
];

describe('a bad spec', () => {
  test('the table covers at least 25 kinds of mistake', () => {
    expect(BAD_SPECS.length).toBeGreaterThanOrEqual(25);
  });

  test.each(BAD_SPECS.map((bad) => [bad.name, bad] as const))('%s is refused with its field path', (_name, bad) => {
    const previous = { 'marker.k8s.yaml': 'kind: Marker\n' };
    const run = runSynth(bad.document, previous);
    expect(run.exitCode).toBe(1);
    const line = run.stderr.split('\n').find((text) => text.trimStart().startsWith(`${bad.path}: `));
    expect(line).toBeDefined();
    expect(line).toContain(bad.says);
    expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(run.stderr).toContain('Nothing was written');
    expect(run.output).toEqual(previous);
  });
});

describe('spec errors', () => {
  test('every problem is reported at once', () => {
    const run = runSynth({
      namespace: 'Bad Namespace',
      gateway: { className: 'istio' },
      pools: [{ name: 'vllm-llama3-8b-instruct', modelServer: { replicas: -1, port: 0 } }],
    });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('4 problems in the deployment spec');
    for (const path of ['namespace', 'gateway.className', 'pools[0].modelServer.replicas', 'pools[0].modelServer.port']) {
      expect(run.stderr).toContain(`  ${path}: `);
    }
  });

  test('invalid YAML is reported with its line, not a stack trace', () => {
    const run = runSynth('gateway:\n  name: [unclosed\n');
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/\(document\): not valid YAML at line \d+/);
    expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  test('a missing spec file is reported by name', () => {
    const saved = process.env.IGW_CONFIG;
    process.env.IGW_CONFIG = '/nonexistent/spec.yaml';
    try {
      expect(() => loadSpecFromEnvironment()).toThrow('/nonexistent/spec.yaml: 1 problem in the deployment spec\n  (document): cannot read the spec file: no such file');
    } finally {
      if (saved === undefined) delete process.env.IGW_CONFIG;
      else process.env.IGW_CONFIG = saved;
    }
  });

  test('a good spec writes one file per chart, the Namespace, the kustomization and its record, and keeps the file synth did not write', () => {
    const run = runSynth({ namespace: 'llm' }, { 'marker.k8s.yaml': 'kind: Marker\n' });
    expect(run.exitCode).toBe(0);
    expect(Object.keys(run.output)).toEqual([
      '.inference-gateway-synth',
      'crds',
      'gateway.k8s.yaml',
      'kustomization.yaml',
      'marker.k8s.yaml',
      'metrics-reader.k8s.yaml',
      'namespace.k8s.yaml',
      'pool-vllm-llama3-8b-instruct.k8s.yaml',
    ]);
    expect(run.output['marker.k8s.yaml']).toBe('kind: Marker\n');
  });
});
