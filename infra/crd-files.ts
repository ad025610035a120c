/**
 * The CRD manifests `pulumi up` applies, written from the committed schema bundle (the same objects synth
 * writes into crds/) into a file the Kubernetes provider reads, instead of a URL it downloads on every
 * preview: no network, no proxy to get through, nothing to pre-seed. The file name carries the sha256 of
 * its text, so a file is never rewritten under a running preview and a changed pin gets a new name.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from '../spec/text-file';
import { crdText, releaseCrds } from '../charts-gen/gitops-bundle';
import type { DeploymentSpec, ExtensionVersion } from '../spec';
import { projectRoot, sha256 } from '../validate/schema-source';

/** Where the manifests are kept, relative to the project root: a cache of this checkout, rebuilt from the bundle. */
const CRD_CACHE_DIR = join('node_modules', '.cache', 'igw-crds');

/**
 * The path, relative to the project root, of a file holding the CRDs of one of `version`'s
 * `crdManifests`, written when it is missing or does not hold them. Relative, because the path is an input
 * of the ConfigFile: an absolute one would differ between a laptop and CI and show as a change on every
 * preview. Pulumi runs the program and the Kubernetes provider in the project directory, where the
 * provider reads it.
 */
export function crdManifestFile(spec: DeploymentSpec, version: ExtensionVersion, manifest: number, root: string = projectRoot()): string {
  const text = releaseCrds(spec, version, manifest).map(crdText).join('---\n');
  const file = join(CRD_CACHE_DIR, `${version}-crds-${manifest + 1}-${sha256(text).slice(0, 16)}.yaml`);
  const path = join(root, file);
  // The name says what the file should hold; what it holds is checked, not trusted.
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return file;
  writeFileAtomically(path, text);
  return file;
}
