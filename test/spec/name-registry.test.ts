/**
 * The name registry (spec/names.ts) claims exactly the objects synth writes, so that a collision it does
 * not see cannot exist; and the spec refuses every collision, naming both fields.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { NameRegistry, registerObjectNames, resolveSpec, type DeploymentSpec } from '../../spec';
import { synthApp } from '../charts/helpers';

const GPUS = { gpuPool: { maxNodes: 12 } };
const base = (id: string) => ({ name: id, modelName: 'meta-llama/Llama-3.1-8B-Instruct', criticality: 'Critical' });
const SPECS: Record<string, Record<string, unknown>> = {
  'the guide (v0.3.0)': {},
  'the guide without monitoring': { monitoring: { metricsReader: false } },
  'GA, two pools behind one URL (body-based routing), one renamed model': {
    inferenceExtension: { version: 'llm-d-v0.10.0' },
    cluster: GPUS,
    pools: [
      { name: 'a', models: [{ ...base('a-base'), modelName: 'a' , targetModels: [{ name: 'meta-llama/Llama-3.1-8B-Instruct' }] }] },
      { name: 'b', models: [{ ...base('b-base'), modelName: 'b', targetModels: [{ name: 'meta-llama/Llama-3.1-8B-Instruct' }] }] },
    ],
  },
  'GA, one picker replica (no leader election), no monitoring': {
    inferenceExtension: { version: 'llm-d-v0.10.0' },
    monitoring: { metricsReader: false },
    pools: [{ name: 'solo', endpointPicker: { replicas: 1 } }],
  },
  'a migration of two pools': {
    inferenceExtension: { version: 'llm-d-v0.10.0', migration: { from: 'v0.3.0', trafficPercent: 10 } },
    cluster: GPUS,
    pools: [
      { name: 'a', inferencePoolName: 'a-ga' },
      { name: 'b', inferencePoolName: 'b-ga', routePathPrefix: '/b' },
    ],
  },
  'more rules than one HTTPRoute holds': {
    inferenceExtension: { version: 'llm-d-v0.10.0' },
    cluster: { gpuPool: { maxNodes: 60 } },
    pools: Array.from({ length: 18 }, (_, i) => ({ name: `p${i}`, routePathPrefix: `/p${i}` })),
  },
  'autoscaling, weights from Cloud Storage and mirrored images (examples/scale-and-start-fast.yaml)': parse(readFileSync(join(__dirname, '..', '..', 'examples', 'scale-and-start-fast.yaml'), 'utf8')) as Record<string, unknown>,
};

const keyOf = (object: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }) =>
  NameRegistry.key(object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '', object.kind, object.metadata.namespace, object.metadata.name);

describe.each(Object.entries(SPECS))('%s', (_name, document) => {
  const spec: DeploymentSpec = resolveSpec(document, 'registry');
  test('the registry claims exactly the objects synth writes, each once', () => {
    const written = synthApp(spec).map(keyOf);
    expect(new Set(written).size).toBe(written.length);
    const registry = registerObjectNames(spec);
    expect(registry.collisions()).toEqual([]);
    expect([...registry.keys()].sort()).toEqual([...written].sort());
  });
});

describe('a generated name that two objects would share is refused, naming both fields', () => {
  const GA = { inferenceExtension: { version: 'llm-d-v0.10.0' } };
  test.each([
    [
      "an adapters ConfigMap named like a GA picker's plugin ConfigMap",
      { ...GA, cluster: GPUS, pools: [{ name: 'chat', routePathPrefix: '/chat' }, { name: 'code', routePathPrefix: '/code', adapters: { configMapName: 'chat-epp' } }] },
      /pools\[1\]\.adapters\.configMapName: names the adapters ConfigMap of pool code chat-epp, the same ConfigMap in namespace default as the endpoint picker ConfigMap \(its plugin config\) of InferencePool chat \(from pools\[0\]\.name\)/,
    ],
    [
      "a GA InferencePool named so that its metrics reader's objects (and token Secret) are the guide reader's, during a migration",
      { inferenceExtension: { version: 'llm-d-v0.10.0', migration: { from: 'v0.3.0', trafficPercent: 10 } }, pools: [{ name: 'p', inferencePoolName: 'inference-gateway-sa' }] },
      /pools\[0\]\.inferencePoolName: names the metrics reader of InferencePool inference-gateway-sa default\.inference-gateway-sa-metrics-reader-role-binding, the same ClusterRoleBinding as the guide's metrics reader \(from monitoring\.metricsReader\)/,
    ],
    [
      "an InferencePool named like the guide reader's ClusterRole, during a migration",
      { inferenceExtension: { version: 'llm-d-v0.10.0', migration: { from: 'v0.3.0', trafficPercent: 10 } }, pools: [{ name: 'p', inferencePoolName: 'inference-gateway' }] },
      /pools\[0\]\.inferencePoolName: names the metrics reader of InferencePool inference-gateway default\.inference-gateway-metrics-reader, the same ClusterRole as the guide's metrics reader \(from monitoring\.metricsReader\)/,
    ],
  ])('%s', (_name, document, message) => {
    expect(() => resolveSpec(document, 'collision')).toThrow(message);
  });
});
