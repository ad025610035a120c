/**
 * `pulumi up` of a closed Gateway under mocks: the certificate with its DNS authorization, the Cloud Armor
 * policy, the Model Armor template and the Service Extensions agent's grants, each created after the API it
 * calls is enabled (the timed enablement in plan/mocks.ts reports anything that does not wait), and the
 * Kubernetes objects that name them created after them.
 */
import { SPEC_FILE_KEY } from '../../infra/config';
import { compareRuns, waitsFor } from '../../plan/plan-model';
import type { MockRun } from '../../plan/program';
import type { RecordedResource } from '../../plan/mocks';
import { CONFIG_GROUP, SECURE_GATEWAY_SPEC, one, ofType, plain, run, runSpec, type Inputs } from './harness';

const PRODUCTION = SECURE_GATEWAY_SPEC;
const DNS_AUTHORIZATION = 'gcp:certificatemanager/dnsAuthorization:DnsAuthorization';
const CERTIFICATE = 'gcp:certificatemanager/certificate:Certificate';
const SECURITY_POLICY = 'gcp:compute/regionSecurityPolicy:RegionSecurityPolicy';
const TEMPLATE = 'gcp:modelarmor/template:Template';
const IAM_MEMBER = 'gcp:projects/iAMMember:IAMMember';
const SERVICE = 'gcp:projects/service:Service';

let defaults: MockRun;
let production: MockRun;
beforeAll(async () => {
  defaults = await runSpec({});
  production = await runSpec(PRODUCTION);
});

const service = (result: MockRun, api: string): RecordedResource => {
  const found = ofType(result, SERVICE).find((resource) => plain(resource).service === api);
  if (found === undefined) throw new Error(`${api} is not enabled`);
  return found;
};
const armorGrants = (result: MockRun): Inputs[] => ofType(result, IAM_MEMBER).filter((grant) => grant.name.includes('model-armor')).map(plain);

describe("the guide's default creates none of it", () => {
  test('no certificate, policy, template or grant, and neither Certificate Manager nor Model Armor is enabled', () => {
    for (const type of [DNS_AUTHORIZATION, CERTIFICATE, SECURITY_POLICY, TEMPLATE]) expect(ofType(defaults, type)).toEqual([]);
    expect(armorGrants(defaults)).toEqual([]);
    const services = ofType(defaults, SERVICE).map((resource) => plain(resource).service);
    expect(services).not.toContain('modelarmor.googleapis.com');
    expect(services).not.toContain('certificatemanager.googleapis.com');
  });

  test('its outputs say the Gateway is open, and there is no DNS record to create', () => {
    expect(defaults.exported.exposure).toEqual([expect.stringContaining('anyone on the internet can send requests'), expect.stringContaining('plain HTTP on port 80')]);
    expect(defaults.exported.dnsRecords).toEqual([]);
  });
});

describe('a closed Gateway', () => {
  test('no resource or lookup reaches an API before its enablement completed', () => {
    expect(production.violations).toEqual([]);
  });

  test.each([
    [DNS_AUTHORIZATION, 'certificatemanager.googleapis.com'],
    [CERTIFICATE, 'certificatemanager.googleapis.com'],
    [SECURITY_POLICY, 'compute.googleapis.com'],
    [TEMPLATE, 'modelarmor.googleapis.com'],
    [IAM_MEMBER, 'cloudresourcemanager.googleapis.com'],
  ])('every %s is created after %s is enabled', (type, api) => {
    const enabled = service(production, api);
    const resources = ofType(production, type);
    expect(resources.length).toBeGreaterThan(0);
    for (const resource of resources) expect(waitsFor(production, resource.urn, enabled.urn)).toBe(true);
  });

  test('one regional DNS authorization per domain, and a Google-managed regional certificate for all of them', () => {
    const authorizations = ofType(production, DNS_AUTHORIZATION).map(plain);
    expect(authorizations).toEqual([
      expect.objectContaining({ project: 'example-project', location: 'us-central1', name: 'inference-gateway-gateway-dns-82b4ca17', domain: 'llm.example.com', type: 'PER_PROJECT_RECORD' }),
      expect.objectContaining({ project: 'example-project', location: 'us-central1', name: 'inference-gateway-gateway-dns-0aeb3084', domain: 'api.example.com', type: 'PER_PROJECT_RECORD' }),
    ]);
    const certificate = plain(one(production, CERTIFICATE));
    expect(certificate).toMatchObject({
      project: 'example-project',
      location: 'us-central1',
      name: 'inference-gateway-gateway-cert-ec7b9a78',
      managed: { domains: ['llm.example.com', 'api.example.com'], dnsAuthorizations: ['inference-gateway-gateway-dns-82b4ca17-id', 'inference-gateway-gateway-dns-0aeb3084-id'] },
    });
    // Google makes and keeps the private key: nothing secret passes through the program or its state.
    expect(certificate.selfManaged).toBeUndefined();
  });

  test('the HTTPS listener names the certificate pulumi up created, and the Gateway waits for it', () => {
    const gateway = production.objects.find((object) => object.object.kind === 'Gateway');
    const listener = (gateway?.object.spec as { listeners: { name: string; tls?: { options?: Record<string, string> } }[] }).listeners.find((l) => l.name === 'https');
    expect(listener?.tls?.options?.['networking.gke.io/cert-manager-certs']).toBe(plain(one(production, CERTIFICATE)).name);
    expect(waitsFor(production, one(production, CONFIG_GROUP, 'gateway').urn, one(production, CERTIFICATE).urn)).toBe(true);
  });

  test('a regional Cloud Armor policy lets the allowed range through, throttled per IP with 429, and denies everyone else with 403', () => {
    const policy = plain(one(production, SECURITY_POLICY));
    expect(policy).toMatchObject({ project: 'example-project', region: 'us-central1', name: 'inference-gateway-gateway-access', type: 'CLOUD_ARMOR' });
    expect(policy.rules).toEqual([
      {
        priority: 1000,
        action: 'throttle',
        description: 'allowed clients, throttled per IP',
        match: { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: ['203.0.113.0/24'] } },
        rateLimitOptions: { conformAction: 'allow', exceedAction: 'deny(429)', enforceOnKey: 'IP', rateLimitThreshold: { count: 600, intervalSec: 60 } },
      },
      { priority: 2147483647, action: 'deny(403)', description: 'everyone else', match: { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: ['*'] } } },
    ]);
  });

  test('every pool ConfigGroup (whose GCPBackendPolicy names the policy) waits for the policy', () => {
    const policy = one(production, SECURITY_POLICY);
    const pools = ofType(production, CONFIG_GROUP).filter((group) => group.name.startsWith('pool-'));
    expect(pools.length).toBe(1);
    for (const group of pools) expect(waitsFor(production, group.urn, policy.urn)).toBe(true);
    const named = production.objects.filter((object) => object.object.kind === 'GCPBackendPolicy').map((object) => (object.object.spec as { default: { securityPolicy?: string } }).default.securityPolicy);
    expect(named).toEqual([plain(policy).name]);
  });

  test('the Model Armor template has the filters of the spec, in the cluster region, under the id the traffic extension names', () => {
    const template = plain(one(production, TEMPLATE));
    expect(template).toMatchObject({ project: 'example-project', location: 'us-central1', templateId: 'inference-gateway-model-armor' });
    expect(template.filterConfig).toEqual({
      piAndJailbreakFilterSettings: { filterEnforcement: 'ENABLED', confidenceLevel: 'MEDIUM_AND_ABOVE' },
      raiSettings: {
        raiFilters: ['SEXUALLY_EXPLICIT', 'HATE_SPEECH', 'HARASSMENT', 'DANGEROUS'].map((filterType) => ({ filterType, confidenceLevel: 'MEDIUM_AND_ABOVE' })),
      },
      sdpSettings: { basicConfig: { filterEnforcement: 'ENABLED' } },
      maliciousUriFilterSettings: { filterEnforcement: 'ENABLED' },
    });
    const extension = production.objects.find((object) => object.object.kind === 'GCPTrafficExtension');
    const settings = JSON.parse((extension?.object.spec as { extensionChains: { extensions: { metadata: Record<string, string> }[] }[] }).extensionChains[0].extensions[0].metadata.model_armor_settings);
    expect(settings[0].user_prompt_template_id).toBe(`projects/${template.project}/locations/${template.location}/templates/${template.templateId}`);
  });

  test("the Service Extensions agent gets the three roles Model Armor's docs list, and the traffic extension waits for them", () => {
    expect(armorGrants(production).map((grant) => [grant.role, grant.member, grant.project])).toEqual([
      ['roles/modelarmor.calloutUser', 'serviceAccount:service-123456789012@gcp-sa-dep.iam.gserviceaccount.com', 'example-project'],
      ['roles/modelarmor.user', 'serviceAccount:service-123456789012@gcp-sa-dep.iam.gserviceaccount.com', 'example-project'],
      ['roles/serviceusage.serviceUsageConsumer', 'serviceAccount:service-123456789012@gcp-sa-dep.iam.gserviceaccount.com', 'example-project'],
    ]);
    // IAM refuses a grant to an agent that does not exist yet: each grant waits for the ServiceIdentity
    // that creates it (the mocks report a grant that does not as an 'agent' violation).
    const identity = one(production, 'gcp:projects/serviceIdentity:ServiceIdentity');
    expect(plain(identity)).toMatchObject({ project: 'example-project', service: 'networkservices.googleapis.com' });
    for (const grant of ofType(production, IAM_MEMBER).filter((resource) => resource.name.includes('model-armor'))) expect(waitsFor(production, grant.urn, identity.urn)).toBe(true);
    const gateway = one(production, CONFIG_GROUP, 'gateway');
    expect(waitsFor(production, gateway.urn, one(production, TEMPLATE).urn)).toBe(true);
    for (const grant of ofType(production, IAM_MEMBER).filter((resource) => resource.name.includes('model-armor'))) expect(waitsFor(production, gateway.urn, grant.urn)).toBe(true);
  });

  test('dnsRecords lists the authorization CNAMEs and an A record per domain to the Gateway address', () => {
    expect(production.exported.dnsRecords).toEqual([
      { name: '_acme-challenge.llm.example.com.', type: 'CNAME', data: 'inference-gateway-gateway-dns-82b4ca17.1.authorize.certificatemanager.goog.' },
      { name: '_acme-challenge.api.example.com.', type: 'CNAME', data: 'inference-gateway-gateway-dns-0aeb3084.1.authorize.certificatemanager.goog.' },
      { name: 'llm.example.com.', type: 'A', data: '192.0.2.10' },
      { name: 'api.example.com.', type: 'A', data: '192.0.2.10' },
    ]);
  });

  test('the curl output calls https on 443 by the first domain, and nothing is exposed', () => {
    expect(production.exported.curlCommand).toContain("'https://llm.example.com:443/v1/completions'");
    expect(production.exported.exposure).toEqual([]);
  });
});

describe('variants', () => {
  test('more than 10 ranges are split into rules of at most 10 (Cloud Armor basic match limit), each allowing its ranges', async () => {
    const ranges = Array.from({ length: 12 }, (_, i) => `198.51.${i}.0/24`);
    const result = await runSpec({ gateway: { access: { allowedSourceRanges: ranges } } });
    const rules = plain(one(result, SECURITY_POLICY)).rules as { priority: number; action: string; match: { config: { srcIpRanges: string[] } } }[];
    expect(rules.map((rule) => [rule.priority, rule.action, rule.match.config.srcIpRanges.length])).toEqual([
      [1000, 'allow', 10],
      [1001, 'allow', 2],
      [2147483647, 'deny(403)', 1],
    ]);
    expect(rules.slice(0, 2).flatMap((rule) => rule.match.config.srcIpRanges)).toEqual(ranges);
  });

  test('a filter set to OFF is disabled or left out of the template', async () => {
    const result = await runSpec({ gateway: { modelArmor: { enabled: true, project: 'example-project', promptInjection: 'OFF', responsibleAi: 'OFF', sensitiveData: false } } });
    expect(plain(one(result, TEMPLATE)).filterConfig).toEqual({
      piAndJailbreakFilterSettings: { filterEnforcement: 'DISABLED' },
      sdpSettings: { basicConfig: { filterEnforcement: 'DISABLED' } },
      maliciousUriFilterSettings: { filterEnforcement: 'ENABLED' },
    });
  });

  test('TLS from a Secret creates no certificate and enables no Certificate Manager; the Secret stays a reference', async () => {
    const result = await runSpec({ gateway: { tls: { secretName: 'llm-tls' } } });
    expect(ofType(result, CERTIFICATE)).toEqual([]);
    expect(ofType(result, SERVICE).map((resource) => plain(resource).service)).not.toContain('certificatemanager.googleapis.com');
    expect(result.objects.filter((object) => object.object.kind === 'Secret' && object.object.metadata?.name === 'llm-tls')).toEqual([]);
    expect(result.exported.dnsRecords).toEqual([]);
  });

  test('a Model Armor project other than gcp:project is refused before anything is created', async () => {
    const spec = { gateway: { modelArmor: { enabled: true, project: 'other-project' } } };
    await expect(run({ 'inference-gateway:spec': JSON.stringify(spec), [`inference-gateway:${SPEC_FILE_KEY}`]: '' })).rejects.toThrow(
      'gateway.modelArmor.project is other-project, but pulumi up creates the Model Armor template in gcp:project example-project; set them to the same project',
    );
  });

  test('changing a domain keeps the other domain\'s authorization, replaces the certificate new-first under a new name, and updates the Gateway to it; changing the ranges updates the policy in place; no pod restarts', async () => {
    const changed = await runSpec({ gateway: { ...PRODUCTION.gateway, tls: { domains: ['llm.example.com', 'chat.example.com'] }, access: { allowedSourceRanges: ['198.51.100.0/24'] } } });
    const changes = compareRuns(production, changed);
    const action = (type: string, name: string) => changes.find((c) => c.type === type && c.name === name)?.action;
    expect(action(DNS_AUTHORIZATION, 'inference-gateway-gateway-dns-82b4ca17')).toBe('same');
    expect(action(DNS_AUTHORIZATION, 'inference-gateway-gateway-dns-0aeb3084')).toBe('delete');
    expect(action(DNS_AUTHORIZATION, 'inference-gateway-gateway-dns-8b653368')).toBe('create');
    const certificate = changes.find((c) => c.type === CERTIFICATE);
    expect([certificate?.action, certificate?.replaceOrder]).toEqual(['replace', 'create-before-delete']);
    expect(plain(one(changed, CERTIFICATE)).name).not.toBe(plain(one(production, CERTIFICATE)).name);
    expect(action('kubernetes:gateway.networking.k8s.io/v1:Gateway', 'gateway:default/inference-gateway')).toBe('update');
    expect(action(SECURITY_POLICY, 'inference-gateway-gateway-access')).toBe('update');
    expect(changes.filter((c) => c.restarts === true)).toEqual([]);
  });
});
