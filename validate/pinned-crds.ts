/**
 * The CRDs in the manifests against the pinned ones the custom resources are judged by. synth writes the
 * bundle's CRDs into crds/ with their descriptions removed and only labels and annotations added, so a
 * CRD named like a pinned one must have exactly its `spec`: a hand-edited or older CRD would be applied
 * while the validator vouches for the custom resources against another schema. And a crds/ folder that
 * lacks a CRD of the recorded spec's profile leaves its custom resources without a kind to be applied to.
 */
import { parseAllDocuments } from 'yaml';
import { activeVersions, extensionRelease, type DeploymentSpec } from '../spec';
import { compactCrd } from './schema-bundle';
import type { SchemaTexts } from './schema-source';
import { asRecord, asString, childPath, isRecord, type Problem, type SourcedObject } from './types';

/** A pinned CRD's spec as synth writes it (descriptions removed), and the pinned file it comes from. */
interface PinnedCrd {
  readonly file: string;
  readonly spec: unknown;
}

const byTexts = new WeakMap<SchemaTexts, ReadonlyMap<string, readonly PinnedCrd[]>>();

/**
 * Every CRD of the schema texts in use, by name, compacted as the bundle keeps them: the bundle's own JSON
 * (already compact; compacting again changes nothing) or a mirror's YAML.
 */
export function pinnedCrds(texts: SchemaTexts): ReadonlyMap<string, readonly PinnedCrd[]> {
  const cached = byTexts.get(texts);
  if (cached) return cached;
  const crds = new Map<string, PinnedCrd[]>();
  for (const [file, text] of texts) {
    const documents: unknown[] = text.startsWith('[') ? (JSON.parse(text) as unknown[]) : parseAllDocuments(text).map((document) => document.toJS());
    for (const document of documents) {
      if (!isRecord(document) || document.kind !== 'CustomResourceDefinition') continue;
      const crd = compactCrd(document, file);
      crds.set(crd.metadata.name, [...(crds.get(crd.metadata.name) ?? []), { file, spec: crd.spec }]);
    }
  }
  byTexts.set(texts, crds);
  return crds;
}

/** The names of the CRDs synth writes into crds/ for `spec`: its profiles' crdManifests, each name once. */
export function profileCrdFiles(spec: DeploymentSpec, texts: SchemaTexts): ReadonlyMap<string, string> {
  const files = new Set(activeVersions(spec).flatMap((version) => extensionRelease(version).crdManifests.flat()));
  const names = new Map<string, string>();
  for (const [name, pinned] of pinnedCrds(texts)) {
    const file = [...files].find((candidate) => pinned.some((crd) => crd.file === candidate));
    if (file !== undefined) names.set(name, file);
  }
  return names;
}

/**
 * Whether two JSON values are equal, key order aside. Not util.isDeepStrictEqual, which also compares
 * prototypes: an object made in another realm (jest's sandbox, a vm context) differs from an equal one.
 */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  if (!isRecord(a) || !isRecord(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
}

/** The first path where two JSON values differ, below `path`; undefined when they are equal. */
function firstDifference(actual: unknown, expected: unknown, path: string): string | undefined {
  if (jsonEqual(actual, expected)) return undefined;
  if (Array.isArray(actual) && Array.isArray(expected) && actual.length === expected.length) {
    for (let i = 0; i < actual.length; i++) {
      const found = firstDifference(actual[i], expected[i], childPath(path, i));
      if (found !== undefined) return found;
    }
  }
  if (isRecord(actual) && isRecord(expected) && !Array.isArray(actual) && !Array.isArray(expected)) {
    for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
      const found = firstDifference(actual[key], expected[key], childPath(path, key));
      if (found !== undefined) return found;
    }
  }
  return path;
}

/**
 * Each CustomResourceDefinition in `objects` named like a pinned one must have its spec: with `spec`, the
 * one of its profile (what synth writes); without, one of the pinned versions of that name.
 */
export function checkPinnedCrds(objects: readonly SourcedObject[], texts: SchemaTexts, spec: DeploymentSpec | undefined): Problem[] {
  const problems: Problem[] = [];
  const profile = spec === undefined ? undefined : profileCrdFiles(spec, texts);
  for (const { file, object } of objects) {
    if (!isRecord(object) || object.kind !== 'CustomResourceDefinition' || object.apiVersion !== 'apiextensions.k8s.io/v1') continue;
    const name = asString(asRecord(object.metadata).name) ?? '';
    const pinned = pinnedCrds(texts).get(name);
    if (pinned === undefined) continue;
    const profileFile = profile?.get(name);
    const candidates = profileFile === undefined ? pinned : pinned.filter((crd) => crd.file === profileFile);
    if (candidates.some((crd) => jsonEqual(object.spec, crd.spec))) continue;
    // Of several candidates, the field against the closest: the one with the fewest differing spec fields.
    const differing = (crd: PinnedCrd) => {
      const actual = asRecord(object.spec);
      const expected = asRecord(crd.spec);
      return [...new Set([...Object.keys(actual), ...Object.keys(expected)])].filter((key) => !jsonEqual(actual[key], expected[key])).length;
    };
    const closest = candidates.reduce((best, crd) => (differing(crd) < differing(best) ? crd : best));
    const where = firstDifference(object.spec, closest.spec, 'spec') ?? 'spec';
    const which = candidates.length === 1 ? `the pinned ${candidates[0].file}` : `each of the pinned ${candidates.map((crd) => crd.file).join(', ')}`;
    problems.push({
      file,
      kind: 'CustomResourceDefinition',
      name,
      path: where,
      message: `differs from ${which}, the CRD its custom resources are judged by (descriptions aside); run npm run synth to write the pinned one`,
    });
  }
  return problems;
}

/**
 * With the spec synth recorded in the folder and a crds/ folder beside it: every CRD of that spec's
 * profiles must be in crds/ (synth writes them all; a missing one leaves its custom resources unapplied).
 */
export function checkCrdFolder(crdsDir: string, objects: readonly SourcedObject[], texts: SchemaTexts, spec: DeploymentSpec, shownDir: string): Problem[] {
  const present = new Set(
    objects
      .filter(({ file, object }) => file.startsWith(`${crdsDir}/`) && isRecord(object) && object.kind === 'CustomResourceDefinition')
      .map(({ object }) => asString(asRecord(asRecord(object).metadata).name)),
  );
  return [...profileCrdFiles(spec, texts)]
    .filter(([name]) => !present.has(name))
    .map(([name, file]) => ({
      file: crdsDir,
      kind: 'CustomResourceDefinition',
      name,
      path: '(file)',
      message: `is missing: the spec synth recorded needs it (${file}) and no file in this folder holds it; run npm run synth -- --out ${shownDir}`,
    }));
}
