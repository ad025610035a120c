/**
 * Versions that must agree with each other, keyed by the inference extension release.
 *
 * The endpoint picker (EPP), the CRDs it watches and the model server whose metrics it scrapes form one
 * protocol. Choosing `inferenceExtension.version` picks all of them at once, so a spec cannot pair a
 * v0.3.0 picker with CRDs or a vLLM build from another line.
 */
export interface ExtensionRelease {
  /** API group of InferencePool and InferenceModel in this release. */
  readonly apiGroup: string;
  /** API version of InferencePool and InferenceModel in this release. */
  readonly apiVersion: string;
  /** The release's CRD manifest, applied by `pulumi up` before any custom resource. */
  readonly crdManifestUrl: string;
  /** Endpoint picker image of this release. */
  readonly endpointPickerImage: string;
  /**
   * vLLM build whose metrics this picker reads. The v0.3.0 picker scores pods by
   * `vllm:num_requests_waiting`, `vllm:gpu_cache_usage_perc` and `vllm:lora_requests_info`; later vLLM
   * releases renamed the cache metric, and the picker would then route blind on KV-cache pressure.
   */
  readonly modelServerImage: string;
  /** LoRA syncer sidecar; v1.0.x reads the same vLLMLoRAConfig format the v0.3.0 guide writes. */
  readonly loraSyncerImage: string;
}

const EXTENSION_REPO = 'kubernetes-sigs/gateway-api-inference-extension';
const EXTENSION_REGISTRY = 'registry.k8s.io/gateway-api-inference-extension';

export const EXTENSION_RELEASES = {
  'v0.3.0': {
    apiGroup: 'inference.networking.x-k8s.io',
    apiVersion: 'v1alpha2',
    crdManifestUrl: `https://github.com/${EXTENSION_REPO}/releases/download/v0.3.0/manifests.yaml`,
    endpointPickerImage: `${EXTENSION_REGISTRY}/epp:v0.3.0`,
    modelServerImage: 'vllm/vllm-openai:v0.8.5',
    loraSyncerImage: `${EXTENSION_REGISTRY}/lora-syncer:v1.0.2`,
  },
} as const satisfies Record<string, ExtensionRelease>;

export type ExtensionVersion = keyof typeof EXTENSION_RELEASES;
export const EXTENSION_VERSIONS = Object.keys(EXTENSION_RELEASES) as ExtensionVersion[];

export function extensionRelease(version: ExtensionVersion): ExtensionRelease {
  return EXTENSION_RELEASES[version];
}

/** Oldest GKE version whose Gateway controller understands InferencePool backends (the guide's floor). */
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
