/**
 * What synth writes beside the chart files so the output folder can be merged into a GitOps repository
 * as it is (docs/gitops.md):
 *
 * - `crds/`: the CustomResourceDefinitions the spec's profiles need and GKE does not install (each
 *   profile's `crdManifests`, taken from the schema bundle), one file each, with their own kustomization.yaml.
 *   A folder of their own so they can be applied first: Flux with a Kustomization the workloads' one
 *   `dependsOn` (Flux applies one Kustomization in one go, and a custom resource whose CRD is not yet
 *   established fails its dry-run), Argo CD through the sync wave annotation (-1, before the default 0).
 * - `namespace.k8s.yaml`: the Namespace, when the spec's namespace is not one every cluster has (same wave
 *   as the CRDs, so it exists before the objects in it).
 * - CRDs and the Namespace are never pruned by Argo CD or Flux (NEVER_PRUNE_ANNOTATIONS).
 * - `kustomization.yaml`: exactly the manifest files synth wrote in that folder, in the order they are
 *   written (Namespace first).
 *
 * Every object here carries the common labels (common-labels.ts) like the chart objects.
 */
import { activeVersions, extensionRelease, type DeploymentSpec, type ExtensionVersion } from '../spec';
import { bundledCrds, bundledCrdSource } from '../validate/schema-bundle';
import { SYNC_WAVE_ANNOTATION } from '../spec/kubernetes-keys';
import { manifestYaml } from '../spec/yaml-writer';
import { commonLabels, withCommonLabels } from './common-labels';

export const KUSTOMIZATION_FILE = 'kustomization.yaml';
export const NAMESPACE_FILE = 'namespace.k8s.yaml';
export const CRDS_DIR = 'crds';
export const FIRST_WAVE = '-1';
/**
 * Deleting a CRD deletes every custom resource of its kind in the cluster (other deployments' too), and
 * deleting a Namespace deletes everything in it (the Hugging Face token Secret made by hand included): the
 * GitOps tools are told never to prune these two, whatever happens to the folder (Argo CD's sync option,
 * Flux's prune annotation). Removing them is a decision for a person.
 */
export const NEVER_PRUNE_ANNOTATIONS: Readonly<Record<string, string>> = {
  'argocd.argoproj.io/sync-options': 'Prune=false',
  'kustomize.toolkit.fluxcd.io/prune': 'disabled',
};
/** Namespaces every cluster has: never written, never to be pruned. */
export const BUILT_IN_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/** A file of the bundle: its name in its folder and its text. */
export interface BundleFile {
  readonly name: string;
  readonly text: string;
}

type KubeObject = Record<string, unknown> & { readonly metadata: Record<string, unknown> };

/** The object in the first sync wave, never pruned. */
function inFirstWave(object: KubeObject): KubeObject {
  const annotations = (object.metadata.annotations ?? {}) as Record<string, string>;
  return { ...object, metadata: { ...object.metadata, annotations: { ...annotations, [SYNC_WAVE_ANNOTATION]: FIRST_WAVE, ...NEVER_PRUNE_ANNOTATIONS } } };
}

/** The Namespace object, or undefined for a namespace every cluster already has. */
export function namespaceObject(spec: DeploymentSpec): KubeObject | undefined {
  if (BUILT_IN_NAMESPACES.has(spec.namespace)) return undefined;
  return withCommonLabels(inFirstWave({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: spec.namespace } }), commonLabels(spec));
}

/**
 * The CRDs one profile needs and GKE does not install (all, or those of one of its `crdManifests`), from
 * the schema bundle, with the common labels: what synth writes into crds/ and what `pulumi up` applies
 * before any custom resource.
 */
export function releaseCrds(spec: DeploymentSpec, version: ExtensionVersion, manifest?: number): KubeObject[] {
  const labels = commonLabels(spec);
  const manifests = extensionRelease(version).crdManifests;
  return (manifest === undefined ? manifests.flat() : manifests[manifest]).flatMap((file) =>
    bundledCrds(file).map((crd) => withCommonLabels(inFirstWave(structuredClone(crd) as unknown as KubeObject), labels)),
  );
}

/** The CRDs of every active profile (both during a migration), each once, in profile order. */
export function profileCrds(spec: DeploymentSpec): KubeObject[] {
  const byName = new Map<string, KubeObject>();
  for (const version of activeVersions(spec)) {
    for (const crd of releaseCrds(spec, version)) if (!byName.has(String(crd.metadata.name))) byName.set(String(crd.metadata.name), crd);
  }
  return [...byName.values()];
}

/** The file a CRD is written to: its own name, which is unique in a cluster. */
export function crdFileName(crd: KubeObject): string {
  return `${String(crd.metadata.name)}.yaml`;
}

/** A kustomization.yaml listing `resources`, marked as synth's. */
export function kustomizationText(resources: readonly string[]): string {
  return [
    '# Written by npm run synth: it lists exactly the files synth wrote in this folder. Change the spec, not this file.',
    manifestYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [...resources] }),
  ].join('\n');
}

/**
 * A CRD file: a comment naming the pinned file it comes from, then the object as JSON, which is YAML too
 * (kubectl, kustomize, Argo CD and Flux read it as any manifest) and which synth writes many times faster
 * than block YAML: these are the largest objects synth writes, and nobody edits them.
 */
export function crdText(crd: KubeObject): string {
  const source = bundledCrdSource(String(crd.metadata.name));
  const origin = source === undefined ? '' : ` from ${source.repository}@${source.ref} ${source.upstreamPath} (sha256 ${source.sha256})`;
  return `# Written by npm run synth: CustomResourceDefinition ${String(crd.metadata.name)}${origin}, descriptions removed.\n${JSON.stringify(crd, null, 2)}\n`;
}

/** The files of the `crds/` folder: one per CRD, then its kustomization.yaml. */
export function crdFolderFiles(spec: DeploymentSpec): BundleFile[] {
  const files = profileCrds(spec).map((crd) => ({ name: crdFileName(crd), text: crdText(crd) }));
  return [...files, { name: KUSTOMIZATION_FILE, text: kustomizationText(files.map((file) => file.name)) }];
}

/** The files beside the charts: the Namespace (when one is written) and the kustomization.yaml listing it and the charts. */
export function topFolderFiles(spec: DeploymentSpec, chartFiles: readonly string[]): BundleFile[] {
  const namespace = namespaceObject(spec);
  const files: BundleFile[] = namespace === undefined ? [] : [{ name: NAMESPACE_FILE, text: manifestYaml(namespace) }];
  return [...files, { name: KUSTOMIZATION_FILE, text: kustomizationText([...files.map((file) => file.name), ...chartFiles]) }];
}
