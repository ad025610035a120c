/**
 * The secure Gateway's manifests: HTTPS on 443 with the certificate GKE reads on a regional Gateway, plain
 * HTTP only as a redirect, the Cloud Armor policy on every InferencePool's GCPBackendPolicy and the Model
 * Armor GCPTrafficExtension, in both profiles and with body-based routing, each validated against the
 * pinned CRDs.
 */
import { resolveSpec, type DeploymentSpec } from '../../spec';
import { lines, synthObjects, validate } from '../validate/helpers';
import { findAll, synthApp, type K8sObject } from './helpers';

const CLOSED = {
  tls: { domains: ['llm.example.com'] },
  access: { allowedSourceRanges: ['203.0.113.0/24'] },
  modelArmor: { enabled: true, project: 'my-project' },
};
const ONE_URL = {
  cluster: { gpuPool: { maxNodes: 5 } },
  pools: [{ name: 'vllm-llama3-8b-instruct' }, { name: 'qwen-7b', modelServer: { replicas: 2, baseModel: 'Qwen/Qwen2.5-7B-Instruct' } }],
};
const MIGRATION = {
  inferenceExtension: { version: 'llm-d-v0.10.0', migration: { from: 'v0.3.0', trafficPercent: 10 } },
  pools: [{ name: 'vllm-llama3-8b-instruct', inferencePoolName: 'vllm-llama3-8b-instruct-ga' }],
};

const spec = (document: Record<string, unknown>, gateway: Record<string, unknown> = CLOSED): DeploymentSpec =>
  resolveSpec({ ...document, gateway: { ...(document.gateway as object | undefined), ...gateway } }, 'test');
const only = (objects: readonly K8sObject[], kind: string): K8sObject => {
  const found = findAll(objects, kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0];
};
const routesToPools = (objects: readonly K8sObject[]): K8sObject[] =>
  findAll(objects, 'HTTPRoute').filter((route) => route.spec.rules.some((rule: { backendRefs?: unknown[] }) => (rule.backendRefs ?? []).length > 0));

describe("the guide's default", () => {
  const objects = synthApp();

  test('one plain HTTP listener on 80, routes attached to the whole Gateway, no redirect', () => {
    expect(only(objects, 'Gateway').spec.listeners).toEqual([{ name: 'http', port: 80, protocol: 'HTTP' }]);
    expect(findAll(objects, 'HTTPRoute').map((route) => route.spec.parentRefs)).toEqual([[{ name: 'inference-gateway' }]]);
  });

  test('no security policy on the backend policy and no traffic extension', () => {
    expect(findAll(objects, 'GCPBackendPolicy').map((policy) => policy.spec.default.securityPolicy)).toEqual([undefined]);
    expect(findAll(objects, 'GCPTrafficExtension')).toEqual([]);
  });
});

describe('HTTPS', () => {
  test('a Certificate Manager certificate reaches the 443 listener through the option GKE reads on regional Gateways', () => {
    const gateway = only(synthApp(spec({})), 'Gateway');
    expect(gateway.metadata.annotations).toBeUndefined(); // no certificate map: maps are for global Gateways
    expect(gateway.spec.listeners).toEqual([
      { name: 'http', port: 80, protocol: 'HTTP' },
      { name: 'https', port: 443, protocol: 'HTTPS', tls: { mode: 'Terminate', options: { 'networking.gke.io/cert-manager-certs': 'inference-gateway-gateway-cert-82b4ca17' } } },
    ]);
  });

  test('a TLS Secret is referenced, never written: the synth output holds no Secret of that name and no key', () => {
    const objects = synthApp(spec({}, { tls: { secretName: 'llm-tls' } }));
    expect(only(objects, 'Gateway').spec.listeners[1].tls).toEqual({ mode: 'Terminate', certificateRefs: [{ kind: 'Secret', group: '', name: 'llm-tls' }] });
    expect(objects.filter((object) => object.kind === 'Secret' && object.metadata.name === 'llm-tls')).toEqual([]);
    expect(JSON.stringify(objects)).not.toMatch(/PRIVATE KEY|tls\.key/);
  });

  test('with TLS, every route to a pool attaches to the HTTPS listener only', () => {
    for (const document of [{}, ONE_URL, MIGRATION]) {
      const routes = routesToPools(synthApp(spec(document)));
      expect(routes.length).toBeGreaterThan(0);
      for (const route of routes) expect(route.spec.parentRefs).toEqual([{ name: 'inference-gateway', sectionName: 'https' }]);
    }
  });

  test('plain HTTP gets one route, which only redirects to https with 301 (port from the scheme: 443)', () => {
    const objects = synthApp(spec({}));
    const redirect = findAll(objects, 'HTTPRoute').find((route) => route.metadata.name === 'my-route-https-redirect');
    expect(redirect?.spec).toEqual({
      parentRefs: [{ name: 'inference-gateway', sectionName: 'http' }],
      rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
    });
    const onHttp = findAll(objects, 'HTTPRoute').filter((route) => route.spec.parentRefs.some((ref: { sectionName?: string }) => ref.sectionName !== 'https'));
    expect(onHttp.map((route) => route.metadata.name)).toEqual(['my-route-https-redirect']);
  });
});

describe('access control', () => {
  test.each([
    ['the guide profile', {}],
    ['two pools behind one URL', ONE_URL],
    ['a migration (both profiles)', MIGRATION],
    ['the GA profile', { inferenceExtension: { version: 'llm-d-v0.10.0' } }],
  ])('every InferencePool of %s has the Cloud Armor policy on its GCPBackendPolicy', (_name, document) => {
    const objects = synthApp(spec(document, { access: { allowedSourceRanges: ['203.0.113.0/24'] } }));
    const pools = findAll(objects, 'InferencePool').map((pool) => `${pool.apiVersion.split('/')[0]}/${pool.metadata.name}`);
    const policies = findAll(objects, 'GCPBackendPolicy');
    expect(policies.map((policy) => `${policy.spec.targetRef.group}/${policy.spec.targetRef.name}`).sort()).toEqual(pools.sort());
    for (const policy of policies) expect(policy.spec.default.securityPolicy).toBe('inference-gateway-gateway-access');
  });
});

describe('Model Armor', () => {
  test('a GCPTrafficExtension on the Gateway sends requests and responses to the regional Model Armor endpoint, failing closed', () => {
    const extension = only(synthApp(spec({})), 'GCPTrafficExtension');
    expect(extension.spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'inference-gateway' }]);
    const [chain] = extension.spec.extensionChains;
    expect(chain.matchCondition).toEqual({ celExpressions: [{ celMatcher: 'request.path.startsWith("/")' }] });
    expect(chain.extensions).toEqual([
      {
        name: 'model-armor',
        googleAPIServiceName: 'modelarmor.us-central1.rep.googleapis.com',
        timeout: '1s',
        failOpen: false,
        supportedEvents: ['RequestHeaders', 'RequestBody', 'RequestTrailers', 'ResponseHeaders', 'ResponseBody', 'ResponseTrailers'],
        metadata: {
          model_armor_settings:
            '[{"model":"default","user_prompt_template_id":"projects/my-project/locations/us-central1/templates/inference-gateway-model-armor","model_response_template_id":"projects/my-project/locations/us-central1/templates/inference-gateway-model-armor"}]',
        },
      },
    ]);
  });

  test('the region follows cluster.region', () => {
    const extension = only(synthApp(spec({ cluster: { region: 'europe-west4' } })), 'GCPTrafficExtension');
    expect(extension.spec.extensionChains[0].extensions[0].googleAPIServiceName).toBe('modelarmor.europe-west4.rep.googleapis.com');
  });

  test('with body-based routing, the router stays a GCPRoutingExtension and Model Armor a separate GCPTrafficExtension on the same Gateway', () => {
    const objects = synthApp(spec(ONE_URL));
    const router = only(objects, 'GCPRoutingExtension');
    const armor = only(objects, 'GCPTrafficExtension');
    expect(router.spec.targetRefs).toEqual(armor.spec.targetRefs);
    expect(JSON.stringify(router)).not.toContain('modelarmor');
    expect(armor.spec.extensionChains[0].extensions[0].backendRef).toBeUndefined();
  });
});

describe('validation against the pinned CRDs', () => {
  test.each([
    ['guide profile, external', {}, CLOSED],
    ['guide profile, internal', { gateway: { className: 'gke-l7-rilb' } }, CLOSED],
    ['TLS from a Secret', {}, { ...CLOSED, tls: { secretName: 'llm-tls' } }],
    ['rate limited', {}, { ...CLOSED, access: { allowedSourceRanges: ['203.0.113.0/24'], rateLimit: { requestsPerMinute: 600 } } }],
    ['GA profile', { inferenceExtension: { version: 'llm-d-v0.10.0' } }, CLOSED],
    ['a migration', MIGRATION, CLOSED],
    ['body-based routing', ONE_URL, CLOSED],
  ])('%s: every object validates clean', (_name, document, gateway) => {
    const resolved = spec(document as Record<string, unknown>, gateway);
    expect(lines(validate(synthObjects(resolved), resolved))).toEqual([]);
  });

  test('the validator reads the GCPTrafficExtension CRD: a timeout above its 10 s limit is reported', () => {
    const resolved = spec({});
    const objects = synthObjects(resolved);
    const extension = objects.find((entry) => (entry.object as { kind: string }).kind === 'GCPTrafficExtension')?.object as K8sObject;
    extension.spec.extensionChains[0].extensions[0].timeout = '20s';
    expect(lines(validate(objects, resolved))).toEqual([expect.stringMatching(/^GCPTrafficExtension\/inference-gateway-model-armor: .*timeout must be between 10-10000 milliseconds/)]);
  });

  test('routes on different listeners never shadow each other, but the same match on one listener still does', () => {
    const resolved = spec({});
    const objects = synthObjects(resolved);
    const redirect = objects.find((entry) => (entry.object as K8sObject).metadata.name === 'my-route-https-redirect')?.object as K8sObject;
    redirect.spec.rules[0].matches = [{ path: { type: 'PathPrefix', value: '/' } }];
    expect(lines(validate(objects, resolved))).toEqual([]);
    redirect.spec.parentRefs[0].sectionName = 'https';
    expect(lines(validate(objects, resolved))).toEqual([expect.stringContaining('has the same match on Gateway "inference-gateway"')]);
  });
});
