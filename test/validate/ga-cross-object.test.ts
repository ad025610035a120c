/**
 * Cross-object checks over what the GA profile and body-based routing add: each test breaks one thing in
 * an otherwise clean set (the default synth output plus the GA fixture) and expects exactly the problem.
 */
import { resolveSpec } from '../../spec';
import { BBR, gaObjects, GA_EPP, GA_FILE, GA_POOL } from './ga-fixture';
import { find, lines, POOL, remove, synthObjects, validate } from './helpers';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Objects = ReturnType<typeof gaObjects>;

const ADAPTERS = 'vllm-llama3-8b-adapters';

function problemsAfter(mutate: (objects: Objects) => Objects | void): string[] {
  const objects = gaObjects();
  return lines(validate(mutate(objects) ?? objects));
}

function added(objects: Objects, object: Json): Objects {
  return [...objects, { file: GA_FILE, object }];
}

function syncerConfig(objects: Objects, edit: (text: string) => string): void {
  const configMap = find(objects, 'ConfigMap', ADAPTERS) as Json;
  configMap.data['configmap.yaml'] = edit(configMap.data['configmap.yaml']);
}

test('the default output with the GA stack and body-based routing beside it is reported clean', () => {
  expect(lines(validate(gaObjects()))).toEqual([]);
});

test('spec.appProtocol (InferencePool CRD v1.4.0 on) is refused against the CRD GKE installs at the minimum version', () => {
  expect(problemsAfter((o) => void ((find(o, 'InferencePool', GA_POOL) as Json).spec.appProtocol = 'http'))).toEqual([
    `InferencePool/${GA_POOL}: spec.appProtocol: unknown field (the API server would drop it); known fields here: endpointPickerRef, selector, targetPorts`,
  ]);
});

describe('v1 InferencePool (inference.networking.k8s.io)', () => {
  test('a selector.matchLabels that matches no model server pods', () => {
    expect(problemsAfter((o) => void ((find(o, 'InferencePool', GA_POOL) as Json).spec.selector.matchLabels = { app: 'nobody' }))).toEqual([
      `InferencePool/${GA_POOL}: spec.selector: selects no model server pods in namespace default`,
    ]);
  });

  test('a targetPorts number that is no containerPort of the pool pods', () => {
    // The v1.0.0 CRD (what GKE installs at the GA minimum) also allows only one target port.
    expect(problemsAfter((o) => void ((find(o, 'InferencePool', GA_POOL) as Json).spec.targetPorts = [{ number: 8000 }, { number: 8080 }]))).toEqual([
      `InferencePool/${GA_POOL}: spec.targetPorts: must NOT have more than 1 items; got 2 items`,
      `InferencePool/${GA_POOL}: spec.targetPorts[1].number: 8080 is not a containerPort of Deployment/${POOL}'s pods`,
    ]);
  });

  test('an endpointPickerRef naming a missing Service', () => {
    expect(problemsAfter((o) => void ((find(o, 'InferencePool', GA_POOL) as Json).spec.endpointPickerRef.name = 'no-epp'))).toEqual([
      `InferencePool/${GA_POOL}: spec.endpointPickerRef.name: endpoint picker Service "no-epp" is not in namespace default of the manifests`,
    ]);
  });

  test('an endpointPickerRef port.number the Service does not have', () => {
    expect(problemsAfter((o) => void ((find(o, 'InferencePool', GA_POOL) as Json).spec.endpointPickerRef.port.number = 9100))).toEqual([
      `InferencePool/${GA_POOL}: spec.endpointPickerRef.port.number: Service "${GA_EPP}" has no port 9100 (ports: 9002, 9090)`,
    ]);
  });

  test('an endpoint picker started for another pool, or for the other API group', () => {
    const problems = problemsAfter((o) => {
      const args = (find(o, 'Deployment', GA_EPP) as Json).spec.template.spec.containers[0].args as string[];
      args[1] = POOL;
      args[5] = 'inference.networking.x-k8s.io';
    });
    expect(problems).toEqual([
      `Deployment/${GA_EPP}: spec.template.spec.containers[0].args[1]: --pool-name ${POOL}: this endpoint picker serves InferencePool "${GA_POOL}", whose name is ${GA_POOL}; it would watch a pool whose traffic it never sees`,
      `Deployment/${GA_EPP}: spec.template.spec.containers[0].args[5]: --pool-group inference.networking.x-k8s.io: this endpoint picker serves InferencePool "${GA_POOL}", whose API group is inference.networking.k8s.io; it would watch a pool whose traffic it never sees`,
    ]);
  });

  test('the v0.3.0 picker flags (-poolName) are read too', () => {
    const objects = synthObjects();
    (find(objects, 'Deployment', `${POOL}-epp`) as Json).spec.template.spec.containers[0].args[1] = 'other-pool';
    expect(lines(validate(objects))).toEqual([
      `Deployment/${POOL}-epp: spec.template.spec.containers[0].args[1]: -poolName other-pool: this endpoint picker serves InferencePool "${POOL}", whose name is ${POOL}; it would watch a pool whose traffic it never sees`,
    ]);
  });

  test('a v1 InferencePool without a HealthCheckPolicy', () => {
    expect(problemsAfter((o) => remove(o, 'HealthCheckPolicy', GA_POOL))).toEqual([
      `InferencePool/${GA_POOL}: metadata.name: no HealthCheckPolicy targets this InferencePool (GKE would probe the default path and mark pods unhealthy)`,
    ]);
  });

  test('a health check port that is not one of the v1 pool targetPorts', () => {
    expect(problemsAfter((o) => void ((find(o, 'HealthCheckPolicy', GA_POOL) as Json).spec.default.config.httpHealthCheck.port = 8001))).toEqual([
      `HealthCheckPolicy/${GA_POOL}: spec.default.config.httpHealthCheck.port: 8001 is not one of InferencePool "${GA_POOL}"'s targetPorts (8000): the load balancer would probe a port the model server does not serve`,
    ]);
  });

  test('a policy targetRef with the v1alpha2 group for a v1 pool', () => {
    expect(problemsAfter((o) => void ((find(o, 'GCPBackendPolicy', GA_POOL) as Json).spec.targetRef.group = 'inference.networking.x-k8s.io'))).toEqual([
      `GCPBackendPolicy/${GA_POOL}: spec.targetRef.group: target InferencePool.inference.networking.x-k8s.io "${GA_POOL}" in namespace default is not in the manifests (InferencePool "${GA_POOL}" has group "inference.networking.k8s.io")`,
    ]);
  });

  test('two GCPBackendPolicies for one pool', () => {
    const problems = problemsAfter((o) => {
      const second = structuredClone(find(o, 'GCPBackendPolicy', GA_POOL)) as Json;
      second.metadata.name = 'second-backend-policy';
      return added(o, second);
    });
    expect(problems).toEqual([
      `GCPBackendPolicy/second-backend-policy: spec.targetRef: InferencePool "${GA_POOL}" has 2 GCPBackendPolicies (${GA_POOL}, second-backend-policy); only one of them takes effect`,
    ]);
  });
});

describe('InferenceObjective and InferenceModelRewrite (llm-d.ai)', () => {
  test('an InferenceObjective poolRef naming a missing pool', () => {
    expect(problemsAfter((o) => void ((find(o, 'InferenceObjective') as Json).spec.poolRef.name = 'gone'))).toEqual([
      'InferenceObjective/food-review: spec.poolRef.name: InferencePool "gone" (group inference.networking.k8s.io) is not in namespace default of the manifests',
    ]);
  });

  test('an InferenceObjective poolRef left at the default group while naming the v1alpha2 pool', () => {
    expect(problemsAfter((o) => void ((find(o, 'InferenceObjective') as Json).spec.poolRef.name = POOL))).toEqual([
      `InferenceObjective/food-review: spec.poolRef.group: InferencePool "${POOL}" is in group inference.networking.x-k8s.io, not inference.networking.k8s.io`,
    ]);
  });

  test('an InferenceModelRewrite poolRef naming a missing pool', () => {
    expect(problemsAfter((o) => void ((find(o, 'InferenceModelRewrite') as Json).spec.poolRef.name = 'gone'))).toEqual([
      'InferenceModelRewrite/food-review: spec.poolRef.name: InferencePool "gone" (group inference.networking.k8s.io) is not in namespace default of the manifests',
    ]);
  });

  test('a rewrite target that the pool pods do not serve', () => {
    expect(problemsAfter((o) => void ((find(o, 'InferenceModelRewrite') as Json).spec.rules[0].targets[1].modelRewrite = 'pizza-review'))).toEqual([
      `InferenceModelRewrite/food-review: spec.rules[0].targets[1].modelRewrite: "pizza-review" is neither the base model nor an adapter served by InferencePool "${GA_POOL}" (served: meta-llama/Llama-3.1-8B-Instruct, food-review, cad-fabricator)`,
    ]);
  });

  test('a rewrite target the lora-syncer unloads (ensureNotExist)', () => {
    const problems = problemsAfter((o) =>
      syncerConfig(o, (text) => text.replace(/ {6}- id: cad-fabricator\n.*\n/, '').replace(/$/, '  ensureNotExist:\n    models:\n      - id: cad-fabricator\n        source: redcathode/fabricator\n')),
    );
    expect(problems).toEqual([
      // The guide's pool gives cad-fabricator an InferenceModel of its own (the v0.3.0 stack), which also loses it.
      `InferenceModel/cad-fabricator: spec.modelName: "cad-fabricator" is under ensureNotExist in ConfigMap "${ADAPTERS}": the lora-syncer unloads it from InferencePool "vllm-llama3-8b-instruct"'s pods`,
      `InferenceModelRewrite/food-review: spec.rules[0].targets[1].modelRewrite: "cad-fabricator" is under ensureNotExist in ConfigMap "${ADAPTERS}": the lora-syncer unloads it from InferencePool "${GA_POOL}"'s pods`,
    ]);
  });

  test('an adapter under both ensureExist and ensureNotExist is neither loaded nor unloaded', () => {
    const problems = problemsAfter((o) => syncerConfig(o, (text) => `${text}  ensureNotExist:\n    models:\n      - id: cad-fabricator\n        source: redcathode/fabricator\n`));
    expect(problems).toEqual([
      `ConfigMap/${ADAPTERS}: data["configmap.yaml"]: adapter "cad-fabricator" is under both ensureExist and ensureNotExist: the lora-syncer neither loads nor unloads it`,
      `InferenceModel/cad-fabricator: spec.modelName: "cad-fabricator" is neither the base model nor an adapter served by InferencePool "vllm-llama3-8b-instruct" (served: meta-llama/Llama-3.1-8B-Instruct, food-review)`,
      `InferenceModelRewrite/food-review: spec.rules[0].targets[1].modelRewrite: "cad-fabricator" is neither the base model nor an adapter served by InferencePool "${GA_POOL}" (served: meta-llama/Llama-3.1-8B-Instruct, food-review)`,
    ]);
  });

  test('an InferenceModel target the lora-syncer unloads is reported the same way', () => {
    const objects = synthObjects();
    syncerConfig(objects, (text) => text.replace(/ {6}- id: food-review\n.*\n/, '').replace(/$/, '  ensureNotExist:\n    models:\n      - id: food-review\n        source: Kawon/llama3.1-food-finetune_v14_r8\n'));
    expect(lines(validate(objects))).toEqual([
      `InferenceModel/food-review: spec.targetModels[0].name: "food-review" is under ensureNotExist in ConfigMap "${ADAPTERS}": the lora-syncer unloads it from InferencePool "${POOL}"'s pods`,
    ]);
  });
});

describe('PodMonitoring', () => {
  test('a credentials Secret namespace is refused by the CRD, and the Secret is still looked for in its own namespace', () => {
    expect(problemsAfter((o) => void ((find(o, 'PodMonitoring', GA_POOL) as Json).spec.endpoints[0].authorization.credentials.secret.namespace = 'monitoring'))).toEqual([
      `PodMonitoring/${GA_POOL}: (object): Namespace not allowed on PodMonitoring secret references.`,
    ]);
  });

  test('a credentials Secret missing from its namespace', () => {
    expect(problemsAfter((o) => remove(o, 'Secret', `${GA_POOL}-metrics-reader-secret`))).toEqual([
      `PodMonitoring/${GA_POOL}: spec.endpoints[0].authorization.credentials.secret.name: Secret "${GA_POOL}-metrics-reader-secret" in namespace default is neither in the manifests nor a declared external`,
    ]);
  });

  test('a selector that matches no pods in its namespace', () => {
    expect(problemsAfter((o) => void ((find(o, 'PodMonitoring', GA_POOL) as Json).spec.selector.matchLabels = { app: POOL, tier: 'picker' }))).toEqual([
      expect.stringMatching(new RegExp(`^PodMonitoring/${GA_POOL}: spec.selector: selects no pods \\(pod labels: `)),
    ]);
  });

  test('a scrape port name the selected pods do not have', () => {
    expect(problemsAfter((o) => void ((find(o, 'PodMonitoring', GA_POOL) as Json).spec.endpoints[0].port = 'metric'))).toEqual([
      `PodMonitoring/${GA_POOL}: spec.endpoints[0].port: "metric" is not a container port of Deployment/${GA_EPP}'s pods (named ports: grpc, grpc-health, metrics); nothing would be scraped there`,
    ]);
  });
});

describe('body-based routing: GCPRoutingExtension and the health check on its Service', () => {
  const extension = (o: Objects) => (find(o, 'GCPRoutingExtension') as Json).spec;

  test('a targetRef naming a Gateway that is not there', () => {
    expect(problemsAfter((o) => void (extension(o).targetRefs[0].name = 'other-gateway'))).toEqual([
      // The model header then comes from nowhere on inference-gateway.
      'HTTPRoute/models-by-name: spec.rules[0].matches[0].headers[0].value: matches X-Gateway-Model-Name, but no GCPRoutingExtension on Gateway default/inference-gateway sets that header from the request body; only clients that set it themselves reach this rule',
      'GCPRoutingExtension/body-based-router: spec.targetRefs[0].name: target Gateway.gateway.networking.k8s.io "other-gateway" in namespace default is not in the manifests',
    ]);
  });

  test('a targetRef naming something other than a Gateway', () => {
    expect(problemsAfter((o) => void (extension(o).targetRefs[0] = { group: '', kind: 'Service', name: BBR }))).toEqual([
      'HTTPRoute/models-by-name: spec.rules[0].matches[0].headers[0].value: matches X-Gateway-Model-Name, but no GCPRoutingExtension on Gateway default/inference-gateway sets that header from the request body; only clients that set it themselves reach this rule',
      `GCPRoutingExtension/body-based-router: spec.targetRefs[0].kind: a GCPRoutingExtension attaches to a Gateway; got Service "${BBR}"`,
    ]);
  });

  test('a backendRef naming a missing Service', () => {
    expect(problemsAfter((o) => void (extension(o).extensionChains[0].extensions[0].backendRef.name = 'bbr'))).toEqual([
      'GCPRoutingExtension/body-based-router: spec.extensionChains[0].extensions[0].backendRef.name: Service "bbr" is not in namespace default of the manifests',
    ]);
  });

  test('a backendRef port the Service does not have (the health port is on the pods only)', () => {
    expect(problemsAfter((o) => void (extension(o).extensionChains[0].extensions[0].backendRef.port = 9005))).toEqual([
      `GCPRoutingExtension/body-based-router: spec.extensionChains[0].extensions[0].backendRef.port: Service "${BBR}" has no port 9005 (ports: 9004)`,
    ]);
  });

  test('a Service port that forwards where the router pods do not listen', () => {
    expect(problemsAfter((o) => void ((find(o, 'Service', BBR) as Json).spec.ports[0].targetPort = 9006))).toEqual([
      `GCPRoutingExtension/body-based-router: spec.extensionChains[0].extensions[0].backendRef.port: Service "${BBR}" port 9004 forwards to 9006, which Deployment/${BBR}'s pods do not expose`,
    ]);
  });

  test('a HealthCheckPolicy on the Service probing a port its pods do not expose', () => {
    expect(problemsAfter((o) => void ((find(o, 'HealthCheckPolicy', 'bbr-healthcheck') as Json).spec.default.config.grpcHealthCheck.port = 9006))).toEqual([
      `HealthCheckPolicy/bbr-healthcheck: spec.default.config.grpcHealthCheck.port: 9006 is not a containerPort of the pods Service "${BBR}" selects (Deployment/${BBR} exposes 9004, 9005): the load balancer would mark every endpoint unhealthy`,
    ]);
  });

  test('two HealthCheckPolicies on one Service', () => {
    const problems = problemsAfter((o) => {
      const second = structuredClone(find(o, 'HealthCheckPolicy', 'bbr-healthcheck')) as Json;
      second.metadata.name = 'bbr-healthcheck-2';
      return added(o, second);
    });
    expect(problems).toEqual([
      `HealthCheckPolicy/bbr-healthcheck-2: spec.targetRef: Service "${BBR}" has 2 HealthCheckPolicies (bbr-healthcheck, bbr-healthcheck-2); only one of them takes effect`,
    ]);
  });
});

describe('HTTPRoutes: weights, model headers, several routes on one Gateway', () => {
  test('a weighted backendRef to the v1 pool written with the v1alpha2 group', () => {
    expect(problemsAfter((o) => void ((find(o, 'HTTPRoute', 'my-route') as Json).spec.rules[0].backendRefs[1].group = 'inference.networking.x-k8s.io'))).toEqual([
      `HTTPRoute/my-route: spec.rules[0].backendRefs[1].group: backend InferencePool.inference.networking.x-k8s.io "${GA_POOL}" in namespace default is not in the manifests (found it in group "inference.networking.k8s.io")`,
    ]);
  });

  test('every backendRef of a rule at weight 0', () => {
    expect(problemsAfter((o) => void (find(o, 'HTTPRoute', 'my-route') as Json).spec.rules[0].backendRefs.forEach((ref: Json) => (ref.weight = 0)))).toEqual([
      'HTTPRoute/my-route: spec.rules[0].backendRefs: every backendRef has weight 0: the Gateway answers 500 to every request this rule matches',
    ]);
  });

  test('a model header rule sending a model to a pool that neither serves nor maps it', () => {
    expect(problemsAfter((o) => void ((find(o, 'HTTPRoute', 'models-by-name') as Json).spec.rules[0].matches[0].headers[0].value = 'pizza-review'))).toEqual([
      `HTTPRoute/models-by-name: spec.rules[0].matches[0].headers[0].value: model "pizza-review" is sent to InferencePool "${GA_POOL}" (backendRefs[0]), which neither serves it nor maps it with an InferenceModel or InferenceModelRewrite (it answers to: meta-llama/Llama-3.1-8B-Instruct, food-review, cad-fabricator, food-review-latest)`,
    ]);
  });

  test('a model name that only an InferenceModelRewrite maps is accepted', () => {
    expect(problemsAfter((o) => void ((find(o, 'HTTPRoute', 'models-by-name') as Json).spec.rules[0].matches[0].headers[0].value = 'food-review-latest'))).toEqual([]);
  });

  test('a model header rule on a Gateway without body-based routing', () => {
    expect(problemsAfter((o) => remove(o, 'GCPRoutingExtension'))).toEqual([
      'HTTPRoute/models-by-name: spec.rules[0].matches[0].headers[0].value: matches X-Gateway-Model-Name, but no GCPRoutingExtension on Gateway default/inference-gateway sets that header from the request body; only clients that set it themselves reach this rule',
    ]);
  });

  test('two HTTPRoutes on one Gateway with the same match', () => {
    expect(problemsAfter((o) => void delete (find(o, 'HTTPRoute', 'models-by-name') as Json).spec.rules[0].matches[0].headers)).toEqual([
      'HTTPRoute/models-by-name: spec.rules[0].matches[0]: HTTPRoute "my-route" spec.rules[0].matches[0] has the same match on Gateway "inference-gateway": only one of the two rules receives this traffic (the older route\'s)',
    ]);
  });

  test('two rules of one HTTPRoute with the same match', () => {
    const problems = problemsAfter((o) => {
      const rules = (find(o, 'HTTPRoute', 'my-route') as Json).spec.rules;
      rules.push(structuredClone(rules[0]));
    });
    expect(problems).toEqual(['HTTPRoute/my-route: spec.rules[1].matches[0]: spec.rules[0].matches[0] has the same match: the earlier rule takes all of this traffic']);
  });

  test('an HTTPRoute holds at most 16 rules (more pools need more routes)', () => {
    const problems = problemsAfter((o) => {
      const rules = (find(o, 'HTTPRoute', 'my-route') as Json).spec.rules;
      for (let i = 1; i <= 16; i++) rules.push({ ...structuredClone(rules[0]), matches: [{ path: { type: 'PathPrefix', value: `/pool-${i}` } }] });
    });
    expect(problems).toEqual(['HTTPRoute/my-route: spec.rules: must NOT have more than 16 items; got 17 items']);
  });

  test('header names compare case-insensitively when matches are compared', () => {
    const problems = problemsAfter((o) => {
      const route = structuredClone(find(o, 'HTTPRoute', 'models-by-name')) as Json;
      route.metadata.name = 'models-by-name-2';
      route.spec.rules[0].matches[0].headers[0].name = 'x-gateway-model-name';
      return added(o, route);
    });
    expect(problems).toEqual([
      'HTTPRoute/models-by-name-2: spec.rules[0].matches[0]: HTTPRoute "models-by-name" spec.rules[0].matches[0] has the same match on Gateway "inference-gateway": only one of the two rules receives this traffic (the older route\'s)',
    ]);
  });
});

describe('namespaced RBAC', () => {
  test('a RoleBinding to a Role that is not in its namespace', () => {
    expect(problemsAfter((o) => void ((find(o, 'Role', `${GA_EPP}-sa`) as Json).metadata.namespace = 'llm'))).toEqual([
      `RoleBinding/${GA_EPP}-sa: roleRef.name: Role "${GA_EPP}-sa" is not in namespace default of the manifests`,
    ]);
  });

  test('a RoleBinding subject naming a ServiceAccount that is not there', () => {
    expect(problemsAfter((o) => void ((find(o, 'RoleBinding', `${GA_EPP}-sa`) as Json).subjects[0].name = 'epp'))).toEqual([
      `RoleBinding/${GA_EPP}-sa: subjects[0].name: ServiceAccount "epp" is not in namespace default of the manifests; the binding grants its role to nobody`,
    ]);
  });

  test('a subject in a namespace the manifests do not write to (gmp-system) is not checked', () => {
    expect(problemsAfter((o) => void ((find(o, 'RoleBinding', `${GA_EPP}-sa`) as Json).subjects[0] = { kind: 'ServiceAccount', name: 'collector', namespace: 'gmp-system' }))).toEqual([]);
  });
});

describe('files from ConfigMap mounts', () => {
  test('the endpoint picker --config-file naming a file its ConfigMap does not have', () => {
    expect(problemsAfter((o) => void ((find(o, 'Deployment', GA_EPP) as Json).spec.template.spec.containers[0].args[7] = '/config/plugins.yaml'))).toEqual([
      `Deployment/${GA_EPP}: spec.template.spec.containers[0].args[7]: /config/plugins.yaml is not a file of ConfigMap "${GA_EPP}" mounted at /config (files: default-plugins.yaml)`,
    ]);
  });

  test('the lora-syncer DYNAMIC_LORA_ROLLOUT_CONFIG naming a file its ConfigMap does not have', () => {
    const objects = synthObjects();
    (find(objects, 'Deployment', POOL) as Json).spec.template.spec.initContainers[0].env[0].value = '/config/config.yaml';
    expect(lines(validate(objects))).toContainEqual(
      `Deployment/${POOL}: spec.template.spec.initContainers[0].env[0].value: /config/config.yaml is not a file of ConfigMap "${ADAPTERS}" mounted at /config (files: configmap.yaml)`,
    );
  });

  test('an EndpointPickerConfig scheduling profile referring to a plugin it does not declare', () => {
    const problems = problemsAfter((o) => {
      const configMap = find(o, 'ConfigMap', GA_EPP) as Json;
      configMap.data['default-plugins.yaml'] = configMap.data['default-plugins.yaml'].replace('- pluginRef: kv-cache-utilization-scorer', '- pluginRef: kv-cache-scorer');
    });
    expect(problems).toEqual([
      `ConfigMap/${GA_EPP}: data["default-plugins.yaml"]: schedulingProfiles[0].plugins[1].pluginRef "kv-cache-scorer" names no plugin of this EndpointPickerConfig (plugins: queue-scorer, kv-cache-utilization-scorer, prefix-cache-scorer, core-metrics-extractor); the endpoint picker refuses the file`,
    ]);
  });

  test('an EndpointPickerConfig that is not YAML', () => {
    expect(problemsAfter((o) => void ((find(o, 'ConfigMap', GA_EPP) as Json).data['default-plugins.yaml'] = 'plugins: [unclosed'))).toEqual([
      expect.stringMatching(new RegExp(`^ConfigMap/${GA_EPP}: data\\["default-plugins.yaml"\\]: not valid YAML: `)),
    ]);
  });
});

test('each lora-syncer ConfigMap is parsed once per run, however many models ask what their pool serves', () => {
  const pools = ['alpha', 'beta', 'gamma'].map((name, i) => ({
    name,
    ...(i > 0 ? { routePathPrefix: `/${name}` } : {}),
    adapters: { models: [{ id: 'food-review', source: 'example/food-review' }, { id: 'cad-fabricator', source: 'example/cad-fabricator' }] },
    models: ['food-review', 'cad-fabricator'].map((id) => ({ name: `${name}-${id}`, modelName: `${name}-${id}`, criticality: 'Standard', targetModels: [{ name: id }] })),
  }));
  const spec = resolveSpec({ cluster: { gpuPool: { maxNodes: 9 } }, pools });
  const objects = synthObjects(spec);
  // The CommonJS exports object the validator's modules call through (an ES namespace import would be frozen).
  const parse = jest.spyOn(jest.requireActual<typeof import('yaml')>('yaml'), 'parse');
  try {
    expect(lines(validate(objects, spec))).toEqual([]);
    const parsed = parse.mock.calls.map(([text]) => text);
    const syncerConfigs = objects.filter((o) => (o.object as Json).kind === 'ConfigMap').map((o) => (o.object as Json).data['configmap.yaml']);
    expect(syncerConfigs).toHaveLength(3);
    expect(parsed.sort()).toEqual([...syncerConfigs].sort());
  } finally {
    parse.mockRestore();
  }
});
