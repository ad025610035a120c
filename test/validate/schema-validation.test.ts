import { resolveSpec } from '../../spec';
import { KUBERNETES_ONLY_CEL } from '../../validate';
import { compileRule } from '../../validate/cel';
import { goPatternToJs } from '../../validate/openapi';
import { gaObjects, GA_POOL } from './ga-fixture';
import { find, lines, synthObjects, validate } from './helpers';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('the synthesized manifests', () => {
  test('the default spec is reported clean', () => {
    expect(lines(validate(synthObjects()))).toEqual([]);
  });

  test('two pools, class gke-l7-rilb, namespace llm are reported clean', () => {
    const spec = resolveSpec({
      namespace: 'llm',
      gateway: { className: 'gke-l7-rilb' },
      cluster: { gpuPool: { maxNodes: 6 } },
      pools: [{ name: 'vllm-llama3-8b-instruct' }, { name: 'qwen', routePathPrefix: '/qwen', modelServer: { baseModel: 'Qwen/Qwen2.5-7B-Instruct' } }],
    });
    const objects = synthObjects(spec);
    expect(objects.filter((o) => (o.object as Json).kind === 'InferencePool')).toHaveLength(2);
    expect(lines(validate(objects, spec))).toEqual([]);
  });
});

describe('CRD schemas', () => {
  test('an unknown criticality is rejected by the InferenceModel enum', () => {
    const objects = synthObjects();
    (find(objects, 'InferenceModel', 'food-review') as Json).spec.criticality = 'Urgent';
    expect(lines(validate(objects))).toEqual([
      'InferenceModel/food-review: spec.criticality: must be one of "Critical", "Standard", "Sheddable"; got "Urgent"',
    ]);
  });

  test('a GCPBackendPolicy timeoutSec below 1 is rejected', () => {
    const objects = synthObjects();
    (find(objects, 'GCPBackendPolicy') as Json).spec.default.timeoutSec = 0;
    expect(lines(validate(objects))).toEqual([expect.stringMatching(/^GCPBackendPolicy\/vllm-llama3-8b-instruct: spec\.default\.timeoutSec: must be >= 1/)]);
  });

  test('a missing required field names its path', () => {
    const objects = synthObjects();
    delete (find(objects, 'InferencePool') as Json).spec.targetPortNumber;
    expect(lines(validate(objects))).toContain('InferencePool/vllm-llama3-8b-instruct: spec.targetPortNumber: is required');
  });

  test('an unknown field is an error, because the API server would drop it', () => {
    const objects = synthObjects();
    (find(objects, 'HealthCheckPolicy') as Json).spec.default.config.httpHealthCheck.portSpecificaton = 'USE_FIXED_PORT';
    expect(lines(validate(objects))).toEqual([
      expect.stringMatching(/^HealthCheckPolicy\/vllm-llama3-8b-instruct: spec\.default\.config\.httpHealthCheck\.portSpecificaton: unknown field/),
    ]);
  });

  test('int-or-string accepts a port name and rejects a boolean', () => {
    const objects = synthObjects();
    const endpoint = (find(objects, 'ClusterPodMonitoring') as Json).spec.endpoints[0];
    endpoint.port = 'metrics';
    expect(lines(validate(objects))).toEqual([]);
    endpoint.port = true;
    expect(lines(validate(objects))).toEqual([expect.stringMatching(/ClusterPodMonitoring\/.*: spec\.endpoints\[0\]\.port: must be integer or string/)]);
  });

  test('a pattern violation is reported with the pattern', () => {
    const objects = synthObjects();
    (find(objects, 'HTTPRoute') as Json).spec.parentRefs[0].name = 'Not_A_Name';
    expect(lines(validate(objects))).toContainEqual(expect.stringMatching(/^HTTPRoute\/my-route: spec\.parentRefs\[0\]\.name: .*Not_A_Name/));
  });

  test('metadata.name of a custom resource must be a DNS subdomain', () => {
    const objects = synthObjects();
    (find(objects, 'InferenceModel', 'food-review') as Json).metadata.name = 'Food_Review';
    expect(lines(validate(objects))).toContainEqual(expect.stringMatching(/^InferenceModel\/Food_Review: metadata\.name: must be a DNS-1123 subdomain/));
  });

  test('a version the pinned CRDs do not have is reported on apiVersion', () => {
    const objects = synthObjects();
    (find(objects, 'InferencePool') as Json).apiVersion = 'inference.networking.x-k8s.io/v1';
    expect(lines(validate(objects))).toContainEqual(expect.stringMatching(/^InferencePool\/vllm-llama3-8b-instruct: apiVersion: InferencePool has no version v1 in the pinned CRDs/));
  });
});

describe('CRD schemas of the GA profile and body-based routing', () => {
  function problemsAfter(mutate: (objects: ReturnType<typeof gaObjects>) => void): string[] {
    const objects = gaObjects();
    mutate(objects);
    return lines(validate(objects));
  }

  test('a v1 InferencePool endpointPickerRef without port fails the CEL rule once kind defaults to Service', () => {
    expect(problemsAfter((o) => void delete (find(o, 'InferencePool', GA_POOL) as Json).spec.endpointPickerRef.port)).toContainEqual(
      `InferencePool/${GA_POOL}: spec.endpointPickerRef: port is required when kind is 'Service' or unspecified (defaults to 'Service')`,
    );
  });

  test('a v1 InferencePool failureMode spelled FailClosed (as the chart README has it) is not in the enum', () => {
    expect(problemsAfter((o) => void ((find(o, 'InferencePool', GA_POOL) as Json).spec.endpointPickerRef.failureMode = 'FailClosed'))).toContainEqual(
      `InferencePool/${GA_POOL}: spec.endpointPickerRef.failureMode: must be one of "FailOpen", "FailClose"; got "FailClosed"`,
    );
  });

  test('an InferenceObjective priority must be an integer', () => {
    expect(problemsAfter((o) => void ((find(o, 'InferenceObjective') as Json).spec.priority = 'high'))).toContainEqual(
      'InferenceObjective/food-review: spec.priority: must be integer; got "high"',
    );
  });

  test('an InferenceModelRewrite target weight of 0 and a match type other than Exact are rejected', () => {
    const problems = problemsAfter((o) => {
      const rule = (find(o, 'InferenceModelRewrite') as Json).spec.rules[0];
      rule.targets[0].weight = 0;
      rule.matches[0].model.type = 'Prefix';
    });
    expect(problems).toContainEqual('InferenceModelRewrite/food-review: spec.rules[0].targets[0].weight: must be >= 1; got 0');
    expect(problems).toContainEqual('InferenceModelRewrite/food-review: spec.rules[0].matches[0].model.type: must be one of "Exact"; got "Prefix"');
  });

  test('a PodMonitoring scrape timeout longer than its interval fails the duration rule', () => {
    expect(problemsAfter((o) => void ((find(o, 'PodMonitoring', GA_POOL) as Json).spec.endpoints[0].timeout = '30s'))).toContainEqual(
      `PodMonitoring/${GA_POOL}: spec.endpoints[0]: failed rule: !has(self.timeout) || self.timeout <= self.interval`,
    );
  });

  test('a GCPRoutingExtension backendRef without authority, and a timeout above 10 s, fail their CEL rules', () => {
    const problems = problemsAfter((o) => {
      const extension = (find(o, 'GCPRoutingExtension') as Json).spec.extensionChains[0].extensions[0];
      delete extension.authority;
      extension.timeout = '20s';
    });
    expect(problems).toContainEqual('GCPRoutingExtension/body-based-router: spec.extensionChains[0].extensions[0]: authority must be set if backendRef is set');
    expect(problems).toContainEqual('GCPRoutingExtension/body-based-router: spec.extensionChains[0].extensions[0]: timeout must be between 10-10000 milliseconds');
  });

  test('the GCPRoutingExtension celMatcher pattern (written for RE2, with escapes JavaScript refuses) is applied', () => {
    const withMatcher = (celMatcher: string) =>
      problemsAfter((o) => void ((find(o, 'GCPRoutingExtension') as Json).spec.extensionChains[0].matchCondition = { celExpressions: [{ celMatcher }] }));
    expect(withMatcher(`request.headers['x-model'] == "a"`).filter((p) => p.includes('celMatcher'))).toEqual([]);
    expect(withMatcher('size(request.path) > 1')).toContainEqual(
      expect.stringMatching(/^GCPRoutingExtension\/body-based-router: spec\.extensionChains\[0\]\.matchCondition\.celExpressions\[0\]\.celMatcher: must match .*; got "size\(request\.path\) > 1"$/),
    );
  });
});

describe('CRD patterns are Go (RE2) regular expressions', () => {
  test('escaped punctuation that JavaScript refuses becomes the literal character', () => {
    expect(goPatternToJs(String.raw`^[a-z\"\'%]*\:$`)).toBe(String.raw`^[a-z"'%]*:$`);
  });

  test('escapes of letters, digits, syntax characters, an escaped backslash and a dash inside a class are kept', () => {
    const pattern = String.raw`^\d\x60\.\(\[\\[a\-z]$`;
    expect(goPatternToJs(pattern)).toBe(pattern);
  });

  test('a dash escaped outside a class loses its backslash', () => {
    expect(goPatternToJs(String.raw`a\-b`)).toBe('a-b');
  });
});

describe('CEL rules', () => {
  test('a rule that reads an absent field fails: HealthCheckPolicy without portSpecification', () => {
    const objects = synthObjects();
    delete (find(objects, 'HealthCheckPolicy') as Json).spec.default.config.httpHealthCheck.portSpecification;
    const problems = lines(validate(objects));
    expect(problems).toContainEqual(
      expect.stringMatching(/^HealthCheckPolicy\/vllm-llama3-8b-instruct: spec\.default\.config\.httpHealthCheck: for portSpecification being USE_FIXED_PORT.*no such key: portSpecification/),
    );
    expect(problems).toContainEqual(
      expect.stringMatching(/^HealthCheckPolicy\/vllm-llama3-8b-instruct: spec\.default\.config\.httpHealthCheck: for portSpecification being USE_NAMED_PORT.*no such key: portSpecification/),
    );
  });

  test('an HTTP health check with port but no portSpecification is rejected (unset means USE_SERVING_PORT)', () => {
    const objects = synthObjects();
    delete (find(objects, 'HealthCheckPolicy') as Json).spec.default.config.httpHealthCheck.portSpecification;
    expect(lines(validate(objects))).toContain(
      'HealthCheckPolicy/vllm-llama3-8b-instruct: spec.default.config.httpHealthCheck: port and portName must be unset for portSpecification being USE_SERVING_PORT (which is the default)',
    );
  });

  test('weights on some targetModels but not all break the InferenceModel rule', () => {
    const objects = synthObjects();
    (find(objects, 'InferenceModel', 'food-review') as Json).spec.targetModels.push({ name: 'cad-fabricator' });
    expect(lines(validate(objects))).toEqual(['InferenceModel/food-review: spec.targetModels: Weights should be set for all models, or none of the models.']);
  });

  test('rules see CRD defaults and escaped names: a duplicate parentRef without sectionName is rejected', () => {
    const objects = synthObjects();
    const route = find(objects, 'HTTPRoute') as Json;
    route.spec.parentRefs.push({ name: 'inference-gateway' });
    expect(lines(validate(objects))).toContainEqual(
      'HTTPRoute/my-route: spec.parentRefs: sectionName must be unique when parentRefs includes 2 or more references to the same parent',
    );
  });

  test('duration-typed fields compare as durations: timeout 5s within interval 10s passes, 30s fails', () => {
    const objects = synthObjects();
    const endpoint = (find(objects, 'ClusterPodMonitoring') as Json).spec.endpoints[0];
    endpoint.timeout = '5s';
    expect(lines(validate(objects))).toEqual([]);
    endpoint.timeout = '30s';
    expect(lines(validate(objects))).toEqual([expect.stringMatching(/ClusterPodMonitoring\/.*: spec\.endpoints\[0\]: failed rule: !has\(self\.timeout\) \|\| self\.timeout <= self\.interval/)]);
  });

  test('rules calling Kubernetes-only functions are skipped by detection, with the reason', () => {
    expect(compileRule("isURL(self) && !self.matches('@')")).toEqual({ kind: 'skip', reason: expect.stringContaining('isURL: Kubernetes URL library') });
    expect(Object.keys(KUBERNETES_ONLY_CEL)).toEqual(expect.arrayContaining(['isURL', 'quantity', 'ip', 'cidr']));
  });

  test('the skipped isURL rule of ClusterPodMonitoring is listed when a proxyUrl is present', () => {
    const objects = synthObjects();
    const endpoint = (find(objects, 'ClusterPodMonitoring') as Json).spec.endpoints[0];
    delete endpoint.authorization;
    endpoint.oauth2 = { clientID: 'x', tokenURL: 'https://example.com/token', proxyUrl: 'http://proxy:3128' };
    const report = validate(objects);
    expect(report.skippedRules.map((r) => r.rule)).toContain("isURL(self) && !self.matches('@')");
  });

  test('transition rules (oldSelf) are not run on create', () => {
    expect(compileRule('self == oldSelf')).toEqual({ kind: 'transition' });
  });

  test('a function neither supported nor known as Kubernetes-only is reported, not passed', () => {
    expect(compileRule('self.frobnicate()')).toEqual({ kind: 'unknown', reason: expect.stringContaining('frobnicate') });
  });
});

describe('core kinds (kubernetes-models)', () => {
  test('a containerPort that is not an integer is rejected', () => {
    const objects = synthObjects();
    (find(objects, 'Deployment', 'vllm-llama3-8b-instruct') as Json).spec.template.spec.containers[0].ports[0].containerPort = 'eight-thousand';
    expect(lines(validate(objects))).toContainEqual(
      'Deployment/vllm-llama3-8b-instruct: spec.template.spec.containers[0].ports[0].containerPort: must be integer',
    );
  });

  test('a ClusterRoleBinding with a namespace is rejected: the kind is cluster-scoped', () => {
    const objects = synthObjects();
    (find(objects, 'ClusterRoleBinding', 'default.vllm-llama3-8b-instruct-epp') as Json).metadata.namespace = 'default';
    expect(lines(validate(objects))).toEqual(['ClusterRoleBinding/default.vllm-llama3-8b-instruct-epp: metadata.namespace: must not be set: ClusterRoleBinding is cluster-scoped']);
  });

  test('a kind with no pinned schema is reported, not passed', () => {
    const objects = [...synthObjects(), { file: 'x.yaml', object: { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } } }];
    expect(lines(validate(objects))).toEqual(['Widget/w: kind: no pinned schema for example.com/v1 Widget; the validator cannot vouch for it']);
  });
});
