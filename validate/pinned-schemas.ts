/**
 * The upstream CRDs this project's manifests are validated against, pinned by ref and sha256. The rows
 * repeat ../shared/schemas/MANIFEST.md for the files we use, because on a machine without the mirror that
 * manifest is not there either, and the sha256 is what makes a download trustworthy. A test keeps the two
 * in agreement.
 */
export interface PinnedSchema {
  /** Path relative to the schema mirror's root (the `file` column of MANIFEST.md). */
  readonly file: string;
  readonly repository: string;
  /** Tag or commit the file was taken from. */
  readonly ref: string;
  /** Path of the file in the upstream repository. */
  readonly upstreamPath: string;
  readonly sha256: string;
}

export const PINNED_SCHEMAS: readonly PinnedSchema[] = [
  {
    file: 'inference-extension/v0.3.0/inference.networking.x-k8s.io_inferencepools.yaml',
    repository: 'kubernetes-sigs/gateway-api-inference-extension',
    ref: 'v0.3.0',
    upstreamPath: 'config/crd/bases/inference.networking.x-k8s.io_inferencepools.yaml',
    sha256: '2c50b3bad393996f0b63cf40ef704b82d7347aaaf7903cd84e298b6cc60425f2',
  },
  {
    file: 'inference-extension/v0.3.0/inference.networking.x-k8s.io_inferencemodels.yaml',
    repository: 'kubernetes-sigs/gateway-api-inference-extension',
    ref: 'v0.3.0',
    upstreamPath: 'config/crd/bases/inference.networking.x-k8s.io_inferencemodels.yaml',
    sha256: '85c341123c19cbe787cb622ce776d8493d57f618bd37ab08b93ee003d16b9d90',
  },
  {
    file: 'inference-extension/v1.0.0/inference.networking.k8s.io_inferencepools.yaml',
    repository: 'kubernetes-sigs/gateway-api-inference-extension',
    ref: 'v1.0.0',
    upstreamPath: 'config/crd/bases/inference.networking.k8s.io_inferencepools.yaml',
    sha256: 'b37cbcbc1cadb0211fec066051ee6f14296ad4712041c5fe9530f2a1a2b97084',
  },
  {
    file: 'inference-extension/v1.6.0/inference.networking.k8s.io_inferencepools.yaml',
    repository: 'kubernetes-sigs/gateway-api-inference-extension',
    ref: 'v1.6.0',
    upstreamPath: 'config/crd/bases/inference.networking.k8s.io_inferencepools.yaml',
    sha256: '55e0dbf39c50c4bbdd60106493a4573df4bb44479f9ce46762f1af718883e5cd',
  },
  {
    file: 'llm-d-router/v0.10.0/llm-d.ai_inferenceobjectives.yaml',
    repository: 'llm-d/llm-d-router',
    ref: 'v0.10.0',
    upstreamPath: 'config/crd/bases/llm-d.ai_inferenceobjectives.yaml',
    sha256: 'c1e763412fcbe2b55e9282850156269a10053be2d052547cb80a2ca639c09990',
  },
  {
    file: 'llm-d-router/v0.10.0/llm-d.ai_inferencemodelrewrites.yaml',
    repository: 'llm-d/llm-d-router',
    ref: 'v0.10.0',
    upstreamPath: 'config/crd/bases/llm-d.ai_inferencemodelrewrites.yaml',
    sha256: '62a07fff40e10e919c245d895457a9c15be22947b45f06815552ae8fffaab405',
  },
  {
    file: 'gateway-api/v1.2.1/gateway.networking.k8s.io_gateways.yaml',
    repository: 'kubernetes-sigs/gateway-api',
    ref: 'v1.2.1',
    upstreamPath: 'config/crd/standard/gateway.networking.k8s.io_gateways.yaml',
    sha256: '9aea7ae080dfe9c25a814d3d14eed28f335d28de3cbdc00a0351e0e99cb3bf06',
  },
  {
    file: 'gateway-api/v1.2.1/gateway.networking.k8s.io_httproutes.yaml',
    repository: 'kubernetes-sigs/gateway-api',
    ref: 'v1.2.1',
    upstreamPath: 'config/crd/standard/gateway.networking.k8s.io_httproutes.yaml',
    sha256: 'db36230a2f54ca3f1733bebc9d303d4db16c958856bf2be941a2c6269b872014',
  },
  {
    file: 'gke/networking.gke.io_healthcheckpolicies.yaml',
    repository: 'GoogleCloudPlatform/gke-gateway-api',
    ref: 'fc40d606a5332f11a8883f85caff66b63c4e88ef',
    upstreamPath: 'config/crd/networking.gke.io_healthcheckpolicies.yaml',
    sha256: '94ea8b54cabad1e7c67f518de7394149e6ffb6b80ac2f8523650e3e70f6a9c94',
  },
  {
    file: 'gke/networking.gke.io_gcpbackendpolicies.yaml',
    repository: 'GoogleCloudPlatform/gke-gateway-api',
    ref: 'fc40d606a5332f11a8883f85caff66b63c4e88ef',
    upstreamPath: 'config/crd/networking.gke.io_gcpbackendpolicies.yaml',
    sha256: 'e696e138973d42ca54326403850c4518875053e5e8cf5238128bfc5ce5663668',
  },
  {
    file: 'gke/networking.gke.io_gcproutingextensions.yaml',
    repository: 'GoogleCloudPlatform/gke-gateway-api',
    ref: 'fc40d606a5332f11a8883f85caff66b63c4e88ef',
    upstreamPath: 'config/crd/networking.gke.io_gcproutingextensions.yaml',
    sha256: 'fc33eb44bac4f6e6ee1ffedd68e3b9ca39a5743a6a2109f0a33473f30db980df',
  },
  {
    file: 'gke/networking.gke.io_gcptrafficextensions.yaml',
    repository: 'GoogleCloudPlatform/gke-gateway-api',
    ref: 'fc40d606a5332f11a8883f85caff66b63c4e88ef',
    upstreamPath: 'config/crd/networking.gke.io_gcptrafficextensions.yaml',
    sha256: '89de0371dd53abdd9b7e6da15087c14198da190485b3ea2888c7e40394543401',
  },
  {
    file: 'gmp/v0.17.2/monitoring.googleapis.com_clusterpodmonitorings.yaml',
    repository: 'GoogleCloudPlatform/prometheus-engine',
    ref: 'v0.17.2',
    upstreamPath: 'charts/operator/crds/monitoring.googleapis.com_clusterpodmonitorings.yaml',
    sha256: '9bc1857ded418ef5de06bffa47020d68b2e00eac0f8867ac83a88e16a87bbc28',
  },
  {
    file: 'gmp/v0.17.2/monitoring.googleapis.com_podmonitorings.yaml',
    repository: 'GoogleCloudPlatform/prometheus-engine',
    ref: 'v0.17.2',
    upstreamPath: 'charts/operator/crds/monitoring.googleapis.com_podmonitorings.yaml',
    sha256: 'd344029bc7754e0254d7c253db9d6400b344d5837e121b42790946757bc79f1f',
  },
];

/**
 * Pinned for validation only, not imported into cdk8s: the InferencePool v1 CRD GKE installs at the GA
 * profile's minimum version (spec/versions.ts GKE_INFERENCE_POOL_CRDS). The imports use the newest CRD
 * for its types; the validator checks the output against the cluster's.
 */
export const VALIDATION_ONLY_SCHEMAS: readonly string[] = ['inference-extension/v1.0.0/inference.networking.k8s.io_inferencepools.yaml'];

/** Where a pinned file can be fetched when no mirror is at hand. */
export function upstreamUrl(schema: PinnedSchema): string {
  return `https://raw.githubusercontent.com/${schema.repository}/${schema.ref}/${schema.upstreamPath}`;
}
