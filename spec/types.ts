/**
 * The deployment spec: one document that describes a whole GKE Inference Gateway deployment.
 * Field names are the public interface (see docs/configuration.md); the defaults in
 * `defaults.ts` reproduce the guide's example.
 */
import type { ExtensionVersion } from './versions';

export const GATEWAY_CLASSES = ['gke-l7-regional-external-managed', 'gke-l7-rilb'] as const;
export type GatewayClassName = (typeof GATEWAY_CLASSES)[number];

export const CRITICALITIES = ['Critical', 'Standard', 'Sheddable'] as const;
export type Criticality = (typeof CRITICALITIES)[number];

export const GPU_PROVISIONING = ['spot', 'flex-start', 'on-demand'] as const;
export type GpuProvisioning = (typeof GPU_PROVISIONING)[number];

export const RELEASE_CHANNELS = ['RAPID', 'REGULAR', 'STABLE'] as const;
export type ReleaseChannel = (typeof RELEASE_CHANNELS)[number];

export const GPU_DRIVER_VERSIONS = ['DEFAULT', 'LATEST'] as const;
export type GpuDriverVersion = (typeof GPU_DRIVER_VERSIONS)[number];

/** Model Armor filter confidence levels (the API's names), or OFF for a filter left out of the template. */
export const MODEL_ARMOR_LEVELS = ['OFF', 'LOW_AND_ABOVE', 'MEDIUM_AND_ABOVE', 'HIGH'] as const;
export type ModelArmorLevel = (typeof MODEL_ARMOR_LEVELS)[number];

export const COLLECTOR_NAMESPACES = ['gmp-system', 'gke-gmp-system'] as const;
export type CollectorNamespace = (typeof COLLECTOR_NAMESPACES)[number];

/** The serving signal a pool's HPA holds at its target, per pod (see spec/autoscaling.ts). */
export const AUTOSCALING_METRICS = ['queue', 'kvCache'] as const;
export type AutoscalingMetric = (typeof AUTOSCALING_METRICS)[number];

/** Where vLLM reads the base model's weights from. */
export const WEIGHT_SOURCES = ['huggingface', 'gcs'] as const;
export type WeightSource = (typeof WEIGHT_SOURCES)[number];

export interface DeploymentSpec {
  /** Namespace of every namespaced object. */
  readonly namespace: string;
  readonly inferenceExtension: InferenceExtensionSpec;
  readonly cluster: ClusterSpec;
  readonly gateway: GatewaySpec;
  /** Model server pools; a list in a spec file replaces the default pool. */
  readonly pools: readonly PoolSpec[];
  readonly monitoring: MonitoringSpec;
  /** JSON patches applied to the synthesized objects of a kind (and name), after everything else. */
  readonly patches?: readonly ObjectPatchSpec[];
}

export const PATCH_OPERATIONS = ['add', 'remove', 'replace', 'test'] as const;

export interface ObjectPatchSpec {
  /** Kind of the objects patched, such as Deployment. */
  readonly kind: string;
  /** Name of the one object patched; left out, every object of the kind. */
  readonly name?: string;
  /** RFC 6902 operations, applied in order. */
  readonly patch: readonly PatchOperationSpec[];
}

export interface PatchOperationSpec {
  readonly op: (typeof PATCH_OPERATIONS)[number];
  /** RFC 6901 JSON pointer into the object, such as /spec/template/spec/priorityClassName. */
  readonly path: string;
  /** The value of add, replace and test. */
  readonly value?: unknown;
}

export interface InferenceExtensionSpec {
  /** Release of the inference extension; picks CRDs, endpoint picker, vLLM and syncer images together. */
  readonly version: ExtensionVersion;
  /** A move from another profile: both stacks serve the same model server pods, traffic split by weight. */
  readonly migration?: MigrationSpec;
}

export interface MigrationSpec {
  /** The profile the deployment runs today; its objects keep their names and keep serving. */
  readonly from: ExtensionVersion;
  /** Percent of requests the HTTPRoute sends to `version`'s InferencePools; the rest go to `from`'s. */
  readonly trafficPercent: number;
}

export interface ClusterSpec {
  readonly name: string;
  /** Region of the regional cluster, its subnets and its regional load balancer. */
  readonly region: string;
  /** Minimum GKE version (the release channel may pick a newer one); at least 1.32.3. */
  readonly version: string;
  readonly releaseChannel: ReleaseChannel;
  /** Refuse `pulumi destroy` of the cluster until this is switched off. */
  readonly deletionProtection: boolean;
  /**
   * Replaced by `gateway.modelArmor.enabled`, which also makes the template, the grants and the traffic
   * extension. Kept in the schema only so that a spec still naming it gets an error that says where it went.
   */
  readonly enableModelArmor?: boolean;
  readonly network: NetworkSpec;
  /** Who may reach the control plane, and where. */
  readonly controlPlane: ControlPlaneSpec;
  /** Shared VPC: the network lives in the host project. */
  readonly sharedVpc?: SharedVpcSpec;
  readonly systemPool: SystemPoolSpec;
  readonly gpuPool: GpuPoolSpec;
  /** Pull images from Artifact Registry: the GPU pool streams them, remote repositories mirror upstream. */
  readonly images: ImagesSpec;
}

export interface ImagesSpec {
  /**
   * GKE image streaming on the GPU nodes, and Artifact Registry remote repositories that mirror Docker Hub,
   * registry.k8s.io and ghcr.io in the cluster's region (made by `pulumi up`).
   */
  readonly streaming: boolean;
  /**
   * Project of those remote repositories: when set, the manifests pull every mirrored image through them
   * (what image streaming needs); left out, they keep the upstream references (GitOps default).
   */
  readonly mirrorProject?: string;
}

export interface NetworkSpec {
  /** VPC name; the proxy-only subnet derives its name from it. */
  readonly name: string;
  /** Create the VPC; false to add this cluster's subnet to an existing VPC of that name (another stack's). */
  readonly createNetwork: boolean;
  /** Primary range of the node subnet. */
  readonly nodeCidr: string;
  /** Secondary range for pods (VPC-native). */
  readonly podCidr: string;
  /** Secondary range for services (VPC-native). */
  readonly serviceCidr: string;
  /** Proxy-only subnet of the regional Envoy load balancers; at least /26, /23 recommended. */
  readonly proxyOnlyCidr: string;
  /** Create the proxy-only subnet; false when another stack already made the region's one in this network. */
  readonly createProxyOnlySubnet: boolean;
  /**
   * Create a Cloud Router with Cloud NAT for the node subnet: the nodes have no external addresses, and
   * vLLM pulls its image from Docker Hub and the model from Hugging Face. False when the network already
   * has a NAT that covers every subnet of the region.
   */
  readonly createNat: boolean;
}

export interface ControlPlaneSpec {
  /** Only the private endpoint: `pulumi up` must then run from inside the VPC (or a peered network). */
  readonly privateEndpoint: boolean;
  /** CIDR ranges allowed to reach the control plane; empty: any address (GKE's default). */
  readonly authorizedNetworks: readonly string[];
}

export interface SharedVpcSpec {
  /** Host project that owns the network; the service project's GKE agent becomes a network user there. */
  readonly hostProject: string;
  /**
   * Attach the service project to the host project (needs Shared VPC Admin on the host's organisation or
   * folder). Default: a Shared VPC Admin has attached it already.
   */
  readonly attachServiceProject?: boolean;
}

export interface SystemPoolSpec {
  readonly machineType: string;
  /** Minimum nodes across all zones. */
  readonly minNodes: number;
  /** Maximum nodes across all zones. */
  readonly maxNodes: number;
}

export interface GpuPoolSpec {
  /** GPU machine type of spec/machines.ts; by default the A3 High type for acceleratorCount (1 -> a3-highgpu-1g, ..., 8 -> a3-highgpu-8g). */
  readonly machineType: string;
  readonly accelerator: string;
  /** GPUs per node: the machine type's (spec/machines.ts). */
  readonly acceleratorCount: number;
  /** Minimum nodes across all zones. */
  readonly minNodes: number;
  /** Maximum nodes across all zones. */
  readonly maxNodes: number;
  readonly provisioning: GpuProvisioning;
  /** Upper bound of a flex-start node's life, in seconds (at most 7 days). */
  readonly maxRunDurationSeconds: number;
  /** Zones of the cluster's region that offer the accelerator. */
  readonly nodeLocations: readonly string[];
  readonly gpuDriverVersion: GpuDriverVersion;
}

export interface GatewaySpec {
  readonly name: string;
  readonly className: GatewayClassName;
  /** The plain HTTP listener's port; with `tls` it only redirects to HTTPS on 443. */
  readonly listenerPort: number;
  readonly route: RouteSpec;
  /** HTTPS on 443. @default none: plain HTTP, as in the guide */
  readonly tls?: GatewayTlsSpec;
  /** Who may send requests (a Cloud Armor policy on every InferencePool). @default none: anyone who reaches the address */
  readonly access?: GatewayAccessSpec;
  readonly modelArmor: ModelArmorSpec;
}

/** Exactly one of `domains` and `secretName`. */
export interface GatewayTlsSpec {
  /** Names for a Google-managed Certificate Manager certificate, each authorized by a DNS record. */
  readonly domains?: readonly string[];
  /** An existing `kubernetes.io/tls` Secret in the namespace (its key never passes through this tool). */
  readonly secretName?: string;
}

export interface GatewayAccessSpec {
  /** Client ranges allowed through; everything else gets 403 from Cloud Armor. */
  readonly allowedSourceRanges: readonly string[];
  /** Per-client-IP throttle. @default none */
  readonly rateLimit?: RateLimitSpec;
}

export interface RateLimitSpec {
  /** Requests one client IP may send per minute; more get 429. */
  readonly requestsPerMinute: number;
}

export interface ModelArmorSpec {
  /** Screen prompts and responses with Model Armor (template, grants, traffic extension, API). */
  readonly enabled: boolean;
  /** Project of the Model Armor template: the project `pulumi up` deploys to. Required when enabled. */
  readonly project?: string;
  /** Prompt injection and jailbreak filter. */
  readonly promptInjection: ModelArmorLevel;
  /** Responsible AI filters (sexually explicit, hate speech, harassment, dangerous), one level for all four. */
  readonly responsibleAi: ModelArmorLevel;
  /** Sensitive Data Protection basic filter (credit card numbers, government ids, ...). */
  readonly sensitiveData: boolean;
  /** Malicious URI filter. */
  readonly maliciousUris: boolean;
  /** Let requests through unscreened when Model Armor cannot be reached. */
  readonly failOpen: boolean;
}

export interface RouteSpec {
  readonly name: string;
  /** Path prefix routed to the first pool; other pools set their own `routePathPrefix`. */
  readonly pathPrefix: string;
  /**
   * With body-based routing, the pool under `pathPrefix` that answers requests naming no model it knows
   * (`GET /v1/models`, unknown models). @default the first pool without a routePathPrefix
   */
  readonly catchAllPool?: string;
}

export interface PoolSpec {
  /** Name of the model server Deployment, its `app` label and (by default) its InferencePool. */
  readonly name: string;
  /**
   * Name of the InferencePool of `inferenceExtension.version` and prefix of its endpoint picker's objects.
   * During a migration the `from` profile's InferencePool keeps `name`, so this one needs its own.
   */
  readonly inferencePoolName?: string;
  /**
   * A path prefix of its own for this pool, stripped before the request reaches vLLM. Pools without one
   * share `gateway.route.pathPrefix`; when several do, requests reach them by the `model` in their body.
   */
  readonly routePathPrefix?: string;
  readonly modelServer: ModelServerSpec;
  readonly adapters: AdaptersSpec;
  readonly endpointPicker: EndpointPickerSpec;
  readonly healthCheck: HealthCheckSpec;
  /** Gateway-to-backend timeout: size it from steady-state p99 request latency. */
  readonly backendTimeoutSeconds: number;
  readonly models: readonly InferenceModelSpec[];
  /** A HorizontalPodAutoscaler on the model server; left out, `modelServer.replicas` pods run. */
  readonly autoscaling?: AutoscalingSpec;
}

export interface AutoscalingSpec {
  readonly minReplicas: number;
  /** At most what the GPU pool holds: maxNodes x acceleratorCount / gpus. */
  readonly maxReplicas: number;
  /** queue: requests waiting in vLLM (default); kvCache: share of the KV cache in use. */
  readonly metric: AutoscalingMetric;
  /** Per-pod average the HPA holds the metric at (queue: requests; kvCache: a share from 0 to 1). */
  readonly target: number;
  /** Seconds the HPA waits on a lower recommendation before removing pods. */
  readonly scaleDownStabilizationSeconds: number;
}

export interface ModelServerSpec {
  readonly replicas: number;
  readonly image: string;
  /** vLLM release of `image` (read from a `vllm-openai:vX.Y.Z` tag when left out); picks metric names. */
  readonly vllmVersion?: string;
  readonly baseModel: string;
  readonly port: number;
  readonly tensorParallelSize: number;
  readonly maxLoras: number;
  readonly maxCpuLoras: number;
  /** `--max-lora-rank`; by default the smallest value vLLM accepts covering every declared adapter rank, at least 16. */
  readonly maxLoraRank?: number;
  /** Secret (key `token`) holding the Hugging Face token; created outside the manifests. */
  readonly hfTokenSecret: string;
  readonly accelerator: string;
  /** GPUs per pod. */
  readonly gpus: number;
  readonly preStopSleepSeconds: number;
  readonly terminationGracePeriodSeconds: number;
  /** Inputs of the drain-time estimate; when set, the grace period must cover preStop plus drain. */
  readonly drain?: DrainSpec;
  readonly rollout: RolloutSpec;
  readonly disruptionBudget: DisruptionBudgetSpec;
  /** CPU and memory the vLLM container requests (it gets no limit). */
  readonly resources: ResourceRequestsSpec;
  /** vLLM flags added after ours (spec/escape-hatches.ts says which are refused). */
  readonly extraArgs?: readonly string[];
  /** Variables added to the vLLM container; not the ones we set, no credentials. */
  readonly env?: readonly EnvVarSpec[];
  /** Tolerations of the model server pods, besides the GPU taint's (which GKE adds itself). */
  readonly tolerations?: readonly TolerationSpec[];
  /** Node labels the pods also select, beside the accelerator (which it may not contradict). */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Labels of the vLLM Deployment itself (never of its selector or pods); not the ones we set. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Annotations of the vLLM Deployment itself; not the ones we set. */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Annotations of the vLLM pods (changing one rolls the pods); not the ones we set. */
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /** Where vLLM reads the base model: Hugging Face (the guide), or a Cloud Storage bucket a Job fills. */
  readonly weightsFrom: WeightSource;
  /** The bucket when `weightsFrom` is gcs; `pulumi up` creates it in the cluster's region. */
  readonly weightsBucket?: string;
}

export interface EnvVarSpec {
  readonly name: string;
  readonly value: string;
}

export interface TolerationSpec {
  /** Taint key; left out with operator Exists, it tolerates every taint. */
  readonly key?: string;
  readonly operator?: string;
  readonly value?: string;
  /** Taint effect to tolerate; left out, every effect. */
  readonly effect?: string;
  /** How long a NoExecute taint is tolerated before eviction. */
  readonly tolerationSeconds?: number;
}

export interface ResourceRequestsSpec {
  /** Kubernetes CPU quantity, such as 500m or 4. */
  readonly cpu: string;
  /** Kubernetes memory quantity, such as 512Mi or 24Gi. */
  readonly memory: string;
}

export interface DrainSpec {
  /** Longest output (tokens) a request may generate. */
  readonly maxOutputTokens: number;
  /** Time per output token at full batch, in milliseconds. */
  readonly timePerOutputTokenMs: number;
  /** Extra time spent on prompt tokens, as a share of decode time (the guide: 0.2). */
  readonly prefillShare: number;
  /** Multiplier of the recommended grace period (the guide: 1.5). */
  readonly safetyFactor: number;
}

export interface RolloutSpec {
  /** Extra pods during a rollout; 0 because a surge pod needs a GPU that is usually not free. */
  readonly maxSurge: number;
  readonly maxUnavailable: number;
}

export interface DisruptionBudgetSpec {
  readonly maxUnavailable: number;
}

export interface AdaptersSpec {
  readonly configMapName: string;
  /** `vLLMLoRAConfig.name` in the syncer's config. */
  readonly configName: string;
  readonly syncerImage: string;
  /** Adapters to keep loaded (`ensureExist`). */
  readonly models: readonly AdapterSpec[];
  /** Adapters to unload from running servers (`ensureNotExist`); removing one from `models` does not. */
  readonly unload: readonly UnloadedAdapterSpec[];
}

export interface AdapterSpec {
  /** Adapter name clients use as `model`. */
  readonly id: string;
  /** Hugging Face repository of the adapter. */
  readonly source: string;
  /** LoRA rank `r` of the adapter (its adapter_config.json); sizes `--max-lora-rank`. */
  readonly rank?: number;
}

export interface UnloadedAdapterSpec {
  readonly id: string;
  readonly source: string;
}

export interface EndpointPickerSpec {
  readonly replicas: number;
  readonly image: string;
  /** CPU and memory the picker requests. */
  readonly resources: ResourceRequestsSpec;
}

export interface HealthCheckSpec {
  readonly path: string;
}

export interface InferenceModelSpec {
  /** InferenceModel object name. */
  readonly name: string;
  /** The `model` clients send. */
  readonly modelName: string;
  readonly criticality: Criticality;
  /** Base model or adapters that serve this model name, with optional traffic weights. */
  readonly targetModels?: readonly TargetModelSpec[];
}

export interface TargetModelSpec {
  readonly name: string;
  readonly weight?: number;
}

export interface MonitoringSpec {
  /** The guide's metrics-reader RBAC and token Secret, and a ClusterPodMonitoring per endpoint picker. */
  readonly metricsReader: boolean;
  /** Namespace of Managed Prometheus' collector: gmp-system on Standard, gke-gmp-system on Autopilot. */
  readonly collectorNamespace: CollectorNamespace;
  /** A PodMonitoring per pool that scrapes vLLM's /metrics. */
  readonly modelServers: boolean;
  /** A Cloud Monitoring dashboard of the deployment (`pulumi up` only). */
  readonly dashboard: boolean;
  readonly alerts: AlertsSpec;
}

/** Cloud Monitoring alert policies per pool (`pulumi up` only). */
export interface AlertsSpec {
  readonly enabled: boolean;
  /** Requests waiting in one model server's queue that count as a backlog. */
  readonly queueDepth: number;
  /** How long the backlog must last before the alert fires. */
  readonly queueMinutes: number;
  /** Share of a pool's HTTP responses that are 5xx above which the alert fires (0.05 = 5 percent). */
  readonly errorRatio: number;
  /** How long the 5xx ratio must stay above `errorRatio`. */
  readonly errorMinutes: number;
  /** How long a pool may have no Ready model server before the alert fires. */
  readonly noReadyMinutes: number;
  /** Cloud Monitoring notification channels, as `projects/<project>/notificationChannels/<id>`. */
  readonly notificationChannels: readonly string[];
}
