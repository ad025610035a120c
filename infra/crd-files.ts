/**
 * The CRD manifests `pulumi up` applies, written from the committed schema bundle (the same objects synth
 * writes into crds/) into a file the Kubernetes provider reads, instead of a URL it downloads on every
 * preview: no network, no proxy to get through, nothing to pre-seed. The file name carries the sha256 of
 * its text, so a file is never rewritten under a running preview and a changed pin gets a new name.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crdText, releaseCrds } from '../charts-gen/gitops-bundle';
import type { DeploymentSpec, ExtensionVersion } from '../spec';
import { projectRoot, sha256 } from '../validate/schema-source';

/** Where the manifests are kept: a cache of this checkout, rebuilt from the bundle whenever missing. */
export function crdCacheDir(root: string = projectRoot()): string {
  return join(root, 'node_modules', '.cache', 'igw-crds');
}

/** The path of a file holding the CRDs of one of `version`'s `crdManifests`, written when it is not there yet. */
export function crdManifestFile(spec: DeploymentSpec, version: ExtensionVersion, manifest: number, dir: string = crdCacheDir()): string {
  const text = releaseCrds(spec, version, manifest).map(crdText).join('---\n');
  const file = join(dir, `${version}-crds-${manifest + 1}-${sha256(text).slice(0, 16)}.yaml`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, text);
    renameSync(temp, file);
  } finally {
    rmSync(temp, { force: true });
  }
  return file;
}
