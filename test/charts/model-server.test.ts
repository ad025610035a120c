/**
 * The guide's vLLM Deployment (vllm-llama3-8b-instruct.yaml), field by field, as ModelServer emits it.
 */
import { buildModelServer, findContainer, findEnv, findObject, guidePool, synthConstruct, type K8sObject } from './helpers';

const objects = synthConstruct((chart) => buildModelServer(chart));
const deployment = findObject(objects, 'Deployment', 'vllm-llama3-8b-instruct');
const pod: K8sObject = deployment.spec.template.spec;
const vllm = findContainer(deployment, 'vllm');
const syncer = findContainer(deployment, 'lora-adapter-syncer');
const healthGet = { path: '/health', port: 'http', scheme: 'HTTP' };

describe('the vLLM Deployment', () => {
  test('is named vllm-llama3-8b-instruct in namespace default', () => {
    expect(deployment.apiVersion).toBe('apps/v1');
    expect(deployment.metadata).toEqual({ name: 'vllm-llama3-8b-instruct', namespace: 'default' });
  });

  test('runs 3 replicas', () => {
    expect(deployment.spec.replicas).toBe(3);
  });

  test('selects and labels its pods app: vllm-llama3-8b-instruct', () => {
    expect(deployment.spec.selector).toEqual({ matchLabels: { app: 'vllm-llama3-8b-instruct' } });
    expect(deployment.spec.template.metadata.labels).toEqual({ app: 'vllm-llama3-8b-instruct' });
  });
});

describe('the vllm container', () => {
  test('is the only regular container of the pod', () => {
    expect(pod.containers.map((container: K8sObject) => container.name)).toEqual(['vllm']);
  });

  test('starts the OpenAI-compatible API server with python3 -m', () => {
    expect(vllm.command).toEqual(['python3', '-m', 'vllm.entrypoints.openai.api_server']);
  });

  test('serves Llama-3.1-8B-Instruct on one GPU, port 8000, with up to 2 GPU and 12 CPU LoRAs of rank up to 16', () => {
    expect(vllm.args).toEqual([
      '--model', 'meta-llama/Llama-3.1-8B-Instruct',
      '--tensor-parallel-size', '1',
      '--port', '8000',
      '--enable-lora',
      '--max-loras', '2',
      '--max-cpu-loras', '12',
      // food-review is rank 8; cad-fabricator's rank is undeclared, so vLLM's own default (16) stays.
      '--max-lora-rank', '16',
    ]);
  });

  test('sets PORT to 8000', () => {
    expect(findEnv(vllm, 'PORT')).toEqual({ name: 'PORT', value: '8000' });
  });

  test('reads HUGGING_FACE_HUB_TOKEN from key token of Secret hf-token', () => {
    expect(findEnv(vllm, 'HUGGING_FACE_HUB_TOKEN')).toEqual({
      name: 'HUGGING_FACE_HUB_TOKEN',
      valueFrom: { secretKeyRef: { name: 'hf-token', key: 'token' } },
    });
  });

  test('allows runtime LoRA updates (VLLM_ALLOW_RUNTIME_LORA_UPDATING=true) so the syncer can load adapters', () => {
    expect(findEnv(vllm, 'VLLM_ALLOW_RUNTIME_LORA_UPDATING')).toEqual({ name: 'VLLM_ALLOW_RUNTIME_LORA_UPDATING', value: 'true' });
  });

  test("sets the guide's three environment variables, in the guide's order, then the cache locations", () => {
    expect(vllm.env.map((entry: K8sObject) => entry.name)).toEqual(['PORT', 'HUGGING_FACE_HUB_TOKEN', 'VLLM_ALLOW_RUNTIME_LORA_UPDATING', 'HF_HOME', 'VLLM_CACHE_ROOT']);
  });

  test('keeps the Hugging Face cache (HF_HOME) and vLLM\'s cache on the data volume, so a restarted container does not download the model again', () => {
    const dataMount = vllm.volumeMounts.find((mount: K8sObject) => mount.name === 'data').mountPath;
    expect(findEnv(vllm, 'HF_HOME')).toEqual({ name: 'HF_HOME', value: `${dataMount}/huggingface` });
    expect(findEnv(vllm, 'VLLM_CACHE_ROOT')).toEqual({ name: 'VLLM_CACHE_ROOT', value: `${dataMount}/vllm` });
    // The data volume is an emptyDir: it lives as long as the pod, across container restarts, on the
    // node's local SSD (the GPU pool's ephemeral storage).
    expect(pod.volumes.find((volume: K8sObject) => volume.name === 'data')).toEqual({ name: 'data', emptyDir: {} });
  });

  test('exposes port 8000/TCP named http', () => {
    expect(vllm.ports).toEqual([{ containerPort: 8000, name: 'http', protocol: 'TCP' }]);
  });

  test('sleeps 30 seconds in preStop so the load balancer can take the pod out of rotation', () => {
    expect(vllm.lifecycle).toEqual({ preStop: { sleep: { seconds: 30 } } });
  });

  test('liveness probe checks /health on port http every second and restarts after 5 misses', () => {
    expect(vllm.livenessProbe).toEqual({
      httpGet: healthGet,
      periodSeconds: 1,
      successThreshold: 1,
      failureThreshold: 5,
      timeoutSeconds: 1,
    });
  });

  test('readiness probe checks /health on port http every second and fails after one miss', () => {
    expect(vllm.readinessProbe).toEqual({
      httpGet: healthGet,
      periodSeconds: 1,
      successThreshold: 1,
      failureThreshold: 1,
      timeoutSeconds: 1,
    });
  });

  test('startup probe checks /health every second from 2 s on, for up to 3600 attempts', () => {
    expect(vllm.startupProbe).toEqual({
      httpGet: healthGet,
      failureThreshold: 3600,
      initialDelaySeconds: 2,
      periodSeconds: 1,
    });
  });

  test('requests one nvidia.com/gpu, 4 CPUs and 24 GiB, and is limited to the GPU only', () => {
    expect(vllm.resources).toEqual({ requests: { 'nvidia.com/gpu': 1, cpu: '4', memory: '24Gi' }, limits: { 'nvidia.com/gpu': 1 } });
  });

  test('has no CPU or memory limit (a limit would throttle tokenization or kill the server mid-load)', () => {
    expect(Object.keys(vllm.resources.limits)).toEqual(['nvidia.com/gpu']);
  });

  test('takes its CPU and memory requests from modelServer.resources', () => {
    const pool = guidePool();
    const sized = { ...pool, modelServer: { ...pool.modelServer, resources: { cpu: '8', memory: '64Gi' } } };
    const container = findContainer(findObject(synthConstruct((chart) => buildModelServer(chart, sized)), 'Deployment', 'vllm-llama3-8b-instruct'), 'vllm');
    expect([container.resources.requests.cpu, container.resources.requests.memory]).toEqual(['8', '64Gi']);
  });

  test('mounts data at /data, shm at /dev/shm and adapters at /adapters', () => {
    expect(vllm.volumeMounts).toEqual([
      { name: 'data', mountPath: '/data' },
      { name: 'shm', mountPath: '/dev/shm' },
      { name: 'adapters', mountPath: '/adapters' },
    ]);
  });

  test('runs the pinned vllm/vllm-openai:v0.8.5 image, not latest', () => {
    expect(vllm.image).toBe('vllm/vllm-openai:v0.8.5');
  });

  test('runs as its image user (root, which owns its caches) with a writable root filesystem, but without capabilities or privilege escalation', () => {
    expect(vllm.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(pod.securityContext).toEqual({ seccompProfile: { type: 'RuntimeDefault' } });
  });
});

describe('the lora-adapter-syncer sidecar', () => {
  test('is a native sidecar: the only init container, with restartPolicy Always', () => {
    expect(pod.initContainers.map((container: K8sObject) => container.name)).toEqual(['lora-adapter-syncer']);
    expect(syncer.restartPolicy).toBe('Always');
  });

  test('has a tty and stdin, as in the guide', () => {
    expect(syncer.tty).toBe(true);
    expect(syncer.stdin).toBe(true);
  });

  test('reads its config from DYNAMIC_LORA_ROLLOUT_CONFIG=/config/configmap.yaml', () => {
    expect(syncer.env).toEqual([{ name: 'DYNAMIC_LORA_ROLLOUT_CONFIG', value: '/config/configmap.yaml' }]);
  });

  test('mounts config-volume at /config as a directory, without subPath, so ConfigMap updates reach it', () => {
    expect(syncer.volumeMounts).toEqual([{ name: 'config-volume', mountPath: '/config' }]);
    expect(syncer.volumeMounts[0]).not.toHaveProperty('subPath');
  });

  test('runs the pinned lora-syncer v1.0.2 image, not the staging main tag', () => {
    expect(syncer.image).toBe('registry.k8s.io/gateway-api-inference-extension/lora-syncer:v1.0.2');
  });

  test('keeps its image user (root) but drops every capability, cannot escalate, and writes nothing to its filesystem', () => {
    expect(syncer.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true });
  });

  test('requests a tenth of a core and 128 MiB, so the pod is not BestEffort on its account', () => {
    expect(syncer.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' } });
  });
});

describe('the vLLM pod', () => {
  test('has the volumes data, shm (in memory), adapters and config-volume (ConfigMap vllm-llama3-8b-adapters)', () => {
    expect(pod.volumes).toEqual([
      { name: 'data', emptyDir: {} },
      { name: 'shm', emptyDir: { medium: 'Memory' } },
      { name: 'adapters', emptyDir: {} },
      { name: 'config-volume', configMap: { name: 'vllm-llama3-8b-adapters' } },
    ]);
  });

  test('turns service links off so a Service named vllm cannot inject VLLM_PORT', () => {
    expect(pod.enableServiceLinks).toBe(false);
  });

  test('restarts Always', () => {
    expect(pod.restartPolicy).toBe('Always');
  });

  test('gets 130 seconds to terminate: the preStop sleep plus the slowest request, with margin', () => {
    expect(pod.terminationGracePeriodSeconds).toBe(130);
  });

  test('mounts no ServiceAccount token: neither vLLM nor the syncer calls the Kubernetes API', () => {
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  test('runs only on nvidia-h100-80gb nodes', () => {
    expect(pod.nodeSelector).toEqual({ 'cloud.google.com/gke-accelerator': 'nvidia-h100-80gb' });
  });
});

describe('the vLLM PodDisruptionBudget', () => {
  test('lets one model server pod be evicted at a time', () => {
    const budget = findObject(objects, 'PodDisruptionBudget', 'vllm-llama3-8b-instruct');
    expect(budget.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { app: 'vllm-llama3-8b-instruct' } } });
  });
});
