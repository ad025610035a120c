/**
 * Versions that must agree with each other, in one table keyed by `inferenceExtension.version`.
 *
 * The endpoint picker, the CRDs it watches, the model server whose metrics it scrapes and the sidecars
 * around them form one protocol. A profile picks all of them at once, so a spec cannot pair a picker
 * with CRDs or a vLLM build from another line. The metric names a picker is told to read are derived
 * from the vLLM that actually runs (see `vllmMetrics`), never from the picker's own defaults.
 */

/** The two InferencePool APIs: the guide's preview API and the GA API. */
export type InferenceApi = 'v1alpha2' | 'v1';

/** Resource requests of one container, as Kubernetes quantities. */
export interface ResourceRequests {
  readonly cpu: string;
  readonly memory: string;
}

/** The vLLM metric names a picker scores pods by. */
export interface VllmMetricNames {
  /** Requests waiting in vLLM's queue. */
  readonly queuedRequests: string;
  /** Requests vLLM is running. */
  readonly runningRequests: string;
  /** Share of the KV cache in use: the metric vLLM renamed. */
  readonly kvCacheUsage: string;
  /** Running and waiting LoRA adapters, and the maximum. */
  readonly loraInfo: string;
  /** Block size and number of GPU blocks of the KV cache. */
  readonly cacheInfo: string;
}

export interface ExtensionRelease {
  /** The value of `inferenceExtension.version`. */
  readonly id: string;
  /** Which InferencePool API the release speaks. */
  readonly api: InferenceApi;
  /** API group and version of its InferencePool. */
  readonly poolGroup: string;
  readonly poolVersion: string;
  /**
   * The CRDs to install before any custom resource, only what GKE does not install: pinned files
   * (validate/pinned-schemas.ts), taken from the committed schema bundle, so neither synth (its `crds/`
   * folder) nor `pulumi up` downloads anything. Grouped as the manifests `pulumi up` applied when it
   * downloaded them (one ConfigFile each), so every CRD keeps its Pulumi URN: a CRD that moved to another
   * ConfigFile would be deleted and recreated, and deleting a CRD deletes every object of its kind.
   */
  readonly crdManifests: readonly (readonly string[])[];
  /** Oldest GKE version the release works on (GA: the first that installs InferencePool v1 itself). */
  readonly minGkeVersion: string;
  /** Endpoint picker image, and the tag a spec's picker image must carry. */
  readonly endpointPickerImage: string;
  readonly endpointPickerTag: string;
  /** Picker pods by default; more than one needs leader election. */
  readonly endpointPickerReplicas: number;
  /** Leader election among picker replicas (the v0.3.0 picker has none, so it runs one replica). */
  readonly leaderElection: boolean;
  /** What one picker container requests by default. */
  readonly endpointPickerResources: ResourceRequests;
  /** The picker's memory limit as a multiple of its request; undefined for no limit (as the chart). */
  readonly endpointPickerMemoryLimitFactor?: number;
  /** The picker's built-in metric names: we pass ours only where the running vLLM's differ. */
  readonly endpointPickerMetricDefaults: VllmMetricNames;
  /**
   * How often Managed Prometheus scrapes the picker (the release's chart), and the model servers with it:
   * one interval, so the dashboard's picker and vLLM series line up.
   */
  readonly scrapeInterval: string;
  /** The vLLM image the release's own manifests pin. */
  readonly modelServerImage: string;
  /**
   * How adapters reach vLLM: the lora-syncer sidecar loads and unloads them through vLLM's
   * `/v1/load_lora_adapter` and `/v1/unload_lora_adapter`. Upstream retired the syncer in favour of vLLM's
   * filesystem resolver, which needs the adapter files on a volume first; the syncer still works with the
   * GA profile's vLLM (llm-d-router v0.10.0's own vLLM manifests still set VLLM_ALLOW_RUNTIME_LORA_UPDATING,
   * which serves those two endpoints), downloads adapters with the pod's Hugging Face token, unloads what
   * the spec lists under `unload`, and keeps the model server pod template unchanged through a migration.
   */
  readonly loraSyncerImage: string;
  /**
   * Body-based router that copies the request body's `model` into the X-Gateway-Model-Name header. It
   * reads no inference API, so both profiles share the v0.3.0 router (llm-d-router v0.10.0 ships none).
   */
  readonly bodyRouterImage: string;
}

const EXTENSION_REGISTRY = 'registry.k8s.io/gateway-api-inference-extension';

/** lora-syncer v1.0.x reads the vLLMLoRAConfig format the guide writes (ensureExist / ensureNotExist). */
const LORA_SYNCER_IMAGE = `${EXTENSION_REGISTRY}/lora-syncer:v1.0.2`;
const BODY_ROUTER_IMAGE = `${EXTENSION_REGISTRY}/bbr:v0.3.0`;

export const EXTENSION_RELEASES = {
  'v0.3.0': {
    id: 'v0.3.0',
    api: 'v1alpha2',
    poolGroup: 'inference.networking.x-k8s.io',
    poolVersion: 'v1alpha2',
    // The release's manifests.yaml (one manifest): its two CRDs, as the pinned files of config/crd/bases.
    crdManifests: [
      [
        'inference-extension/v0.3.0/inference.networking.x-k8s.io_inferencepools.yaml',
        'inference-extension/v0.3.0/inference.networking.x-k8s.io_inferencemodels.yaml',
      ],
    ],
    minGkeVersion: '1.32.3',
    endpointPickerImage: `${EXTENSION_REGISTRY}/epp:v0.3.0`,
    endpointPickerTag: 'v0.3.0',
    endpointPickerReplicas: 1,
    leaderElection: false,
    // The chart requests nothing (BestEffort). The picker keeps the latest metrics of each model server
    // pod of one namespace and scores a handful of pods per request: half a core and 512 MiB leave room
    // for pools of tens of pods, and keep it from being the first pod evicted under memory pressure.
    endpointPickerResources: { cpu: '500m', memory: '512Mi' },
    // cmd/epp/main.go at v0.3.0: -totalQueuedRequestsMetric, -kvCacheUsagePercentageMetric, -loraInfoMetric.
    // It reads no running-requests or cache-info metric; those two entries are never passed.
    endpointPickerMetricDefaults: {
      queuedRequests: 'vllm:num_requests_waiting',
      runningRequests: 'vllm:num_requests_running',
      kvCacheUsage: 'vllm:gpu_cache_usage_perc',
      loraInfo: 'vllm:lora_requests_info',
      cacheInfo: 'vllm:cache_config_info',
    },
    // The v0.3.0 inferencepool chart's ClusterPodMonitoring interval.
    scrapeInterval: '5s',
    // The v0.8.x line the v0.3.0 picker was built against (its metric names are the picker's defaults).
    modelServerImage: 'vllm/vllm-openai:v0.8.5',
    loraSyncerImage: LORA_SYNCER_IMAGE,
    bodyRouterImage: BODY_ROUTER_IMAGE,
  },
  'llm-d-v0.10.0': {
    id: 'llm-d-v0.10.0',
    api: 'v1',
    poolGroup: 'inference.networking.k8s.io',
    poolVersion: 'v1',
    // GKE 1.34.0-gke.1626000 and later install InferencePool v1 themselves; the llm-d.ai kinds are ours.
    crdManifests: [['llm-d-router/v0.10.0/llm-d.ai_inferenceobjectives.yaml'], ['llm-d-router/v0.10.0/llm-d.ai_inferencemodelrewrites.yaml']],
    minGkeVersion: '1.34.0-gke.1626000',
    endpointPickerImage: 'ghcr.io/llm-d/llm-d-router-endpoint-picker:v0.10.0',
    endpointPickerTag: 'v0.10.0',
    // Two replicas with leader election, as the chart does when replicas > 1: a standby takes over the
    // lease within seconds when the leader's node goes away.
    endpointPickerReplicas: 2,
    leaderElection: true,
    // The chart requests 8 CPUs and 8 GiB (limit 16 GiB), sized for large pools at high request rates; the
    // default system pool (e2-standard-4) could schedule neither replica. We size the requests, not the
    // pool: one core and 2 GiB (limit 4 GiB) for the guide's few model servers. Raise
    // `endpointPicker.resources` (and the system machine type) for pools of hundreds of pods.
    endpointPickerResources: { cpu: '1', memory: '2Gi' },
    // The chart's limit is twice its request (16 GiB over 8 GiB): a leak stops at the limit, not the node.
    endpointPickerMemoryLimitFactor: 2,
    // The built-in `vllm` engine of the core-metrics-extractor plugin (llm-d-router v0.10.0,
    // pkg/epp/framework/plugins/datalayer/extractor/metrics/factories.go).
    endpointPickerMetricDefaults: {
      queuedRequests: 'vllm:num_requests_waiting',
      runningRequests: 'vllm:num_requests_running',
      kvCacheUsage: 'vllm:kv_cache_usage_perc',
      loraInfo: 'vllm:lora_requests_info',
      cacheInfo: 'vllm:cache_config_info',
    },
    // The llm-d-router-gateway chart's PodMonitoring interval.
    scrapeInterval: '10s',
    // llm-d-router v0.10.0 config/manifests/vllm/gpu-deployment.yaml.
    modelServerImage: 'vllm/vllm-openai:v0.21.0',
    loraSyncerImage: LORA_SYNCER_IMAGE,
    bodyRouterImage: BODY_ROUTER_IMAGE,
  },
} as const satisfies Record<string, ExtensionRelease>;

export type ExtensionVersion = keyof typeof EXTENSION_RELEASES;
export const EXTENSION_VERSIONS = Object.keys(EXTENSION_RELEASES) as ExtensionVersion[];

export function extensionRelease(version: ExtensionVersion): ExtensionRelease {
  return EXTENSION_RELEASES[version];
}

/**
 * Oldest GKE version whose Gateway controller understands InferencePool backends (the guide's floor).
 *
 * No upper bound: upstream dropped the v1alpha2 InferencePool CRD from its manifests in v1.5.0 (tagged
 * 2026-04-18; config/crd/bases has no inference.networking.x-k8s.io_inferencepools.yaml from then on), but
 * the guide profile installs the v0.3.0 CRDs itself, and we found no GKE release note or GKE page saying
 * some version stopped reconciling v1alpha2 pools: Google's "Migrate GKE Inference Gateway from v1alpha2 to
 * v1" page runs both stacks side by side and names no end date or version. Not confirmed either way; if a
 * source names one, bound the guide profile's cluster version here and let the rules and `npm run plan`
 * say why.
 */
export const MIN_GKE_VERSION = '1.32.3';

/** Orders GKE versions such as 1.32.3 and 1.33.5-gke.1200 (major, minor, patch, then the gke build). */
export function compareGkeVersions(a: string, b: string): number {
  const parse = (version: string) => version.replace('-gke.', '.').split('.').map(Number);
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const difference = (x[i] ?? 0) - (y[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** A vLLM release number such as 0.8.5, from `vllm/vllm-openai:v0.8.5` (any registry), else undefined. */
export function vllmVersionOfImage(image: string): string | undefined {
  const match = /(?:^|\/)vllm-openai:v?(\d+\.\d+\.\d+)(?:[.-][A-Za-z0-9.]*)?(?:@sha256:[a-f0-9]{64})?$/.exec(image);
  return match?.[1];
}

/** Orders vLLM release numbers (major.minor.patch). */
export function compareVllmVersions(a: string, b: string): number {
  const [x, y] = [a, b].map((version) => version.split('.').map(Number));
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/**
 * vLLM renamed `vllm:gpu_cache_usage_perc` to `vllm:kv_cache_usage_perc` in the 0.9 line (PR 18354),
 * emitted both through 0.10.x, hid the old name in 0.11 and removed it in 0.12. Reading the old name from
 * 0.10 on would break from 0.12; reading the new one before 0.10 is unsafe for the early 0.9 releases.
 */
export const KV_CACHE_METRIC_RENAMED_IN = '0.10.0';

/** The GA picker's built-in engine for vLLM (its names are `endpointPickerMetricDefaults` of the GA release). */
export const VLLM_ENGINE = 'vllm';
/**
 * An engine we define for the GA picker with the names of a vLLM before the rename, and make its
 * `defaultEngine`: pods without the engine label (those of an older vLLM still running during a rollout)
 * are read with the names they export.
 */
export const PRE_RENAME_VLLM_ENGINE = 'vllm-before-0.10';
/** A vLLM release that exports the pre-rename names (the guide's). */
export const PRE_RENAME_VLLM_VERSION = '0.8.5';

/** The metric names a vLLM release exports (all other names are stable since 0.8). */
export function vllmMetrics(vllmVersion: string): VllmMetricNames {
  return {
    queuedRequests: 'vllm:num_requests_waiting',
    runningRequests: 'vllm:num_requests_running',
    kvCacheUsage: compareVllmVersions(vllmVersion, KV_CACHE_METRIC_RENAMED_IN) < 0 ? 'vllm:gpu_cache_usage_perc' : 'vllm:kv_cache_usage_perc',
    loraInfo: 'vllm:lora_requests_info',
    cacheInfo: 'vllm:cache_config_info',
  };
}

/**
 * `--max-lora-rank` values vLLM accepts (LoRAConfig's possible_max_ranks in the 0.8 line; later releases
 * add 1); it refuses to start with any other, and refuses an adapter whose rank exceeds the value.
 */
export const VLLM_MAX_LORA_RANKS = [8, 16, 32, 64, 128, 256, 320, 512] as const;
/** vLLM's own default `--max-lora-rank`. */
export const VLLM_DEFAULT_MAX_LORA_RANK = 16;

/**
 * Which InferencePool v1 CRD (an inference-extension release) a GKE cluster has, by the oldest GKE version
 * known to install it. GKE installs the GA CRDs itself from 1.34.0-gke.1626000 (the GKE Inference Gateway
 * docs; llm-d's "Installing Gateway API CRDs" note: "GKE automatically installs all GA CRDs for Gateway API
 * and Gateway API Inference Extension on GKE versions 1.34.0-gke.1626000 or later"). Neither they nor
 * the GKE release notes we could search name the inference-extension release of that CRD. 1.34.0-gke.1626000
 * shipped in autumn 2025, when the released v1 CRDs were v1.0.0 (tagged 2025-09-08) and v1.1.0
 * (2025-10-24), whose InferencePool schemas are alike; so we assume v1.0.0, the oldest v1 schema, until a
 * source names a later one for some GKE version (then add a row: newer rows may only add fields).
 */
export const GKE_INFERENCE_POOL_CRDS: readonly { readonly sinceGke: string; readonly crd: string }[] = [{ sinceGke: '1.34.0-gke.1626000', crd: 'v1.0.0' }];

/**
 * The first inference-extension release whose InferencePool v1 CRD has each optional field we would set.
 * `spec.appProtocol` came with v1.4.0 (tagged 2026-03-19; absent from v1.0.0 through v1.3.0
 * config/crd/bases/inference.networking.k8s.io_inferencepools.yaml). A strict apply (kubectl, Argo CD,
 * server-side field validation) refuses a field the CRD lacks. llm-d-router v0.10.0 reads an unset
 * appProtocol as "no protocol constraint" (cmd/epp/runner/health.go checkProtocolSupport), so leaving it
 * out costs nothing.
 */
export const INFERENCE_POOL_FIELDS_SINCE = { appProtocol: 'v1.4.0' } as const;

/** Orders inference-extension release tags such as v1.0.0 and v1.4.0. */
export function compareReleaseTags(a: string, b: string): number {
  return compareVllmVersions(a.replace(/^v/, ''), b.replace(/^v/, ''));
}

/** The InferencePool v1 CRD of a cluster at (at least) `gkeVersion`: the newest row it reaches, else the oldest row. */
export function inferencePoolCrd(gkeVersion: string): string {
  const reached = GKE_INFERENCE_POOL_CRDS.filter((row) => compareGkeVersions(gkeVersion, row.sinceGke) >= 0);
  return (reached.length > 0 ? reached[reached.length - 1] : GKE_INFERENCE_POOL_CRDS[0]).crd;
}

/** Whether that CRD has an optional InferencePool field. */
export function inferencePoolHas(crd: string, field: keyof typeof INFERENCE_POOL_FIELDS_SINCE): boolean {
  return compareReleaseTags(crd, INFERENCE_POOL_FIELDS_SINCE[field]) >= 0;
}
