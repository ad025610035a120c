/**
 * Built-in defaults: with no spec file, these reproduce the guide's example. A pool written in a spec
 * file under another name takes `poolDefaults(name)`, whose object names derive from the pool name.
 */
import type { AdaptersSpec, DeploymentSpec, GpuPoolSpec, ModelServerSpec, PoolSpec } from './types';
import { EXTENSION_RELEASES, MIN_GKE_VERSION, type ExtensionVersion } from './versions';
import { machineZones } from './machines';

/** The guide's region; the GPU pool's default zones follow `cluster.region` (see regions.ts). */
export const DEFAULT_REGION = 'us-central1';

export const DEFAULT_EXTENSION_VERSION: ExtensionVersion = 'v0.3.0';

/**
 * Which profile a deployment runs: `version`, and during a migration also `migrationFrom`, whose model
 * servers keep running (same vLLM image) until the migration ends.
 */
export interface ProfileContext {
  readonly version: ExtensionVersion;
  readonly migrationFrom?: ExtensionVersion;
}

export const GUIDE_PROFILE: ProfileContext = { version: DEFAULT_EXTENSION_VERSION };

/**
 * The vLLM image a pool runs unless the spec names one: the release's own, or during a migration the
 * one the `from` profile already runs, so moving traffic never restarts a model server.
 */
export function defaultModelServerImage(profile: ProfileContext): string {
  return EXTENSION_RELEASES[profile.migrationFrom ?? profile.version].modelServerImage;
}

export const GUIDE_POOL_NAME = 'vllm-llama3-8b-instruct';
/** The guide's `kubectl create secret generic hf-token`; never synthesized. */
export const DEFAULT_HF_TOKEN_SECRET = 'hf-token';
export const GUIDE_BASE_MODEL = 'meta-llama/Llama-3.1-8B-Instruct';

/** A3 High machine type for a number of H100 GPUs per node. */
export const A3_MACHINE_TYPES: Readonly<Record<number, string>> = {
  1: 'a3-highgpu-1g',
  2: 'a3-highgpu-2g',
  4: 'a3-highgpu-4g',
  8: 'a3-highgpu-8g',
};

export function modelServerDefaults(profile: ProfileContext = GUIDE_PROFILE): ModelServerSpec {
  return {
    replicas: 3,
    image: defaultModelServerImage(profile),
    baseModel: GUIDE_BASE_MODEL,
    port: 8000,
    tensorParallelSize: 1,
    maxLoras: 2,
    maxCpuLoras: 12,
    hfTokenSecret: DEFAULT_HF_TOKEN_SECRET,
    accelerator: 'nvidia-h100-80gb',
    gpus: 1,
    // The load balancer needs up to ~30 s to take a terminating pod out of rotation (the guide's
    // highest observed propagation delay); vLLM refuses new connections once it gets SIGTERM.
    preStopSleepSeconds: 30,
    // The guide's value: 30 s preStop + ~55 s drain, times 1.5 for safety. See spec/drain.ts for why the
    // guide's drain estimate only holds for short outputs, and how to derive your own.
    terminationGracePeriodSeconds: 130,
    rollout: { maxSurge: 0, maxUnavailable: 1 },
    disruptionBudget: { maxUnavailable: 1 },
    // Requests only, as the guide sets no limit (a limit would throttle tokenization or kill the server):
    // they make the pod Burstable instead of BestEffort, the first evicted under node memory pressure.
    // Memory: an 8B model's 16 GiB of bf16 weights pass through host memory while loading, plus vLLM's
    // 4 GiB of CPU swap space (--swap-space default), the CPU LoRA cache (--max-cpu-loras adapters of a
    // few tens of MiB) and the Python and CUDA runtime. CPU: the HTTP server, tokenizer and scheduler
    // threads; an a3-highgpu-1g node has 26 vCPUs and 234 GB, so one pod per GPU always fits.
    resources: { cpu: '4', memory: '24Gi' },
    // The guide's path: every pod downloads the model from Hugging Face.
    weightsFrom: 'huggingface',
  };
}

/**
 * Defaults of a pool written in a spec file. The guide's pool (its name and its base model) keeps the
 * guide's object names and adapters; any other pool derives its names from its own name and starts with
 * no adapters and one InferenceModel for its base model. A pool named like the guide's that serves
 * another base model is "any other pool": the guide's Llama adapters would not load on it.
 */
export function poolDefaults(name: string, baseModel: string = GUIDE_BASE_MODEL, profile: ProfileContext = GUIDE_PROFILE): Omit<PoolSpec, 'name'> {
  const guidePool = name === GUIDE_POOL_NAME && baseModel === GUIDE_BASE_MODEL;
  const release = EXTENSION_RELEASES[profile.version];
  const adapters: AdaptersSpec = guidePool
    ? {
        configMapName: 'vllm-llama3-8b-adapters',
        configName: 'vllm-llama3.1-8b-instruct',
        syncerImage: release.loraSyncerImage,
        models: [
          // The adapter's name says r8; upstream serves it with --max-lora-rank 8.
          { id: 'food-review', source: 'Kawon/llama3.1-food-finetune_v14_r8', rank: 8 },
          // No public adapter_config.json states this one's rank: it stays undeclared, so vLLM's default
          // limit (16) stays in force.
          { id: 'cad-fabricator', source: 'redcathode/fabricator' },
        ],
        unload: [],
      }
    : { configMapName: `${name}-adapters`, configName: name, syncerImage: release.loraSyncerImage, models: [], unload: [] };
  return {
    modelServer: { ...modelServerDefaults(profile), baseModel },
    adapters,
    endpointPicker: {
      replicas: release.endpointPickerReplicas,
      image: release.endpointPickerImage,
      resources: { ...release.endpointPickerResources },
    },
    healthCheck: { path: '/health' },
    backendTimeoutSeconds: 300,
    models: guidePool
      ? [
          {
            name: 'food-review',
            modelName: 'food-review',
            criticality: 'Standard',
            targetModels: [{ name: 'food-review', weight: 100 }],
          },
          { name: 'llama3-base-model', modelName: baseModel, criticality: 'Critical' },
          // The guide loads this adapter but gives it no InferenceModel, and the endpoint picker refuses a
          // model name it has no InferenceModel for: without this one, clients could never reach it.
          { name: 'cad-fabricator', modelName: 'cad-fabricator', criticality: 'Standard' },
        ]
      : [{ name: `${name}-base-model`, modelName: baseModel, criticality: 'Critical' }],
  };
}

/**
 * GPU pool defaults for a number of GPUs per node in a region. The zones are those of the region that
 * offer the A3 High machine of that size (spec/regions.ts); an empty list (a region the table does not
 * know) makes the spec rules ask for `nodeLocations` at `cluster.region`.
 */
export function gpuPoolDefaults(acceleratorCount: number, region: string = DEFAULT_REGION): GpuPoolSpec {
  const machineType = A3_MACHINE_TYPES[acceleratorCount] ?? A3_MACHINE_TYPES[1];
  return {
    machineType,
    accelerator: 'nvidia-h100-80gb',
    acceleratorCount,
    // Scale to zero when idle: an idle H100 node is the most expensive thing in the project.
    minNodes: 0,
    maxNodes: 3,
    // a3-highgpu-1g/2g/4g exist only as Spot or Flex-start VMs.
    provisioning: 'spot',
    maxRunDurationSeconds: 7 * 24 * 3600,
    nodeLocations: machineZones(machineType, region),
    gpuDriverVersion: 'LATEST',
  };
}

export const DEFAULT_SPEC: DeploymentSpec = {
  namespace: 'default',
  inferenceExtension: { version: DEFAULT_EXTENSION_VERSION },
  cluster: {
    name: 'inference-gateway',
    region: DEFAULT_REGION,
    version: MIN_GKE_VERSION,
    releaseChannel: 'RAPID',
    deletionProtection: true,
    network: {
      name: 'inference-gateway',
      createNetwork: true,
      nodeCidr: '10.0.0.0/20',
      podCidr: '10.4.0.0/14',
      serviceCidr: '10.8.0.0/20',
      proxyOnlyCidr: '10.129.0.0/23',
      createProxyOnlySubnet: true,
      createNat: true,
    },
    controlPlane: { privateEndpoint: false, authorizedNetworks: [] },
    systemPool: { machineType: 'e2-standard-4', minNodes: 1, maxNodes: 3 },
    gpuPool: gpuPoolDefaults(1),
    // Streaming costs nothing for images outside Artifact Registry (they are pulled as before), and the
    // mirror only serves the manifests that ask for it (images.mirrorProject).
    images: { streaming: true },
  },
  gateway: {
    name: 'inference-gateway',
    className: 'gke-l7-regional-external-managed',
    listenerPort: 80,
    route: { name: 'my-route', pathPrefix: '/' },
    // Off, as in the guide. When on, the filters Google's own example template turns on, at the level
    // that blocks likely abuse without the false positives of LOW_AND_ABOVE; fail closed, because a
    // screening step that lets everything through when it is down screens nothing.
    modelArmor: {
      enabled: false,
      promptInjection: 'MEDIUM_AND_ABOVE',
      responsibleAi: 'MEDIUM_AND_ABOVE',
      sensitiveData: true,
      maliciousUris: true,
      failOpen: false,
    },
  },
  pools: [{ name: GUIDE_POOL_NAME, ...poolDefaults(GUIDE_POOL_NAME) }],
  monitoring: {
    metricsReader: true,
    collectorNamespace: 'gmp-system',
    modelServers: true,
    dashboard: true,
    alerts: { enabled: true, queueDepth: 10, queueMinutes: 5, errorRatio: 0.05, errorMinutes: 5, noReadyMinutes: 2, notificationChannels: [] },
  },
};
