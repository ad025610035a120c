/**
 * gateway.tls, gateway.access and gateway.modelArmor in the spec: their defaults reproduce the guide (none
 * of them), bad combinations are refused naming the field, and the exposure warning says what is open.
 */
import {
  exposureWarnings,
  GATEWAY_CLASS_SECURITY,
  GATEWAY_CLASSES,
  modelArmorSettings,
  modelArmorTemplatePath,
  resolveSpec,
  type DeploymentSpec,
} from '../../spec';
import { specProblems } from './helpers';

const PRODUCTION = {
  gateway: {
    tls: { domains: ['llm.example.com'] },
    access: { allowedSourceRanges: ['203.0.113.0/24'] },
    modelArmor: { enabled: true, project: 'my-project' },
  },
};

const spec = (document: unknown): DeploymentSpec => resolveSpec(document, 'test');

describe('defaults', () => {
  test("the guide's Gateway has no TLS, no access control and Model Armor off", () => {
    const gateway = spec({}).gateway;
    expect(gateway.tls).toBeUndefined();
    expect(gateway.access).toBeUndefined();
    expect(gateway.modelArmor).toEqual({ enabled: false, promptInjection: 'MEDIUM_AND_ABOVE', responsibleAi: 'MEDIUM_AND_ABOVE', sensitiveData: true, maliciousUris: true, failOpen: false });
  });

  test('the production trio resolves without a problem', () => {
    expect(specProblems(PRODUCTION)).toEqual([]);
  });
});

describe('refused', () => {
  test.each([
    ['tls with neither domains nor secretName', { gateway: { tls: {} } }, 'gateway.tls: needs exactly one of domains (a Google-managed certificate that pulumi up creates) and secretName (an existing TLS Secret), got neither'],
    ['tls with both', { gateway: { tls: { domains: ['llm.example.com'], secretName: 'llm-tls' } } }, 'gateway.tls: needs exactly one of domains'],
    ['a wildcard domain', { gateway: { tls: { domains: ['*.example.com'] } } }, 'gateway.tls.domains[0]: must be a lower-case fully qualified domain name'],
    ['a domain twice', { gateway: { tls: { domains: ['llm.example.com', 'llm.example.com'] } } }, 'gateway.tls.domains[1]: duplicates gateway.tls.domains[0]: each domain must be unique'],
    ['the HTTP listener on 443 with TLS', { gateway: { listenerPort: 443, tls: { secretName: 'llm-tls' } } }, "gateway.listenerPort: is the HTTPS listener's port with gateway.tls"],
    ['access with no ranges', { gateway: { access: { allowedSourceRanges: [] } } }, 'gateway.access.allowedSourceRanges: must have at least 1 item(s), got 0'],
    ['access without the ranges field', { gateway: { access: {} } }, 'gateway.access.allowedSourceRanges: is required'],
    ['a range that is not a CIDR', { gateway: { access: { allowedSourceRanges: ['203.0.113.0'] } } }, 'gateway.access.allowedSourceRanges[0]: must be an IPv4 CIDR range'],
    ['a zero rate limit', { gateway: { access: { allowedSourceRanges: ['203.0.113.0/24'], rateLimit: { requestsPerMinute: 0 } } } }, 'gateway.access.rateLimit.requestsPerMinute: must be an integer from 1 to 1000000, got 0'],
    ['Model Armor without its project', { gateway: { modelArmor: { enabled: true } } }, 'gateway.modelArmor.project: is required when Model Armor is enabled'],
    ['Model Armor with every filter off', { gateway: { modelArmor: { enabled: true, project: 'my-project', promptInjection: 'OFF', responsibleAi: 'OFF', sensitiveData: false, maliciousUris: false } } }, 'gateway.modelArmor.enabled: every filter is off'],
    ['an unknown filter level', { gateway: { modelArmor: { promptInjection: 'MEDIUM' } } }, 'gateway.modelArmor.promptInjection: must be one of OFF, LOW_AND_ABOVE, MEDIUM_AND_ABOVE, HIGH; got "MEDIUM"'],
    ['IAP, which the spec does not offer', { gateway: { access: { allowedSourceRanges: ['203.0.113.0/24'], iap: true } } }, 'gateway.access.iap: unknown field'],
    ['the TLS Secret named like the metrics reader token', { gateway: { tls: { secretName: 'inference-gateway-sa-metrics-reader-secret' } } }, "gateway.tls.secretName: names the metrics reader's token Secret"],
  ])('%s', (_name, document, expected) => {
    expect(specProblems(document).some((line) => line.startsWith(expected))).toBe(true);
  });

  test.each([true, false])('cluster.enableModelArmor: %s is refused and names the field that replaced it', (value) => {
    expect(specProblems({ cluster: { enableModelArmor: value } })).toEqual([
      'cluster.enableModelArmor: was replaced by gateway.modelArmor.enabled, which enables the Model Armor API and also creates the template, its grants and the traffic extension that uses it; remove this field',
    ]);
  });

  test('every problem of the section is reported at once', () => {
    const found = specProblems({ gateway: { listenerPort: 443, tls: {}, modelArmor: { enabled: true } } });
    expect(found.map((line) => line.split(':')[0]).sort()).toEqual(['gateway.listenerPort', 'gateway.modelArmor.project', 'gateway.tls']);
  });
});

describe('GatewayClass capabilities', () => {
  test('both classes GKE Inference Gateway supports take regional certificates through the listener option and a regional Cloud Armor policy', () => {
    for (const className of GATEWAY_CLASSES) {
      expect(GATEWAY_CLASS_SECURITY[className]).toMatchObject({ certificateManager: 'listener-option', secretCertificates: true, cloudArmor: 'regional', rateLimit: true, modelArmor: true });
    }
  });

  test('the internal class is not external: no exposure warning for it', () => {
    expect(GATEWAY_CLASS_SECURITY['gke-l7-rilb'].external).toBe(false);
    expect(exposureWarnings(spec({ gateway: { className: 'gke-l7-rilb' } }))).toEqual([]);
  });

  test('the whole trio is accepted on the internal class too', () => {
    expect(specProblems({ gateway: { ...PRODUCTION.gateway, className: 'gke-l7-rilb' } })).toEqual([]);
  });
});

describe('exposure warnings', () => {
  test("the guide's default says anyone on the internet can send requests, and that it is plain HTTP", () => {
    expect(exposureWarnings(spec({}))).toEqual([
      'Gateway inference-gateway (gke-l7-regional-external-managed) has no access control: anyone on the internet can send requests to its address and use the GPUs behind it; set gateway.access.allowedSourceRanges',
      'Gateway inference-gateway serves plain HTTP on port 80: prompts and answers cross the internet unencrypted; set gateway.tls',
    ]);
  });

  test('TLS alone leaves the access warning; access alone leaves the TLS warning', () => {
    expect(exposureWarnings(spec({ gateway: { tls: { secretName: 'llm-tls' } } }))).toEqual([expect.stringContaining('anyone on the internet can send requests')]);
    expect(exposureWarnings(spec({ gateway: { access: { allowedSourceRanges: ['203.0.113.0/24'] } } }))).toEqual([expect.stringContaining('plain HTTP')]);
  });

  test('the production trio has none', () => {
    expect(exposureWarnings(spec(PRODUCTION))).toEqual([]);
  });
});

describe('Model Armor settings', () => {
  test('the template is named in the cluster region under the given project, for every model ("default")', () => {
    const production = spec(PRODUCTION);
    expect(modelArmorTemplatePath(production)).toBe('projects/my-project/locations/us-central1/templates/inference-gateway-model-armor');
    expect(JSON.parse(modelArmorSettings(production))).toEqual([
      {
        model: 'default',
        user_prompt_template_id: 'projects/my-project/locations/us-central1/templates/inference-gateway-model-armor',
        model_response_template_id: 'projects/my-project/locations/us-central1/templates/inference-gateway-model-armor',
      },
    ]);
  });
});
