/**
 * Issue 19 under mocks: what `pulumi up` installs so an HPA sees its metric, image streaming with an
 * Artifact Registry mirror, and the Cloud Storage bucket of the weights.
 */
import type { MockRun } from '../../infra/program';
import { GUIDE_POOL_NAME, METRICS_ADAPTER } from '../../spec';
import { CONFIG_GROUP, PROJECT, ofType, plain, runSpec } from './harness';

const IAM_MEMBER = 'gcp:projects/iAMMember:IAMMember';
const ADAPTER_PRINCIPAL = `principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/${PROJECT}.svc.id.goog/subject/ns/${METRICS_ADAPTER.namespace}/sa/${METRICS_ADAPTER.serviceAccount}`;

let defaults: MockRun;
let autoscaled: MockRun;
beforeAll(async () => {
  defaults = await runSpec({});
  autoscaled = await runSpec({ cluster: { gpuPool: { maxNodes: 4 } }, pools: [{ name: GUIDE_POOL_NAME, autoscaling: { minReplicas: 1, maxReplicas: 4 } }] });
});

describe('autoscaling: what serves the metric', () => {
  test("the adapter's Kubernetes service account may read Cloud Monitoring (Workload Identity principal, no key)", () => {
    const grants = ofType(autoscaled, IAM_MEMBER).map(plain).filter((inputs) => inputs.member === ADAPTER_PRINCIPAL);
    expect(grants).toEqual([expect.objectContaining({ project: PROJECT, role: 'roles/monitoring.viewer' })]);
  });

  test('the adapter, its APIServices and the HPA are applied, the adapter before nothing else needs it', () => {
    const adapterGroup = autoscaled.objects.filter((entry) => entry.group === 'metrics-adapter');
    expect(adapterGroup.map((entry) => entry.object.kind)).toEqual(expect.arrayContaining(['Namespace', 'Deployment', 'Service', 'APIService']));
    // Its Deployment waits for its Namespace and ServiceAccount (pulumi-kubernetes' ConfigGroup order).
    const deployment = adapterGroup.find((entry) => entry.object.kind === 'Deployment');
    expect([...(deployment?.waitsFor ?? [])].join(' ')).toMatch(/Namespace.*custom-metrics|ServiceAccount/);
    const hpa = autoscaled.objects.filter((entry) => entry.object.kind === 'HorizontalPodAutoscaler');
    expect(hpa.map((entry) => entry.name)).toEqual([`pool-${GUIDE_POOL_NAME}:default/${GUIDE_POOL_NAME}`]);
  });

  test('the grant waits for the Resource Manager API and the cluster (its Workload Identity pool); nothing runs before an API is on', () => {
    expect(autoscaled.violations).toEqual([]);
  });

  test('the Kubernetes objects wait for the grant', () => {
    const group = ofType(autoscaled, CONFIG_GROUP).find((resource) => resource.name === 'metrics-adapter');
    const grant = ofType(autoscaled, IAM_MEMBER).find((resource) => plain(resource).member === ADAPTER_PRINCIPAL);
    expect(group).toBeDefined();
    expect(grant).toBeDefined();
    expect(group?.options.dependencies).toContain(grant?.urn);
  });

  test('without autoscaling there is no grant and no adapter', () => {
    expect(ofType(defaults, IAM_MEMBER).map(plain).filter((inputs) => inputs.role === 'roles/monitoring.viewer')).toEqual([]);
    expect(defaults.objects.filter((entry) => entry.group === 'metrics-adapter')).toEqual([]);
  });
});
