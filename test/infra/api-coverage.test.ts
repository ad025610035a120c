/**
 * The enablement model in the mocks (plan/mocks.ts) only checks what `apiOf` (infra/service-apis.ts)
 * names: a resource type or invoke token missing from that table would reach Google Cloud unchecked,
 * and a first run could meet 403 SERVICE_DISABLED with every test green. So every `gcp:` type and token
 * the program registers, across the specs that switch its optional parts on, must have an API there;
 * `gcp:projects/service:Service` is the exception (it goes through Service Usage, on in every project).
 * Image streaming is the one API no type implies: a node pool is a Kubernetes Engine call, but GKE
 * refuses gcfsConfig.enabled unless the Container File System API is on, so the GPU pool must wait for it.
 */
import { apiOf } from '../../infra/service-apis';
import { waitsFor } from '../../plan/plan-model';
import type { MockRun } from '../../plan/program';
import { GUIDE_POOL_NAME } from '../../spec';
import { GPU_POOL, NODE_POOL, PROJECT, SECURE_GATEWAY_SPEC, gpuNodeConfig, one, ofType, plain, runSpec } from './harness';

const SERVICE = 'gcp:projects/service:Service';

/** Specs of the existing infra tests that, together, switch every optional part of the program on. */
const SPECS: Readonly<Record<string, unknown>> = {
  defaults: {},
  'GA profile': { inferenceExtension: { version: 'llm-d-v0.10.0' } },
  'autoscaling, weights from a bucket, image streaming through the mirror': {
    inferenceExtension: { version: 'llm-d-v0.10.0' },
    cluster: { gpuPool: { maxNodes: 4 }, images: { streaming: true, mirrorProject: PROJECT } },
    pools: [{ name: GUIDE_POOL_NAME, autoscaling: { minReplicas: 1, maxReplicas: 4 }, modelServer: { weightsFrom: 'gcs', weightsBucket: 'my-weights' } }],
  },
  'Shared VPC': { cluster: { sharedVpc: { hostProject: 'host-project', attachServiceProject: true } } },
  'TLS, access control, Model Armor': SECURE_GATEWAY_SPEC,
};

const runs: Record<string, MockRun> = {};
beforeAll(async () => {
  for (const [name, spec] of Object.entries(SPECS)) runs[name] = await runSpec(spec);
});

/** Every `gcp:` resource type and invoke token of a run. */
function gcpTokens(run: MockRun): Set<string> {
  return new Set([...run.resources.map((resource) => resource.type), ...run.calls.map((call) => call.token)].filter((token) => token.startsWith('gcp:')));
}

describe('every Google Cloud call the program makes is in the enablement table', () => {
  test('each spec registers gcp: resources and invokes (the runs got through)', () => {
    for (const run of Object.values(runs)) {
      expect(run.resources.map((resource) => resource.type)).toContain(NODE_POOL);
      expect(run.calls.length).toBeGreaterThan(0);
    }
  });

  test.each(Object.keys(SPECS))('%s: every gcp: type and token but Service has an API in apiOf', (name) => {
    const missing = [...gcpTokens(runs[name])].filter((token) => token !== SERVICE && apiOf(token) === undefined);
    expect(missing).toEqual([]);
  });

  test('the optional parts were on: bucket, Certificate Manager, Model Armor, Shared VPC and mirror types are among them', () => {
    const all = new Set(Object.values(runs).flatMap((run) => [...gcpTokens(run)]));
    expect([...all]).toEqual(
      expect.arrayContaining([
        'gcp:storage/bucket:Bucket',
        'gcp:certificatemanager/certificate:Certificate',
        'gcp:modelarmor/template:Template',
        'gcp:compute/sharedVPCServiceProject:SharedVPCServiceProject',
        'gcp:artifactregistry/repository:Repository',
        'gcp:cloudquota/getSQuotaInfo:getSQuotaInfo',
        'gcp:container/getEngineVersions:getEngineVersions',
      ]),
    );
  });
});

describe('image streaming waits for the Container File System API', () => {
  test.each(['defaults', 'autoscaling, weights from a bucket, image streaming through the mirror'])('%s: the streaming GPU pool waits for containerfilesystem.googleapis.com', (name) => {
    const run = runs[name];
    expect(gpuNodeConfig(run).gcfsConfig).toEqual({ enabled: true });
    const services = ofType(run, SERVICE).filter((service) => plain(service).service === 'containerfilesystem.googleapis.com');
    expect(services).toHaveLength(1);
    expect(waitsFor(run, one(run, NODE_POOL, GPU_POOL).urn, services[0].urn)).toBe(true);
  });
});
