import { resolveSpec } from '../../spec';
import { validateWithSchemas } from '../../validate';
import { find, lines, POOL, remove, schemas, synthObjects, validate } from './helpers';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const EPP = `${POOL}-epp`;

function problemsAfter(mutate: (objects: ReturnType<typeof synthObjects>) => ReturnType<typeof synthObjects> | void): string[] {
  const objects = synthObjects();
  return lines(validate(mutate(objects) ?? objects));
}

describe('selectors find pods', () => {
  test('an InferencePool selector that matches no pod template', () => {
    expect(problemsAfter((o) => void ((find(o, 'InferencePool') as Json).spec.selector = { app: 'nobody' }))).toContain(
      `InferencePool/${POOL}: spec.selector: selects no model server pods in namespace default`,
    );
  });

  test('a Deployment whose selector does not match its own template', () => {
    expect(problemsAfter((o) => void ((find(o, 'Deployment', POOL) as Json).spec.selector.matchLabels = { app: 'other' }))).toContainEqual(
      expect.stringMatching(new RegExp(`^Deployment/${POOL}: spec.selector: does not match the pod template's labels`)),
    );
  });

  test('a Service selector that matches no pods', () => {
    expect(problemsAfter((o) => void ((find(o, 'Service', EPP) as Json).spec.selector = { app: 'nobody' }))).toContainEqual(
      expect.stringMatching(new RegExp(`^Service/${EPP}: spec.selector: \\{app=nobody\\} selects no pods`)),
    );
  });

  test('a PodDisruptionBudget selector that matches no pods', () => {
    expect(problemsAfter((o) => void ((find(o, 'PodDisruptionBudget', POOL) as Json).spec.selector.matchLabels = { app: 'nobody' }))).toContainEqual(
      expect.stringMatching(new RegExp(`^PodDisruptionBudget/${POOL}: spec.selector: selects no pods`)),
    );
  });
});

describe('HTTPRoute references', () => {
  test('a backendRef naming a missing pool', () => {
    expect(problemsAfter((o) => void ((find(o, 'HTTPRoute') as Json).spec.rules[0].backendRefs[0].name = 'missing-pool'))).toEqual([
      'HTTPRoute/my-route: spec.rules[0].backendRefs[0].name: backend InferencePool.inference.networking.x-k8s.io "missing-pool" in namespace default is not in the manifests',
    ]);
  });

  test('a backendRef to a Service without that port', () => {
    expect(problemsAfter((o) => void ((find(o, 'HTTPRoute') as Json).spec.rules[0].backendRefs[0] = { name: EPP, port: 1234 }))).toContainEqual(
      `HTTPRoute/my-route: spec.rules[0].backendRefs[0].port: Service "${EPP}" has no port 1234 (ports: 9002, 9090)`,
    );
  });

  test('a parentRef naming a missing Gateway', () => {
    expect(problemsAfter((o) => void ((find(o, 'HTTPRoute') as Json).spec.parentRefs[0].name = 'other-gateway'))).toEqual([
      'HTTPRoute/my-route: spec.parentRefs[0].name: Gateway.gateway.networking.k8s.io "other-gateway" in namespace default is not in the manifests (no Gateway would accept this route)',
    ]);
  });

  test('a parentRef sectionName that no listener has', () => {
    expect(problemsAfter((o) => void ((find(o, 'HTTPRoute') as Json).spec.parentRefs[0].sectionName = 'https'))).toEqual([
      'HTTPRoute/my-route: spec.parentRefs[0].sectionName: Gateway "inference-gateway" has no listener "https" (listeners: http)',
    ]);
  });
});

describe('InferencePool and InferenceModel references', () => {
  test('an InferenceModel poolRef naming a missing pool', () => {
    expect(problemsAfter((o) => void ((find(o, 'InferenceModel', 'food-review') as Json).spec.poolRef.name = 'gone'))).toEqual([
      'InferenceModel/food-review: spec.poolRef.name: InferencePool "gone" (group inference.networking.x-k8s.io) is not in namespace default of the manifests',
    ]);
  });

  test('an extensionRef naming a missing Service', () => {
    expect(problemsAfter((o) => void ((find(o, 'InferencePool') as Json).spec.extensionRef.name = 'no-epp'))).toEqual([
      `InferencePool/${POOL}: spec.extensionRef.name: endpoint picker Service "no-epp" is not in namespace default of the manifests`,
    ]);
  });

  test('an extensionRef portNumber the Service does not have', () => {
    expect(problemsAfter((o) => void ((find(o, 'InferencePool') as Json).spec.extensionRef.portNumber = 9100))).toEqual([
      `InferencePool/${POOL}: spec.extensionRef.portNumber: Service "${EPP}" has no port 9100 (ports: 9002, 9090)`,
    ]);
  });

  test('without portNumber the extension port defaults to 9002, which the Service has', () => {
    expect(problemsAfter((o) => void delete (find(o, 'InferencePool') as Json).spec.extensionRef.portNumber)).toEqual([]);
  });

  test('an extension Service whose selector misses the picker pods', () => {
    expect(problemsAfter((o) => void ((find(o, 'Service', EPP) as Json).spec.selector = { app: POOL }))).toContainEqual(
      `InferencePool/${POOL}: spec.extensionRef.portNumber: Service "${EPP}" port 9002 forwards to 9002, which Deployment/${POOL}'s pods do not expose`,
    );
  });

  test('a targetPortNumber that is no containerPort of the pool pods', () => {
    expect(problemsAfter((o) => void ((find(o, 'InferencePool') as Json).spec.targetPortNumber = 8080))).toContainEqual(
      `InferencePool/${POOL}: spec.targetPortNumber: 8080 is not a containerPort of Deployment/${POOL}'s pods`,
    );
  });

  test('an InferenceModel target that is neither the base model nor an adapter', () => {
    expect(problemsAfter((o) => void ((find(o, 'InferenceModel', 'food-review') as Json).spec.targetModels[0].name = 'pizza-review'))).toEqual([
      `InferenceModel/food-review: spec.targetModels[0].name: "pizza-review" is neither the base model nor an adapter served by InferencePool "${POOL}" (served: meta-llama/Llama-3.1-8B-Instruct, food-review, cad-fabricator)`,
    ]);
  });

  test('an InferenceModel without targetModels must name a served model', () => {
    expect(problemsAfter((o) => void ((find(o, 'InferenceModel', 'llama3-base-model') as Json).spec.modelName = 'meta-llama/Llama-3.1-70B'))).toEqual([
      expect.stringMatching(/^InferenceModel\/llama3-base-model: spec\.modelName: "meta-llama\/Llama-3\.1-70B" is neither the base model nor an adapter/),
    ]);
  });

  test('an adapter removed from the lora-syncer ConfigMap is no longer served', () => {
    const problems = problemsAfter((o) => {
      const configMap = find(o, 'ConfigMap') as Json;
      configMap.data['configmap.yaml'] = configMap.data['configmap.yaml'].replace('- id: food-review', '- id: food-review-v2');
    });
    expect(problems).toContainEqual(expect.stringMatching(/^InferenceModel\/food-review: spec\.targetModels\[0\]\.name: "food-review" is neither/));
  });
});

describe('GKE policies', () => {
  test('a HealthCheckPolicy targetRef with the wrong group', () => {
    expect(problemsAfter((o) => void ((find(o, 'HealthCheckPolicy') as Json).spec.targetRef.group = 'inference.networking.k8s.io'))).toContainEqual(
      `HealthCheckPolicy/${POOL}: spec.targetRef.group: target InferencePool.inference.networking.k8s.io "${POOL}" in namespace default is not in the manifests (InferencePool "${POOL}" has group "inference.networking.x-k8s.io")`,
    );
  });

  test('a GCPBackendPolicy targetRef naming a missing pool', () => {
    expect(problemsAfter((o) => void ((find(o, 'GCPBackendPolicy') as Json).spec.targetRef.name = 'gone'))).toEqual([
      'GCPBackendPolicy/vllm-llama3-8b-instruct: spec.targetRef.name: target InferencePool.inference.networking.x-k8s.io "gone" in namespace default is not in the manifests',
    ]);
  });

  test('a HealthCheckPolicy targetRef with the wrong kind', () => {
    expect(problemsAfter((o) => void ((find(o, 'HealthCheckPolicy') as Json).spec.targetRef.kind = 'Service'))).toContainEqual(
      expect.stringMatching(new RegExp(`^HealthCheckPolicy/${POOL}: spec.targetRef.kind: target Service`)),
    );
  });

  test('an InferencePool without a HealthCheckPolicy', () => {
    expect(problemsAfter((o) => remove(o, 'HealthCheckPolicy'))).toEqual([
      `InferencePool/${POOL}: metadata.name: no HealthCheckPolicy targets this InferencePool (GKE would probe the default path and mark pods unhealthy)`,
    ]);
  });

  test('two HealthCheckPolicies for one InferencePool', () => {
    const problems = problemsAfter((o) => {
      const second = structuredClone(find(o, 'HealthCheckPolicy')) as Json;
      second.metadata.name = 'second-check';
      return [...o, { file: 'extra.yaml', object: second }];
    });
    expect(problems).toEqual([
      `HealthCheckPolicy/second-check: spec.targetRef: InferencePool "${POOL}" has 2 HealthCheckPolicies (${POOL}, second-check); exactly one may target it`,
    ]);
  });

  test('a health check port other than the pool targetPortNumber', () => {
    expect(problemsAfter((o) => void ((find(o, 'HealthCheckPolicy') as Json).spec.default.config.httpHealthCheck.port = 8001))).toEqual([
      `HealthCheckPolicy/${POOL}: spec.default.config.httpHealthCheck.port: 8001 is not InferencePool "${POOL}"'s targetPortNumber 8000: the load balancer would probe a port the model server does not serve`,
    ]);
  });
});

describe('Secrets, ConfigMaps and ServiceAccounts', () => {
  test('the HF token Secret is external by design and not reported', () => {
    const objects = synthObjects();
    expect(objects.some((o) => (o.object as Json).kind === 'Secret' && (o.object as Json).metadata.name === 'hf-token')).toBe(false);
    expect(lines(validate(objects))).toEqual([]);
  });

  test('an env secretKeyRef naming an undeclared Secret', () => {
    expect(problemsAfter((o) => void ((find(o, 'Deployment', POOL) as Json).spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef.name = 'hf-tokn'))).toEqual([
      `Deployment/${POOL}: spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef.name: Secret "hf-tokn" in namespace default is neither in the manifests nor a declared external`,
    ]);
  });

  test('a configMap volume naming a missing ConfigMap', () => {
    expect(problemsAfter((o) => remove(o, 'ConfigMap'))).toContainEqual(
      `Deployment/${POOL}: spec.template.spec.volumes[3].configMap.name: ConfigMap "vllm-llama3-8b-adapters" in namespace default is neither in the manifests nor a declared external`,
    );
  });

  test('a ClusterPodMonitoring credentials Secret that is missing', () => {
    const problems = problemsAfter((o) => remove(o, 'Secret'));
    expect(problems).toEqual([
      `ClusterPodMonitoring/default.${POOL}: spec.endpoints[0].authorization.credentials.secret.name: Secret "inference-gateway-sa-metrics-reader-secret" in namespace default is neither in the manifests nor a declared external`,
    ]);
  });

  test('a pod ServiceAccount that is not in the manifests', () => {
    expect(problemsAfter((o) => remove(o, 'ServiceAccount', EPP))).toContainEqual(
      `Deployment/${EPP}: spec.template.spec.serviceAccountName: ServiceAccount "${EPP}" is not in namespace default of the manifests`,
    );
  });
});

describe('RBAC', () => {
  /** The picker's cluster-scoped binding carries the namespace in its name. */
  const EPP_CLUSTER = `default.${EPP}`;

  test('a binding without roleRef.apiGroup (the v0.3.0 chart bug)', () => {
    expect(problemsAfter((o) => void delete (find(o, 'ClusterRoleBinding', EPP_CLUSTER) as Json).roleRef.apiGroup)).toContainEqual(
      `ClusterRoleBinding/${EPP_CLUSTER}: roleRef.apiGroup: must be rbac.authorization.k8s.io; got nothing (the API server rejects the binding)`,
    );
  });

  test('a binding to a ClusterRole that does not exist', () => {
    expect(problemsAfter((o) => remove(o, 'ClusterRole', EPP_CLUSTER))).toEqual([
      `ClusterRoleBinding/${EPP_CLUSTER}: roleRef.name: ClusterRole "${EPP_CLUSTER}" is neither in the manifests nor a built-in role`,
    ]);
  });

  test('a RoleBinding to a Role that does not exist', () => {
    expect(problemsAfter((o) => remove(o, 'Role', EPP))).toEqual([
      `RoleBinding/${EPP}: roleRef.name: Role "${EPP}" is not in namespace default of the manifests`,
    ]);
  });

  test('a binding to a built-in role is fine', () => {
    expect(problemsAfter((o) => void ((find(o, 'ClusterRoleBinding', EPP_CLUSTER) as Json).roleRef.name = 'system:auth-delegator'))).toEqual([]);
  });
});

describe('vLLM and GPUs', () => {
  test('--max-loras above --max-cpu-loras', () => {
    expect(problemsAfter((o) => void ((find(o, 'Deployment', POOL) as Json).spec.template.spec.containers[0].args[8] = '16'))).toEqual([
      `Deployment/${POOL}: spec.template.spec.containers[0].args[8]: --max-loras 16 must not exceed --max-cpu-loras 12 (vLLM refuses to start)`,
    ]);
  });

  test('a GPU request larger than one node of the GPU pool', () => {
    expect(problemsAfter((o) => {
      const resources = (find(o, 'Deployment', POOL) as Json).spec.template.spec.containers[0].resources;
      resources.limits['nvidia.com/gpu'] = 2;
      resources.requests['nvidia.com/gpu'] = 2;
    })).toEqual([
      `Deployment/${POOL}: spec.template.spec.containers[0].resources.limits["nvidia.com/gpu"]: the pod asks for 2 nvidia.com/gpu but a a3-highgpu-1g node has 1; the pod can never be scheduled`,
    ]);
  });

  test('a nodeSelector naming another accelerator', () => {
    expect(problemsAfter((o) => void ((find(o, 'Deployment', POOL) as Json).spec.template.spec.nodeSelector['cloud.google.com/gke-accelerator'] = 'nvidia-l4'))).toEqual([
      `Deployment/${POOL}: spec.template.spec.nodeSelector["cloud.google.com/gke-accelerator"]: selects accelerator "nvidia-l4" but the GPU node pool has nvidia-h100-80gb; the pod can never be scheduled`,
    ]);
  });

  test('the GPU checks follow the spec: a 2-GPU pool accepts a 2-GPU pod', () => {
    const spec = resolveSpec({ cluster: { gpuPool: { acceleratorCount: 2, machineType: 'a3-highgpu-2g' } }, pools: [{ name: POOL, modelServer: { gpus: 2, tensorParallelSize: 2 } }] });
    expect(lines(validate(synthObjects(spec), spec))).toEqual([]);
  });

  test('without a spec the GPU checks are skipped', () => {
    const objects = synthObjects();
    (find(objects, 'Deployment', POOL) as Json).spec.template.spec.nodeSelector['cloud.google.com/gke-accelerator'] = 'nvidia-l4';
    expect(lines(validateWithSchemas(objects, schemas))).toEqual([]);
  });
});

test('two objects with the same kind, namespace and name', () => {
  const problems = problemsAfter((o) => [...o, { file: 'copy.yaml', object: structuredClone(find(o, 'ConfigMap')) }]);
  expect(problems).toEqual([expect.stringMatching(/^ConfigMap\/vllm-llama3-8b-adapters: metadata\.name: duplicates the ConfigMap in pool-/)]);
});
