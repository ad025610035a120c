/**
 * Body-based routing: several pools without a routePathPrefix share gateway.route.pathPrefix, and
 * OpenAI clients, who know one base URL, name the model in the request body. The body-based router of
 * the v0.3.0 body-based-routing chart (provider gke) copies that `model` into X-Gateway-Model-Name, and
 * the HTTPRoute sends each model name to its pool. Where we deviate from the chart on purpose, the test
 * title says so.
 */
import { resolveSpec, type DeploymentSpec } from '../../spec';
import { lines, synthObjects, validate } from '../validate/helpers';
import { COMMON_LABELS, findAll, findContainer, findObject, synthApp, synthCharts, type K8sObject } from './helpers';

const LLAMA = 'vllm-llama3-8b-instruct';
const QWEN = 'qwen';
const QWEN_MODEL = 'Qwen/Qwen2.5-7B-Instruct';
const ROUTER = 'body-based-router';
const V1ALPHA2 = 'inference.networking.x-k8s.io';

/** The guide's pool (its base model and two adapters) and a Qwen pool, both under /. */
const TWO_BASE_MODELS = {
  // Three model server replicas per pool, one GPU each.
  cluster: { gpuPool: { maxNodes: 6 } },
  pools: [{ name: LLAMA }, { name: QWEN, modelServer: { baseModel: QWEN_MODEL } }],
};
/** The same two pools under /, and a third one under its own prefix /coder. */
const MIXED = {
  cluster: { gpuPool: { maxNodes: 9 } },
  pools: [...TWO_BASE_MODELS.pools, { name: 'coder', routePathPrefix: '/coder', modelServer: { baseModel: 'Qwen/Qwen2.5-Coder-7B-Instruct' } }],
};
/** The Qwen pool with 16 adapters, each with its InferenceModel: 3 + 17 model names, more than one HTTPRoute holds. */
const QWEN_ADAPTERS = Array.from({ length: 16 }, (_, i) => `qwen-lora-${i}`);
const MANY_MODELS = {
  cluster: { gpuPool: { maxNodes: 6 } },
  pools: [
    { name: LLAMA },
    {
      name: QWEN,
      modelServer: { baseModel: QWEN_MODEL },
      adapters: { models: QWEN_ADAPTERS.map((id) => ({ id, source: `example/${id}` })) },
      models: [{ name: 'qwen-base-model', modelName: QWEN_MODEL, criticality: 'Critical' }, ...QWEN_ADAPTERS.map((id) => ({ name: id, modelName: id, criticality: 'Standard' }))],
    },
  ],
};

const specs: Record<string, DeploymentSpec> = {
  'two-base-model': resolveSpec(TWO_BASE_MODELS, 'two base models'),
  mixed: resolveSpec(MIXED, 'mixed'),
  'more than 16 model names': resolveSpec(MANY_MODELS, 'many models'),
};
const gateway = synthCharts(specs['two-base-model']).gateway;
const deployment = findObject(gateway, 'Deployment', ROUTER);
const pod: K8sObject = deployment.spec.template.spec;
const bbr = findContainer(deployment, 'bbr');

/** One HTTPRoute rule: the model name under `/`, to one v0.3.0 InferencePool. */
const modelRule = (modelName: string, pool: string) => ({
  matches: [{ path: { type: 'PathPrefix', value: '/' }, headers: [{ type: 'Exact', name: 'X-Gateway-Model-Name', value: modelName }] }],
  backendRefs: [{ group: V1ALPHA2, kind: 'InferencePool', name: pool }],
});
/** The lowest-precedence rule of the shared prefix: to the first pool (guide profile, so no objective header). */
const CATCH_ALL = { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ group: V1ALPHA2, kind: 'InferencePool', name: LLAMA }] };
const TWO_BASE_MODEL_RULES = [
  modelRule('food-review', LLAMA),
  modelRule('meta-llama/Llama-3.1-8B-Instruct', LLAMA),
  modelRule('cad-fabricator', LLAMA),
  modelRule(QWEN_MODEL, QWEN),
];

describe('the body-based router of a spec with two base models under /', () => {
  test('lives in the gateway chart: one router for the Gateway, whatever the number of pools', () => {
    expect(gateway.filter((object) => object.metadata.name === ROUTER || object.metadata.name === 'bbr-healthcheck').map((object) => `${object.kind}/${object.metadata.name}`)).toEqual([
      `ServiceAccount/${ROUTER}`,
      `Deployment/${ROUTER}`,
      `Service/${ROUTER}`,
      `GCPRoutingExtension/${ROUTER}`,
      'HealthCheckPolicy/bbr-healthcheck',
    ]);
  });

  test('runs as its own ServiceAccount body-based-router, which is granted nothing (our deviation: the chart runs it as the namespace default)', () => {
    expect(findObject(gateway, 'ServiceAccount', ROUTER).metadata).toEqual({ name: ROUTER, namespace: 'default', labels: COMMON_LABELS });
    expect(pod.serviceAccountName).toBe(ROUTER);
    expect(findAll(gateway, 'RoleBinding')).toEqual([]);
  });

  test('mounts its token: the router will not start without in-cluster credentials', () => {
    expect(pod.automountServiceAccountToken).toBe(true);
  });

  test('is apps/v1 Deployment body-based-router in default, with only the common labels, one replica, selecting app: body-based-router', () => {
    expect(deployment.apiVersion).toBe('apps/v1');
    expect(deployment.metadata).toEqual({ name: ROUTER, namespace: 'default', labels: COMMON_LABELS });
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.selector).toEqual({ matchLabels: { app: ROUTER } });
    expect(deployment.spec.template.metadata).toEqual({ labels: { app: ROUTER } });
  });

  test('runs container bbr from registry.k8s.io/gateway-api-inference-extension/bbr:v0.3.0, IfNotPresent (our deviation: the chart pulls Always)', () => {
    expect(pod.containers.map((container: K8sObject) => container.name)).toEqual(['bbr']);
    expect(bbr.image).toBe('registry.k8s.io/gateway-api-inference-extension/bbr:v0.3.0');
    expect(bbr.imagePullPolicy).toBe('IfNotPresent');
  });

  test('streams request bodies (-streaming) at log level 3', () => {
    expect(bbr.args).toEqual(['-streaming', '-v', '3']);
  });

  test('exposes ext-proc on 9004 and gRPC health on 9005 (our deviation: the ports are named grpc and grpc-health)', () => {
    expect(bbr.ports).toEqual([
      { name: 'grpc', containerPort: 9004 },
      { name: 'grpc-health', containerPort: 9005 },
    ]);
  });

  test('liveness and readiness ask gRPC health on 9005 after 5 s, every 10 s (our deviation: the chart has no probes)', () => {
    const health = { grpc: { port: 9005 }, initialDelaySeconds: 5, periodSeconds: 10 };
    expect(bbr.livenessProbe).toEqual(health);
    expect(bbr.readinessProbe).toEqual(health);
  });

  test('requests a quarter core and 256 MiB (our deviation: the chart requests nothing)', () => {
    expect(bbr.resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' } });
  });

  test('runs as the distroless nonroot user with a read-only filesystem, no capabilities and the default seccomp profile (our deviation: the chart sets no security context)', () => {
    expect(bbr.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
    });
    expect(pod.securityContext).toEqual({ seccompProfile: { type: 'RuntimeDefault' } });
  });

  test('Service body-based-router publishes 9004 to the router pods with appProtocol HTTP2', () => {
    const service = findObject(gateway, 'Service', ROUTER);
    expect(service.metadata).toEqual({ name: ROUTER, namespace: 'default', labels: COMMON_LABELS });
    expect(service.spec).toEqual({
      type: 'ClusterIP',
      selector: { app: ROUTER },
      ports: [{ protocol: 'TCP', port: 9004, targetPort: 9004, appProtocol: 'HTTP2' }],
    });
  });

  test('GCPRoutingExtension body-based-router runs it on Gateway inference-gateway for request headers, body and trailers, streamed full duplex', () => {
    const extension = findObject(gateway, 'GCPRoutingExtension', ROUTER);
    expect(extension.apiVersion).toBe('networking.gke.io/v1');
    expect(extension.metadata).toEqual({ name: ROUTER, namespace: 'default', labels: COMMON_LABELS });
    expect(extension.spec).toEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'inference-gateway' }],
      extensionChains: [
        {
          name: 'chain1',
          extensions: [
            {
              name: 'ext1',
              authority: 'myext.com',
              timeout: '1s',
              supportedEvents: ['RequestHeaders', 'RequestBody', 'RequestTrailers'],
              requestBodySendMode: 'FullDuplexStreamed',
              backendRef: { group: '', kind: 'Service', name: ROUTER, port: 9004 },
            },
          ],
        },
      ],
    });
  });

  test('HealthCheckPolicy bbr-healthcheck checks the router Service over gRPC on fixed port 9005 and logs the checks', () => {
    const policy = findObject(gateway, 'HealthCheckPolicy', 'bbr-healthcheck');
    expect(policy.apiVersion).toBe('networking.gke.io/v1');
    expect(policy.metadata).toEqual({ name: 'bbr-healthcheck', namespace: 'default', labels: COMMON_LABELS });
    expect(policy.spec).toEqual({
      default: { logConfig: { enabled: true }, config: { type: 'GRPC', grpcHealthCheck: { portSpecification: 'USE_FIXED_PORT', port: 9005 } } },
      targetRef: { group: '', kind: 'Service', name: ROUTER, namespace: 'default' },
    });
  });
});

describe('the HTTPRoute of a spec with two base models under /', () => {
  test('is one HTTPRoute, my-route, on Gateway inference-gateway', () => {
    const routes = findAll(gateway, 'HTTPRoute');
    expect(routes.map((route) => route.metadata)).toEqual([{ name: 'my-route', namespace: 'default', labels: COMMON_LABELS }]);
    expect(routes[0].spec.parentRefs).toEqual([{ name: 'inference-gateway' }]);
  });

  test('has one rule per model name, matching X-Gateway-Model-Name exactly under /, unrewritten, in pool order', () => {
    expect(findObject(gateway, 'HTTPRoute', 'my-route').spec.rules).toEqual([...TWO_BASE_MODEL_RULES, CATCH_ALL]);
  });

  test('ends with a catch-all rule to the first pool: requests naming no model (GET /v1/models) or an unknown one reach vLLM', () => {
    const rules = findObject(gateway, 'HTTPRoute', 'my-route').spec.rules;
    expect(rules[rules.length - 1]).toEqual(CATCH_ALL);
    expect(rules.filter((rule: K8sObject) => rule.matches[0].headers === undefined)).toHaveLength(1);
  });

  test('a single pool under / needs no router: no body-based router objects and one path rule', () => {
    const single = synthApp(resolveSpec({}, 'guide'));
    expect(single.filter((object) => object.metadata.name === ROUTER || object.metadata.name === 'bbr-healthcheck')).toEqual([]);
    expect(findObject(single, 'HTTPRoute', 'my-route').spec.rules).toEqual([
      { matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ group: V1ALPHA2, kind: 'InferencePool', name: LLAMA }] },
    ]);
  });
});

describe('a mixed spec: two pools under /, a third under its own prefix /coder', () => {
  const mixed = synthApp(specs.mixed);

  test('routes the two pools under / by model name and the third by its path, stripped to / before vLLM', () => {
    expect(findObject(mixed, 'HTTPRoute', 'my-route').spec.rules).toEqual([
      ...TWO_BASE_MODEL_RULES,
      {
        matches: [{ path: { type: 'PathPrefix', value: '/coder' } }],
        filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }],
        backendRefs: [{ group: V1ALPHA2, kind: 'InferencePool', name: 'coder' }],
      },
      CATCH_ALL,
    ]);
  });

  test('has one body-based router', () => {
    expect(findAll(mixed, 'GCPRoutingExtension').map((extension) => extension.metadata.name)).toEqual([ROUTER]);
    expect(findAll(mixed, 'Deployment').map((object) => object.metadata.name)).toEqual([LLAMA, `${LLAMA}-epp`, QWEN, `${QWEN}-epp`, 'coder', 'coder-epp', ROUTER]);
  });
});

describe('a spec with more model names than one HTTPRoute holds', () => {
  const routes = findAll(synthApp(specs['more than 16 model names']), 'HTTPRoute');
  type Rule = { matches: { headers: { value: string }[] }[] };

  test('splits the 20 model rules and the catch-all over my-route (16) and my-route-2 (5), both on Gateway inference-gateway', () => {
    expect(routes.map((route) => route.metadata.name)).toEqual(['my-route', 'my-route-2']);
    expect(routes.map((route) => route.spec.rules.length)).toEqual([16, 5]);
    expect(routes.map((route) => route.spec.parentRefs)).toEqual([[{ name: 'inference-gateway' }], [{ name: 'inference-gateway' }]]);
  });

  test('routes every model name exactly once, in pool order', () => {
    const rules: Rule[] = routes.flatMap((route) => route.spec.rules);
    const names = rules.filter((rule) => rule.matches[0].headers !== undefined).map((rule) => rule.matches[0].headers[0].value);
    expect(names).toEqual(['food-review', 'meta-llama/Llama-3.1-8B-Instruct', 'cad-fabricator', QWEN_MODEL, ...QWEN_ADAPTERS]);
  });
});

describe('the offline validator', () => {
  test.each(Object.keys(specs))('reports every object of the %s spec clean, the GCPRoutingExtension included', (name) => {
    const spec = specs[name];
    const objects = synthObjects(spec);
    expect(objects.some((entry) => (entry.object as K8sObject).kind === 'GCPRoutingExtension')).toBe(true);
    expect(lines(validate(objects, spec))).toEqual([]);
  });
});
