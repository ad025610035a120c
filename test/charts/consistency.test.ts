/**
 * Values that two objects must share agree in the default synth, and change together when the spec
 * changes them.
 */
import { parse } from 'yaml';
import { argValue, findAll, findContainer, findEnv, findObject, selects, synthApp, synthDocument, type K8sObject } from './helpers';

const POOL = 'vllm-llama3-8b-instruct';
const EPP = `${POOL}-epp`;
const objects = synthApp();

describe('the default synth agrees with itself', () => {
  const modelServer = findObject(objects, 'Deployment', POOL);
  const inferencePool = findObject(objects, 'InferencePool', POOL);

  test("the InferencePool selector selects the model server's pod labels", () => {
    expect(selects(inferencePool.spec.selector, modelServer.spec.template.metadata.labels)).toBe(true);
  });

  test("the InferencePool selector does not select the endpoint picker's pods", () => {
    const picker = findObject(objects, 'Deployment', EPP);
    expect(selects(inferencePool.spec.selector, picker.spec.template.metadata.labels)).toBe(false);
  });

  test("the InferencePool's targetPortNumber is the vLLM container port", () => {
    expect(findContainer(modelServer, 'vllm').ports[0].containerPort).toBe(inferencePool.spec.targetPortNumber);
  });

  test("the InferencePool's extensionRef names the endpoint picker Service and its gRPC port", () => {
    const service = findObject(objects, 'Service', inferencePool.spec.extensionRef.name);
    expect(service.spec.ports.map((port: K8sObject) => port.port)).toContain(inferencePool.spec.extensionRef.portNumber);
  });

  test('the HTTPRoute backendRef names the pool', () => {
    const route = findObject(objects, 'HTTPRoute', 'my-route');
    expect(route.spec.rules.flatMap((rule: K8sObject) => rule.backendRefs)).toEqual([
      { group: 'inference.networking.x-k8s.io', kind: 'InferencePool', name: inferencePool.metadata.name },
    ]);
  });

  test('the HTTPRoute attaches to the Gateway', () => {
    const gateway = findAll(objects, 'Gateway')[0];
    expect(findObject(objects, 'HTTPRoute', 'my-route').spec.parentRefs).toEqual([{ name: gateway.metadata.name }]);
  });

  test('the HealthCheckPolicy and the GCPBackendPolicy target the pool by its API group, kind and name', () => {
    const [group] = inferencePool.apiVersion.split('/');
    const target = { group, kind: inferencePool.kind, name: inferencePool.metadata.name };
    expect(findAll(objects, 'HealthCheckPolicy').map((policy) => policy.spec.targetRef)).toEqual([target]);
    expect(findAll(objects, 'GCPBackendPolicy').map((policy) => policy.spec.targetRef)).toEqual([target]);
  });

  test("the HealthCheckPolicy probes the model server's readiness path and port", () => {
    const readiness = findContainer(modelServer, 'vllm').readinessProbe;
    const check = findObject(objects, 'HealthCheckPolicy', POOL).spec.default.config.httpHealthCheck;
    expect(check.requestPath).toBe(readiness.httpGet.path);
    expect(check.port).toBe(inferencePool.spec.targetPortNumber);
  });

  test('the endpoint picker Service selects the endpoint picker pods', () => {
    const picker = findObject(objects, 'Deployment', EPP);
    expect(selects(findObject(objects, 'Service', EPP).spec.selector, picker.spec.template.metadata.labels)).toBe(true);
  });

  test("the ClusterPodMonitoring scrapes a port the picker's container names, in the Service's metrics port", () => {
    const picker = findContainer(findObject(objects, 'Deployment', EPP), 'epp');
    const monitoring = findObject(objects, 'ClusterPodMonitoring', `default.${POOL}`);
    const scraped = picker.ports.find((port: K8sObject) => port.name === monitoring.spec.endpoints[0].port);
    expect(scraped).toEqual({ name: 'metrics', containerPort: 9090 });
    expect(argValue(picker.args, '-metricsPort')).toBe(String(scraped.containerPort));
  });

  test("the ClusterPodMonitoring's token Secret is the metrics reader's Secret in its namespace", () => {
    const secret = findAll(objects, 'Secret')[0];
    const reference = findObject(objects, 'ClusterPodMonitoring', `default.${POOL}`).spec.endpoints[0].authorization.credentials.secret;
    expect({ name: reference.name, namespace: reference.namespace }).toEqual({ name: secret.metadata.name, namespace: secret.metadata.namespace });
  });

  test("the vLLM pod mounts the adapters ConfigMap by its real name", () => {
    const volume = modelServer.spec.template.spec.volumes.find((entry: K8sObject) => entry.name === 'config-volume');
    expect(findAll(objects, 'ConfigMap').map((configMap) => configMap.metadata.name)).toEqual([volume.configMap.name]);
  });

  test("the syncer's DYNAMIC_LORA_ROLLOUT_CONFIG is the ConfigMap's key inside the syncer's config-volume mount", () => {
    const syncer = findContainer(modelServer, 'lora-adapter-syncer');
    const mount = syncer.volumeMounts.find((entry: K8sObject) => entry.name === 'config-volume');
    const [key] = Object.keys(findObject(objects, 'ConfigMap', 'vllm-llama3-8b-adapters').data);
    expect(findEnv(syncer, 'DYNAMIC_LORA_ROLLOUT_CONFIG')?.value).toBe(`${mount.mountPath}/${key}`);
  });

  test("the adapters config names vLLM's port and base model", () => {
    const vllm = findContainer(modelServer, 'vllm');
    const config = parse(findObject(objects, 'ConfigMap', 'vllm-llama3-8b-adapters').data['configmap.yaml']).vLLMLoRAConfig;
    expect(config.port).toBe(Number(argValue(vllm.args, '--port')));
    expect(config.defaultBaseModel).toBe(argValue(vllm.args, '--model'));
  });

  test('every InferenceModel targetModel (or, without targets, its modelName) is the base model or a loaded adapter', () => {
    const vllm = findContainer(modelServer, 'vllm');
    const config = parse(findObject(objects, 'ConfigMap', 'vllm-llama3-8b-adapters').data['configmap.yaml']).vLLMLoRAConfig;
    const served = [argValue(vllm.args, '--model'), ...config.ensureExist.models.map((adapter: K8sObject) => adapter.id)];
    const wanted = findAll(objects, 'InferenceModel').flatMap((model) =>
      model.spec.targetModels ? model.spec.targetModels.map((target: K8sObject) => target.name) : [model.spec.modelName],
    );
    expect(wanted).toEqual(['food-review', 'meta-llama/Llama-3.1-8B-Instruct', 'cad-fabricator']);
    for (const name of wanted) expect(served).toContain(name);
  });

  test('every adapter the syncer loads is reachable: some InferenceModel routes to it', () => {
    const config = parse(findObject(objects, 'ConfigMap', 'vllm-llama3-8b-adapters').data['configmap.yaml']).vLLMLoRAConfig;
    const routed = new Set(
      findAll(objects, 'InferenceModel').flatMap((model) => [model.spec.modelName, ...(model.spec.targetModels ?? []).map((target: K8sObject) => target.name)]),
    );
    for (const adapter of config.ensureExist.models) expect(routed).toContain(adapter.id);
  });

  test('every InferenceModel poolRef names the pool', () => {
    expect(findAll(objects, 'InferenceModel').map((model) => model.spec.poolRef)).toEqual([{ name: POOL }, { name: POOL }, { name: POOL }]);
  });

  test("the endpoint picker's -poolName and -poolNamespace name the InferencePool", () => {
    const args = findContainer(findObject(objects, 'Deployment', EPP), 'epp').args;
    expect([argValue(args, '-poolName'), argValue(args, '-poolNamespace')]).toEqual([inferencePool.metadata.name, inferencePool.metadata.namespace]);
  });

  test("the endpoint picker's grace period equals the model server's", () => {
    expect(findObject(objects, 'Deployment', EPP).spec.template.spec.terminationGracePeriodSeconds).toBe(
      modelServer.spec.template.spec.terminationGracePeriodSeconds,
    );
  });

  test('each ClusterRoleBinding binds a ClusterRole and ServiceAccounts that exist (the collector aside)', () => {
    for (const binding of findAll(objects, 'ClusterRoleBinding')) {
      findObject(objects, 'ClusterRole', binding.roleRef.name);
      for (const subject of binding.subjects) {
        if (subject.namespace === 'gmp-system') continue;
        expect(findObject(objects, 'ServiceAccount', subject.name).metadata.namespace).toBe(subject.namespace);
      }
    }
  });
});

describe('modelServer.port 8080 changes every object that names the port', () => {
  const changed = synthDocument({ pools: [{ name: POOL, modelServer: { port: 8080 } }] });
  const vllm = findContainer(findObject(changed, 'Deployment', POOL), 'vllm');

  test('the vLLM container port', () => {
    expect(vllm.ports).toEqual([{ containerPort: 8080, name: 'http', protocol: 'TCP' }]);
  });

  test('the --port argument', () => {
    expect(argValue(vllm.args, '--port')).toBe('8080');
  });

  test('the PORT environment variable', () => {
    expect(findEnv(vllm, 'PORT')).toEqual({ name: 'PORT', value: '8080' });
  });

  test("the adapters config's port", () => {
    expect(parse(findObject(changed, 'ConfigMap', 'vllm-llama3-8b-adapters').data['configmap.yaml']).vLLMLoRAConfig.port).toBe(8080);
  });

  test("the InferencePool's targetPortNumber", () => {
    expect(findObject(changed, 'InferencePool', POOL).spec.targetPortNumber).toBe(8080);
  });

  test("the HealthCheckPolicy's port", () => {
    expect(findObject(changed, 'HealthCheckPolicy', POOL).spec.default.config.httpHealthCheck.port).toBe(8080);
  });

  test('and no object still names 8000', () => {
    expect(JSON.stringify(changed)).not.toMatch(/\b8000\b/);
  });
});

describe('the pool name changes every object that names the pool', () => {
  const NAME = 'mistral-7b';
  const changed = synthDocument({
    pools: [
      {
        name: NAME,
        models: [{ name: 'mistral-base-model', modelName: 'meta-llama/Llama-3.1-8B-Instruct', criticality: 'Critical' }],
      },
    ],
  });
  const deployment = findObject(changed, 'Deployment', NAME);
  const target = { group: 'inference.networking.x-k8s.io', kind: 'InferencePool', name: NAME };

  test('the model server Deployment is named after the pool', () => {
    expect(deployment.metadata.name).toBe(NAME);
  });

  test('the model server pods are labelled app: <pool>', () => {
    expect(deployment.spec.template.metadata.labels).toEqual({ app: NAME });
    expect(deployment.spec.selector).toEqual({ matchLabels: { app: NAME } });
  });

  test('the InferencePool is named after the pool and selects app: <pool>', () => {
    const inferencePool = findObject(changed, 'InferencePool', NAME);
    expect(inferencePool.spec.selector).toEqual({ app: NAME });
    expect(inferencePool.spec.extensionRef.name).toBe(`${NAME}-epp`);
  });

  test("the route's backendRef names the pool", () => {
    expect(findObject(changed, 'HTTPRoute', 'my-route').spec.rules[0].backendRefs).toEqual([target]);
  });

  test("the policies' targetRefs name the pool", () => {
    expect(findObject(changed, 'HealthCheckPolicy', NAME).spec.targetRef).toEqual(target);
    expect(findObject(changed, 'GCPBackendPolicy', NAME).spec.targetRef).toEqual(target);
  });

  test("the endpoint picker's -poolName names the pool", () => {
    expect(argValue(findContainer(findObject(changed, 'Deployment', `${NAME}-epp`), 'epp').args, '-poolName')).toBe(NAME);
  });

  test("the InferenceModel's poolRef names the pool", () => {
    expect(findObject(changed, 'InferenceModel', 'mistral-base-model').spec.poolRef).toEqual({ name: NAME });
  });

  test('and no object still names the guide pool', () => {
    expect(JSON.stringify(changed)).not.toContain(POOL);
  });
});
