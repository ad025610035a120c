/**
 * The models in the mocks, each shown to catch the wiring it exists for: small programs that wire a
 * resource the old way and the fixed way, run under the same mocks as the real program.
 */
import * as gcp from '@pulumi/gcp';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { compareRuns } from '../../plan/plan-model';
import { program } from './harness';

const enableContainer = () => new gcp.projects.Service('container', { project: 'p', service: 'container.googleapis.com', disableOnDestroy: false });

describe('API enablement (Google Cloud answers 403 SERVICE_DISABLED before it completes)', () => {
  test('an invoke with only a parent, as getEngineVersions was wired, is reported', async () => {
    const run = await program(() => {
      enableContainer();
      gcp.container.getEngineVersionsOutput({ project: 'p', location: 'us-central1' });
    });
    expect(run.violations).toEqual([{ kind: 'invoke', type: 'gcp:container/getEngineVersions:getEngineVersions', api: 'container.googleapis.com', project: 'p' }]);
  });

  test('the same invoke with dependsOn on the enablement is not', async () => {
    const run = await program(() => {
      const api = enableContainer();
      gcp.container.getEngineVersionsOutput({ project: 'p', location: 'us-central1' }, { dependsOn: [api] });
    });
    expect(run.calls.map((call) => call.token)).toEqual(['gcp:container/getEngineVersions:getEngineVersions']);
    expect(run.violations).toEqual([]);
  });

  test('a resource that does not depend on the enablement is reported even when it happens to come later', async () => {
    const run = await program(() => {
      const api = enableContainer();
      // Created inside an apply on the Service's id: registered after the enablement completed, but
      // with no dependency on it, so the engine would be free to create it first (on a later update,
      // for instance, when the Service already exists and its id is known at once).
      api.id.apply(() => new gcp.container.Cluster('late', { project: 'p', location: 'us-central1', deletionProtection: false, initialNodeCount: 1 }));
      new gcp.container.Cluster('ordered', { project: 'p', location: 'us-central1', deletionProtection: false, initialNodeCount: 1 }, { dependsOn: [api] });
    });
    expect(run.resources.map((resource) => resource.name)).toEqual(expect.arrayContaining(['late', 'ordered']));
    expect(run.violations.map((violation) => violation.name)).toEqual(['late']);
  });

  test('a resource in another project needs the API enabled in that project', async () => {
    const run = await program(() => {
      const api = enableContainer();
      new gcp.container.Cluster('elsewhere', { project: 'other', location: 'us-central1', deletionProtection: false, initialNodeCount: 1 }, { dependsOn: [api] });
    });
    expect(run.violations).toEqual([{ kind: 'resource', type: 'gcp:container/cluster:Cluster', name: 'elsewhere', api: 'container.googleapis.com', project: 'other' }]);
  });
});

describe('service agents belong to one project (IAM refuses an agent that does not exist: "does not exist")', () => {
  // Resource Manager gives every project its own number; the agent's email carries its project's number.
  const agentOf = (number: string) => `serviceAccount:service-${number}@container-engine-robot.iam.gserviceaccount.com`;

  test("a grant naming the host project's number for the service project's agent is reported; the service project's number is not", async () => {
    const run = await program(() => {
      const identity = new gcp.projects.ServiceIdentity('agent', { project: 'p', service: 'container.googleapis.com' });
      for (const projectId of ['p', 'host']) {
        gcp.organizations.getProjectOutput({ projectId }).number.apply((number) => {
          new gcp.projects.IAMMember(`grant-with-${projectId}-number`, { project: 'host', role: 'roles/container.hostServiceAgentUser', member: agentOf(number) }, { dependsOn: [identity] });
        });
      }
    });
    expect(run.resources.map((resource) => resource.name)).toEqual(expect.arrayContaining(['grant-with-p-number', 'grant-with-host-number']));
    expect(run.violations.filter((violation) => violation.kind === 'agent').map((violation) => violation.name)).toEqual(['grant-with-host-number']);
  });
});

describe('Workload Identity pools (IAM refuses a principal of a pool no cluster has created yet)', () => {
  const PRINCIPAL = 'principal://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p.svc.id.goog/subject/ns/app/sa/reader';
  const cluster = () =>
    new gcp.container.Cluster('gke', { project: 'p', location: 'us-central1', deletionProtection: false, initialNodeCount: 1, workloadIdentityConfig: { workloadPool: 'p.svc.id.goog' } });
  const grant = (name: string, member: string, options: pulumi.CustomResourceOptions = {}) =>
    new gcp.projects.IAMMember(name, { project: 'p', role: 'roles/monitoring.viewer', member }, options);

  test('a grant that does not wait for the cluster is reported, in either member form', async () => {
    const run = await program(() => {
      cluster();
      grant('early', PRINCIPAL);
      grant('legacy', 'serviceAccount:p.svc.id.goog[app/reader]');
    });
    expect(run.resources.map((resource) => resource.name)).toEqual(expect.arrayContaining(['gke', 'early', 'legacy']));
    expect(run.violations.filter((violation) => violation.kind === 'pool').map((violation) => [violation.name, violation.member])).toEqual([
      ['early', PRINCIPAL],
      ['legacy', 'serviceAccount:p.svc.id.goog[app/reader]'],
    ]);
  });

  test('a grant that waits for the cluster of its pool is not; one for another pool is', async () => {
    const run = await program(() => {
      const gke = cluster();
      grant('ordered', PRINCIPAL, { dependsOn: [gke] });
      grant('other-pool', PRINCIPAL.replace('p.svc.id.goog', 'q.svc.id.goog'), { dependsOn: [gke] });
    });
    expect(run.resources.map((resource) => resource.name)).toEqual(expect.arrayContaining(['gke', 'ordered', 'other-pool']));
    expect(run.violations.filter((violation) => violation.kind === 'pool').map((violation) => violation.name)).toEqual(['other-pool']);
  });
});

describe('replacement (ForceNew inputs, and the order the engine and providers choose)', () => {
  const gpuPool = (count: number, options: pulumi.CustomResourceOptions, name = 'gpu') => () => {
    new gcp.container.NodePool('pool', { cluster: 'c', location: 'us-central1', name, nodeConfig: { machineType: `a3-highgpu-${count}g`, guestAccelerators: [{ type: 'nvidia-h100-80gb', count }] } }, options);
  };

  test('a pool with a fixed name, as the GPU pool had, is deleted before its replacement exists', async () => {
    const changes = compareRuns(await program(gpuPool(1, {})), await program(gpuPool(2, {})));
    expect(changes).toEqual([expect.objectContaining({ action: 'replace', replaceOrder: 'delete-before-create' })]);
  });

  test('with deleteBeforeReplace false and a new name, the replacement comes first', async () => {
    const changes = compareRuns(await program(gpuPool(1, { deleteBeforeReplace: false }, 'gpu-1')), await program(gpuPool(2, { deleteBeforeReplace: false }, 'gpu-2')));
    expect(changes).toEqual([expect.objectContaining({ action: 'replace', replaceOrder: 'create-before-delete' })]);
  });

  test('an input the provider updates in place (machine type) is an update', async () => {
    // Two machine types with the same GPUs (one L4 each): the mocks refuse a machine type without its own GPUs.
    const l4Pool = (machineType: string) => () => {
      new gcp.container.NodePool('pool', { cluster: 'c', location: 'us-central1', name: 'gpu', nodeConfig: { machineType, guestAccelerators: [{ type: 'nvidia-l4', count: 1 }] } });
    };
    const before = await program(l4Pool('g2-standard-8'));
    const after = await program(l4Pool('g2-standard-12'));
    expect(compareRuns(before, after)).toEqual([expect.objectContaining({ action: 'update', replaceOrder: null })]);
  });

  test('an ignored input is not diffed', async () => {
    const cluster = (version: string) => () => {
      new gcp.container.Cluster('c', { location: 'us-central1', minMasterVersion: version, deletionProtection: false, initialNodeCount: 1 }, { ignoreChanges: ['minMasterVersion'] });
    };
    const [before, after] = [await program(cluster('1.33.1')), await program(cluster('1.34.2'))];
    for (const run of [before, after]) expect(run.resources.map((resource) => resource.name)).toEqual(['c']);
    expect(compareRuns(before, after)).toEqual([expect.objectContaining({ action: 'same' })]);
  });

  test("a Deployment whose selector changes is replaced (an immutable field), old first since it keeps its name; its pods restart", async () => {
    const deployment = (app: string) => () => {
      const provider = new k8s.Provider('k8s', { kubeconfig: '{}' });
      const labels = { app };
      new k8s.yaml.v2.ConfigGroup('pool', { objs: [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'server', namespace: 'default' }, spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'i:1' }] } } } }] }, { provider });
    };
    const changes = compareRuns(await program(deployment('a')), await program(deployment('b')));
    expect(changes.find((c) => c.type === 'kubernetes:apps/v1:Deployment')).toMatchObject({ action: 'replace', replaceOrder: 'delete-before-create', restarts: true });
  });

  test('a ConfigMap whose data changes is replaced, name kept so deleted first, unless the provider makes ConfigMaps mutable', async () => {
    const adapters = (data: string, mutable: boolean) => () => {
      const provider = new k8s.Provider('k8s', { kubeconfig: '{}', ...(mutable ? { enableConfigMapMutable: true } : {}) });
      new k8s.yaml.v2.ConfigGroup('pool', { objs: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'adapters', namespace: 'default' }, data: { 'configmap.yaml': data } }] }, { provider });
    };
    const configMap = (changes: ReturnType<typeof compareRuns>) => changes.find((c) => c.type === 'kubernetes:core/v1:ConfigMap');
    expect(configMap(compareRuns(await program(adapters('a', false)), await program(adapters('b', false))))).toMatchObject({ action: 'replace', replaceOrder: 'delete-before-create' });
    expect(configMap(compareRuns(await program(adapters('a', true)), await program(adapters('b', true))))).toMatchObject({ action: 'update' });
  });
});

describe('ordering of a route switch (pulumi-kubernetes applies unrelated ConfigGroups in parallel)', () => {
  const deployment = (name: string) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'vllm', image: 'vllm:1' }] } } },
  });
  const pool = (name: string) => [
    deployment(name),
    deployment(`${name}-epp`),
    { apiVersion: 'v1', kind: 'Service', metadata: { name: `${name}-epp`, namespace: 'default' }, spec: { selector: { app: `${name}-epp` }, ports: [{ port: 9002 }] } },
    { apiVersion: 'inference.networking.x-k8s.io/v1alpha2', kind: 'InferencePool', metadata: { name, namespace: 'default' }, spec: { selector: { app: name }, targetPortNumber: 8000, extensionRef: { name: `${name}-epp` } } },
  ];
  const route = (poolName: string) => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'route', namespace: 'default' },
    spec: { rules: [{ backendRefs: [{ group: 'inference.networking.x-k8s.io', kind: 'InferencePool', name: poolName }] }] },
  });
  const app = (poolName: string, routeWaits: boolean) => () => {
    const provider = new k8s.Provider('k8s', { kubeconfig: '{}' });
    const pools = new k8s.yaml.v2.ConfigGroup(`pool-${poolName}`, { objs: pool(poolName) }, { provider });
    new k8s.yaml.v2.ConfigGroup('gateway', { objs: [route(poolName)] }, { provider, dependsOn: routeWaits ? [pools] : [] });
  };
  const routeRow = async (routeWaits: boolean) => {
    const changes = compareRuns(await program(app('old', routeWaits)), await program(app('new', routeWaits)));
    return changes.find((change) => change.type === 'kubernetes:gateway.networking.k8s.io/v1:HTTPRoute');
  };

  test('a route that does not wait for the new pool sends traffic before its pods are Ready: outage', async () => {
    const row = await routeRow(false);
    expect(row).toMatchObject({ action: 'update', impact: 'outage' });
    // The model servers and the endpoint picker both have to be Ready before the pool can serve.
    expect(row?.impactReasons[0]).toMatch(/new InferencePool new while pool-new:default\/new, pool-new:default\/new-epp are still starting/);
    // Named list items are matched by name: one backend leaves, another arrives.
    expect(row?.changes).toEqual([
      { path: 'spec.rules[0].backendRefs[old]', from: { group: 'inference.networking.x-k8s.io', kind: 'InferencePool', name: 'old' }, to: null },
      { path: 'spec.rules[0].backendRefs[new]', from: null, to: { group: 'inference.networking.x-k8s.io', kind: 'InferencePool', name: 'new' } },
    ]);
  });

  test('the same switch with the route group depending on the pool group (as infra/kubernetes.ts wires it) has no impact', async () => {
    expect(await routeRow(true)).toMatchObject({ action: 'update', impact: 'none' });
  });
});
