/**
 * The names of the files synth writes: one per chart. Kept apart from app.ts (which loads cdk8s) because
 * output-dir.ts checks every name a record or journal lists against them: those files live in the output
 * folder, usually a Git working tree, where anyone with a merged pull request can plant or edit them, so a
 * name synth never writes (README.md, a user's manifests) must never be replaced or removed on their word.
 */

/** Chart ids are file names under dist/ and prefixes of Pulumi resource names: keep them stable. */
export const METRICS_READER_CHART = 'metrics-reader';
export const GATEWAY_CHART = 'gateway';
/** The Custom Metrics Stackdriver Adapter, present when a pool autoscales. */
export const METRICS_ADAPTER_CHART = 'metrics-adapter';
/** Pool charts carry a prefix so no pool name can collide with the other charts. */
export const poolChartId = (poolName: string): string => `pool-${poolName}`;
/** Each chart is written to `<chart id><MANIFEST_EXTENSION>` under the output directory. */
export const MANIFEST_EXTENSION = '.k8s.yaml';

// Pool names are DNS labels (spec/schema.ts), so a pool chart's file name is `pool-` and a label.
const CHART_FILE = new RegExp(`^(${GATEWAY_CHART}|${METRICS_READER_CHART}|${METRICS_ADAPTER_CHART}|pool-[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)\\.k8s\\.yaml$`);

/**
 * The GitOps bundle's files (gitops-bundle.ts): the Namespace and the kustomization beside the charts, and
 * in crds/ one file per CRD of the inference API groups (`<plural>.<group>.yaml`) and its kustomization.
 */
const TOP_BUNDLE_FILE = /^(namespace\.k8s\.yaml|kustomization\.yaml)$/;
const CRD_FOLDER_FILE = /^(kustomization\.yaml|[a-z][a-z0-9]{0,62}\.(inference\.networking\.x-k8s\.io|inference\.networking\.k8s\.io|llm-d\.ai)\.yaml)$/;

/** True for a name synth writes in the output folder: the charts, `namespace.k8s.yaml`, `kustomization.yaml`. */
export function isTopFolderFileName(name: string): boolean {
  return CHART_FILE.test(name) || TOP_BUNDLE_FILE.test(name);
}

/** True for a name synth writes in crds/: a CRD file or `kustomization.yaml`. */
export function isCrdFolderFileName(name: string): boolean {
  return CRD_FOLDER_FILE.test(name);
}

/**
 * True for a name synth writes in either folder: `gateway.k8s.yaml`, `metrics-reader.k8s.yaml`,
 * `metrics-adapter.k8s.yaml`, `pool-<pool name>.k8s.yaml`, and the GitOps bundle's `namespace.k8s.yaml`,
 * `kustomization.yaml` and CRD files. Publishing checks each folder against its own rule above.
 */
export function isChartFileName(name: string): boolean {
  return isTopFolderFileName(name) || isCrdFolderFileName(name);
}

/** The rules above, in words, for messages. */
export const TOP_FOLDER_FILE_NAMES = `${GATEWAY_CHART}${MANIFEST_EXTENSION}, ${METRICS_READER_CHART}${MANIFEST_EXTENSION}, ${METRICS_ADAPTER_CHART}${MANIFEST_EXTENSION}, ${poolChartId('<pool>')}${MANIFEST_EXTENSION}, namespace${MANIFEST_EXTENSION} and kustomization.yaml`;
export const CRD_FOLDER_FILE_NAMES = '<plural>.<inference API group>.yaml and kustomization.yaml';
export const CHART_FILE_NAMES = `${GATEWAY_CHART}${MANIFEST_EXTENSION}, ${METRICS_READER_CHART}${MANIFEST_EXTENSION}, ${METRICS_ADAPTER_CHART}${MANIFEST_EXTENSION}, ${poolChartId('<pool>')}${MANIFEST_EXTENSION}, namespace${MANIFEST_EXTENSION}, kustomization.yaml and, in crds/, <plural>.<inference API group>.yaml`;
