/**
 * The PodMonitoring that has Managed Prometheus scrape vLLM: it selects exactly the model server pods of
 * its pool (no picker pod, no other pool's pods), on the port vLLM serves /metrics on, at the interval of
 * the picker's own scrape, in both profiles and during a migration.
 */
import { extensionRelease, resolveSpec, type DeploymentSpec } from '../../spec';
import { findAll, findObject, selects, synthApp, type K8sObject } from './helpers';

const POOL = 'vllm-llama3-8b-instruct';

/** Every pod template of the app with the Deployment that owns it. */
function podTemplates(objects: readonly K8sObject[]): { owner: string; labels: Record<string, string>; spec: K8sObject }[] {
  return findAll(objects, 'Deployment').map((deployment) => ({ owner: deployment.metadata.name, labels: deployment.spec.template.metadata.labels, spec: deployment.spec.template.spec }));
}

function vllmMonitors(objects: readonly K8sObject[]): K8sObject[] {
  return findAll(objects, 'PodMonitoring').filter((monitor) => monitor.metadata.name.endsWith('-vllm'));
}

/** The interval of the picker's own monitor: ClusterPodMonitoring (v0.3.0) or PodMonitoring (GA). */
function pickerIntervals(objects: readonly K8sObject[]): string[] {
  return [...findAll(objects, 'ClusterPodMonitoring'), ...findAll(objects, 'PodMonitoring').filter((monitor) => !monitor.metadata.name.endsWith('-vllm'))].map(
    (monitor) => monitor.spec.endpoints[0].interval,
  );
}

const profiles: [string, DeploymentSpec][] = [
  ['v0.3.0 (default)', resolveSpec({}, 'default')],
  ['GA', resolveSpec({ inferenceExtension: { version: 'llm-d-v0.10.0' } }, 'GA')],
];

describe.each(profiles)('profile %s', (_name, spec) => {
  const objects = synthApp(spec);
  const [monitor] = vllmMonitors(objects);
  const templates = podTemplates(objects);

  test('has one vLLM PodMonitoring, in the pool namespace', () => {
    expect(vllmMonitors(objects).map((m) => `${m.metadata.namespace}/${m.metadata.name}`)).toEqual([`default/${POOL}-vllm`]);
  });

  test('selects the model server pods and no other pod of the app', () => {
    const selected = templates.filter((template) => selects(monitor.spec.selector.matchLabels, template.labels)).map((template) => template.owner);
    expect(selected).toEqual([POOL]);
  });

  test("scrapes /metrics on the vllm container's named port, the one vLLM listens on", () => {
    const [endpoint] = monitor.spec.endpoints;
    const vllm = findObject(objects, 'Deployment', POOL).spec.template.spec.containers.find((container: K8sObject) => container.name === 'vllm');
    const port = vllm.ports.find((candidate: { name: string }) => candidate.name === endpoint.port);
    expect(port).toBeDefined();
    expect(String(port.containerPort)).toBe(vllm.args[vllm.args.indexOf('--port') + 1]);
    expect([endpoint.path, endpoint.scheme]).toEqual(['/metrics', 'http']);
  });

  test("scrapes at the picker's interval", () => {
    expect(pickerIntervals(objects)).toEqual([extensionRelease(spec.inferenceExtension.version).scrapeInterval]);
    expect(monitor.spec.endpoints[0].interval).toBe(pickerIntervals(objects)[0]);
  });
});

test('two pools: each PodMonitoring selects its own model servers only', () => {
  const objects = synthApp(
    resolveSpec(
      {
        cluster: { gpuPool: { maxNodes: 6 } },
        pools: [
          { name: 'alpha', modelServer: { baseModel: 'google/gemma-2-9b-it', replicas: 1 }, routePathPrefix: '/alpha' },
          { name: 'beta', modelServer: { baseModel: 'google/gemma-2-2b-it', replicas: 1 }, routePathPrefix: '/beta' },
        ],
      },
      'two pools',
    ),
  );
  const templates = podTemplates(objects);
  const selection = vllmMonitors(objects).map((monitor) => [
    monitor.metadata.name,
    templates.filter((template) => selects(monitor.spec.selector.matchLabels, template.labels)).map((template) => template.owner),
  ]);
  expect(selection).toEqual([
    ['alpha-vllm', ['alpha']],
    ['beta-vllm', ['beta']],
  ]);
});

test('during a migration one PodMonitoring serves both stacks, at the interval of the profile the spec names', () => {
  const objects = synthApp(resolveSpec({ inferenceExtension: { version: 'llm-d-v0.10.0', migration: { from: 'v0.3.0', trafficPercent: 10 } }, pools: [{ name: POOL, inferencePoolName: `${POOL}-ga` }] }, 'migration'));
  const monitors = vllmMonitors(objects);
  expect(monitors.map((monitor) => [monitor.metadata.name, monitor.spec.endpoints[0].interval])).toEqual([[`${POOL}-vllm`, extensionRelease('llm-d-v0.10.0').scrapeInterval]]);
});

test('monitoring.modelServers false: no vLLM PodMonitoring, unless the pool autoscales on a vLLM gauge', () => {
  expect(vllmMonitors(synthApp(resolveSpec({ monitoring: { modelServers: false } }, 'off')))).toEqual([]);
  const autoscaled = synthApp(
    resolveSpec({ monitoring: { modelServers: false }, cluster: { gpuPool: { maxNodes: 4 } }, pools: [{ name: POOL, autoscaling: { minReplicas: 1, maxReplicas: 3 } }] }, 'autoscaled'),
  );
  expect(vllmMonitors(autoscaled).map((monitor) => monitor.metadata.name)).toEqual([`${POOL}-vllm`]);
});

test('an autoscaled pool has one vLLM PodMonitoring, not one for monitoring and one for the HPA', () => {
  const objects = synthApp(resolveSpec({ cluster: { gpuPool: { maxNodes: 4 } }, pools: [{ name: POOL, autoscaling: { minReplicas: 1, maxReplicas: 3 } }] }, 'autoscaled'));
  expect(findAll(objects, 'PodMonitoring').filter((monitor) => selects(monitor.spec.selector.matchLabels, findObject(objects, 'Deployment', POOL).spec.template.metadata.labels))).toHaveLength(1);
});
