import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-30';
import type { ModelServerSpec } from '../spec';
import { LoraAdapters } from './adapters';
import { containerSecurity, RUNTIME_DEFAULT_SECCOMP } from './security';
import { appLabels, ENGINE_TYPE_LABEL, GKE_ACCELERATOR_LABEL, GPU_RESOURCE, LORA_SYNCER_CONFIG_VARIABLE } from './well-known';

export interface ModelServerProps {
  readonly namespace: string;
  /** Deployment name and value of its pods' `app` label. */
  readonly name: string;
  readonly server: ModelServerSpec;
  /** Adapters the lora-syncer sidecar keeps loaded; the sidecar mounts their ConfigMap. */
  readonly adapters: LoraAdapters;
  /** vLLM's health endpoint, probed by the kubelet here and by the load balancer's health check. */
  readonly healthPath: string;
  /** `--max-lora-rank`: the largest adapter rank vLLM accepts. */
  readonly maxLoraRank: number;
  /** The GA picker's engine for these pods (`modelServerEngine`), as a pod label. @default no label */
  readonly engine?: string;
  /**
   * A HorizontalPodAutoscaler owns the pod count: the Deployment then sets no `replicas`, so applying it
   * again never resets what the HPA chose (with server-side apply the HPA's field manager keeps it).
   * @default false: `server.replicas` pods
   */
  readonly autoscaled?: boolean;
  /**
   * Stream the base model from Cloud Storage instead of downloading it from Hugging Face: vLLM loads
   * `uri` with the Run:ai Model Streamer as the pod's Kubernetes service account (Workload Identity), and
   * the pod gets no Hugging Face token (only the fill Job has it).
   * @default undefined: the guide's download from Hugging Face with the token
   */
  readonly weights?: ModelWeightsFromGcs;
}

export interface ModelWeightsFromGcs {
  /** `gs://<bucket>/<path>` of the model's files. */
  readonly uri: string;
  /** The pod's Kubernetes service account, which may read the bucket. */
  readonly serviceAccount: string;
}

/**
 * The guide's vLLM Deployment: the OpenAI-compatible server with LoRA enabled, the lora-syncer as a
 * native sidecar, and a PodDisruptionBudget.
 *
 * Written with the generated `k8s.KubeDeployment` rather than cdk8s-plus' Deployment on purpose: the
 * latter's defaults (2 GiB memory limit, non-root, read-only root filesystem) would stop vLLM, which runs
 * as root and writes its model cache. Nothing here depends on the adapter list or the InferenceModels,
 * so changing those never restarts a GPU pod.
 */
export class ModelServer extends Construct {
  /** Name of the container port that probes and the syncer use. */
  static readonly PORT_NAME = 'http';
  static readonly CONTAINER_NAME = 'vllm';
  static readonly SYNCER_NAME = 'lora-adapter-syncer';
  /** Key of the Hugging Face token in `hfTokenSecret` (the guide's `--from-literal=token=...`). */
  static readonly HF_TOKEN_KEY = 'token';
  /** Where the `data` volume is mounted: on the node's local SSD (the GPU pool's ephemeral storage). */
  static readonly DATA_DIRECTORY = '/data';
  /**
   * What the syncer requests. It is a Python process that polls one small file and makes a few HTTP
   * calls a minute to vLLM: a tenth of a core and 128 MiB is several times what such a process uses.
   */
  static readonly SYNCER_RESOURCES = { cpu: '100m', memory: '128Mi' } as const;

  readonly name: string;
  /** Labels the InferencePool (and the Deployment) select the model server pods by. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** The engine label the pods carry for the GA picker, if any (never part of a selector). */
  readonly engine?: string;
  /** Port vLLM serves on. */
  readonly port: number;
  readonly healthPath: string;
  readonly terminationGracePeriodSeconds: number;
  readonly deployment: k8s.KubeDeployment;

  constructor(scope: Construct, id: string, props: ModelServerProps) {
    super(scope, id);
    const { server, adapters } = props;
    this.name = props.name;
    this.podLabels = appLabels(props.name);
    this.engine = props.engine;
    this.port = server.port;
    this.healthPath = props.healthPath;
    this.terminationGracePeriodSeconds = server.terminationGracePeriodSeconds;

    const healthGet: k8s.HttpGetAction = {
      path: props.healthPath,
      port: k8s.IntOrString.fromString(ModelServer.PORT_NAME),
      scheme: 'HTTP',
    };
    const gpus = k8s.Quantity.fromNumber(server.gpus);
    const configDirectory = '/config';

    const vllm: k8s.Container = {
      name: ModelServer.CONTAINER_NAME,
      image: server.image,
      // The tag is pinned, so a node that has the multi-gigabyte image need not pull it again.
      imagePullPolicy: 'IfNotPresent',
      command: ['python3', '-m', 'vllm.entrypoints.openai.api_server'],
      args: [
        ...(props.weights === undefined
          ? ['--model', server.baseModel]
          : // Clients and the InferenceModels keep naming the model by its Hugging Face id.
            ['--model', props.weights.uri, '--served-model-name', server.baseModel, '--load-format', 'runai_streamer']),
        '--tensor-parallel-size', String(server.tensorParallelSize),
        '--port', String(server.port),
        '--enable-lora',
        '--max-loras', String(server.maxLoras),
        '--max-cpu-loras', String(server.maxCpuLoras),
        // vLLM refuses (HTTP 400 from /v1/load_lora_adapter) an adapter whose rank exceeds this.
        '--max-lora-rank', String(props.maxLoraRank),
        // The spec's escape hatch, checked against the flags above (spec/escape-hatches.ts).
        ...(server.extraArgs ?? []),
      ],
      env: [
        { name: 'PORT', value: String(server.port) },
        ...(props.weights === undefined
          ? [{ name: 'HUGGING_FACE_HUB_TOKEN', valueFrom: { secretKeyRef: { name: server.hfTokenSecret, key: ModelServer.HF_TOKEN_KEY } } }]
          : []),
        // The syncer loads adapters through /v1/load_lora_adapter, which vLLM only serves with this set.
        { name: 'VLLM_ALLOW_RUNTIME_LORA_UPDATING', value: 'true' },
        // Hugging Face downloads (16 GB of base model weights, and every adapter) and vLLM's compile cache
        // go to the data volume instead of the container's home: a restarted container (a liveness
        // failure, an OOM kill) finds them there and does not download them again.
        { name: 'HF_HOME', value: `${ModelServer.DATA_DIRECTORY}/huggingface` },
        { name: 'VLLM_CACHE_ROOT', value: `${ModelServer.DATA_DIRECTORY}/vllm` },
        ...(server.env ?? []).map((variable) => ({ name: variable.name, value: variable.value })),
      ],
      ports: [{ containerPort: server.port, name: ModelServer.PORT_NAME, protocol: 'TCP' }],
      lifecycle: {
        // vLLM stops accepting connections on SIGTERM; sleeping first lets the load balancer take the pod
        // out of rotation (p99 of that propagation, not its mean) so no request is refused.
        preStop: { sleep: { seconds: server.preStopSleepSeconds } },
      },
      // /health is cheap, so all probes run every second. Liveness tolerates five misses because a
      // restart reloads the whole model; readiness drops the pod at the first miss.
      livenessProbe: { httpGet: healthGet, periodSeconds: 1, successThreshold: 1, failureThreshold: 5, timeoutSeconds: 1 },
      readinessProbe: { httpGet: healthGet, periodSeconds: 1, successThreshold: 1, failureThreshold: 1, timeoutSeconds: 1 },
      // vLLM serves /health only once the model is loaded. 3600 one-second probes allow an hour for the
      // download from Hugging Face and the load onto the GPU (the guide's comment says ten minutes, its
      // numbers say an hour); a model that takes longer would restart forever.
      startupProbe: { httpGet: healthGet, failureThreshold: 3600, initialDelaySeconds: 2, periodSeconds: 1 },
      // Limits only on the GPU, as in the guide: a CPU or memory limit would throttle tokenization or kill
      // the server when it maps an 8B model (16 GB of weights) and its KV cache. The CPU and memory
      // requests (see modelServer.resources) keep the pod out of the BestEffort class.
      resources: {
        limits: { [GPU_RESOURCE]: gpus },
        requests: {
          [GPU_RESOURCE]: gpus,
          cpu: k8s.Quantity.fromString(server.resources.cpu),
          memory: k8s.Quantity.fromString(server.resources.memory),
        },
      },
      // The image runs as root and writes its caches under /root; nothing in it needs a capability.
      securityContext: containerSecurity(),
      volumeMounts: [
        { mountPath: ModelServer.DATA_DIRECTORY, name: 'data' },
        { mountPath: '/dev/shm', name: 'shm' },
        { mountPath: '/adapters', name: 'adapters' },
      ],
    };

    const syncer: k8s.Container = {
      name: ModelServer.SYNCER_NAME,
      tty: true,
      stdin: true,
      image: adapters.syncerImage,
      // An init container that always restarts is a native sidecar: it starts before vLLM and lives with it.
      restartPolicy: 'Always',
      imagePullPolicy: 'IfNotPresent',
      env: [{ name: LORA_SYNCER_CONFIG_VARIABLE, value: `${configDirectory}/${LoraAdapters.CONFIG_FILE}` }],
      resources: {
        requests: {
          cpu: k8s.Quantity.fromString(ModelServer.SYNCER_RESOURCES.cpu),
          memory: k8s.Quantity.fromString(ModelServer.SYNCER_RESOURCES.memory),
        },
      },
      // The image has no USER (root); it reads its config and calls vLLM over localhost, writing nothing.
      securityContext: containerSecurity({ readOnlyRootFilesystem: true }),
      // Mounted as a directory, never with subPath: the kubelet does not update subPath mounts, so the
      // syncer would never see a changed adapter list.
      volumeMounts: [{ name: 'config-volume', mountPath: configDirectory }],
    };

    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      // The spec's labels and annotations go on the Deployment alone: its selector is immutable, and the
      // pods' labels are what the Service, the InferencePool and the PodDisruptionBudget select.
      metadata: {
        name: props.name,
        namespace: props.namespace,
        ...(isEmpty(server.labels) ? {} : { labels: { ...server.labels } }),
        ...(isEmpty(server.annotations) ? {} : { annotations: { ...server.annotations } }),
      },
      spec: {
        replicas: props.autoscaled ? undefined : server.replicas,
        selector: { matchLabels: { ...this.podLabels } },
        // GPUs are scarce: by default a rollout replaces pods one at a time instead of waiting for a
        // surge pod that no free GPU can host.
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: {
            maxSurge: k8s.IntOrString.fromNumber(server.rollout.maxSurge),
            maxUnavailable: k8s.IntOrString.fromNumber(server.rollout.maxUnavailable),
          },
        },
        template: {
          metadata: {
            labels: { ...this.podLabels, ...(props.engine === undefined ? {} : { [ENGINE_TYPE_LABEL]: props.engine }) },
            ...(isEmpty(server.podAnnotations) ? {} : { annotations: { ...server.podAnnotations } }),
          },
          spec: {
            containers: [vllm],
            initContainers: [syncer],
            restartPolicy: 'Always',
            // Its identity for Workload Identity: the GKE metadata server answers the pod's token requests
            // by the pod's service account; the Kubernetes API token itself stays unmounted.
            ...(props.weights === undefined ? {} : { serviceAccountName: props.weights.serviceAccount }),
            // Neither vLLM nor the syncer talks to the Kubernetes API: no token in the pod to steal.
            automountServiceAccountToken: false,
            securityContext: RUNTIME_DEFAULT_SECCOMP,
            // A Service named "vllm" would inject VLLM_PORT=tcp://...; vLLM reads VLLM_PORT as a number
            // and would crash-loop.
            enableServiceLinks: false,
            // Room for the preStop sleep plus the slowest request to finish (see spec/drain.ts).
            terminationGracePeriodSeconds: server.terminationGracePeriodSeconds,
            nodeSelector: { ...server.nodeSelector, [GKE_ACCELERATOR_LABEL]: server.accelerator },
            ...(server.tolerations === undefined || server.tolerations.length === 0 ? {} : { tolerations: server.tolerations.map((toleration) => ({ ...toleration })) }),
            volumes: [
              { name: 'data', emptyDir: {} },
              { name: 'shm', emptyDir: { medium: 'Memory' } },
              { name: 'adapters', emptyDir: {} },
              { name: 'config-volume', configMap: { name: adapters.configMapName } },
            ],
          },
        },
      },
    });

    new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata: { name: props.name, namespace: props.namespace },
      spec: {
        maxUnavailable: k8s.IntOrString.fromNumber(server.disruptionBudget.maxUnavailable),
        selector: { matchLabels: { ...this.podLabels } },
      },
    });
  }
}

function isEmpty(map: Readonly<Record<string, string>> | undefined): boolean {
  return map === undefined || Object.keys(map).length === 0;
}
