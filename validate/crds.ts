/**
 * CustomResourceDefinitions, looked up by apiVersion and kind, so each custom resource is checked against
 * the schema of exactly the version it is written in.
 *
 * Parsing the pinned CRDs' YAML takes longer than validating a small directory, and their text never
 * changes without their sha256 changing, so what the parse yields is cached as JSON in `lib/` under a key
 * made of every file's sha256 (see build-cache.ts); JSON reads back two orders of magnitude faster.
 */
import { parseAllDocuments } from 'yaml';
import { defaultCacheDir, readEntry, writeEntry, type CacheEntry } from './build-cache';
import type { OpenApiSchema } from './openapi';
import { projectRoot, sha256, type SchemaTexts } from './schema-source';
import { asArray, asRecord, asString, isRecord } from './types';

export interface CrdVersion {
  readonly group: string;
  readonly kind: string;
  readonly version: string;
  readonly scope: 'Namespaced' | 'Cluster';
  /** `<plural>.<group>` and the mirror file, for messages. */
  readonly crdName: string;
  readonly file: string;
  readonly served: boolean;
  readonly schema: OpenApiSchema;
}

export class CrdRegistry {
  private readonly byKey = new Map<string, CrdVersion>();
  private readonly groups = new Set<string>();

  constructor(versions: readonly CrdVersion[]) {
    for (const version of versions) {
      this.byKey.set(`${version.group}/${version.version}/${version.kind}`, version);
      this.groups.add(version.group);
    }
  }

  /** The schema for `apiVersion` + `kind`, if a pinned CRD defines it. */
  find(apiVersion: string, kind: string): CrdVersion | undefined {
    return this.byKey.get(`${apiVersion}/${kind}`);
  }

  /** Whether some pinned CRD owns this API group (so a miss means a wrong version or kind). */
  ownsGroup(group: string): boolean {
    return this.groups.has(group);
  }

  /** Kinds the registry knows, for "did you mean" messages. */
  versionsOf(group: string, kind: string): string[] {
    return [...this.byKey.values()].filter((v) => v.group === group && v.kind === kind).map((v) => v.version);
  }
}

export function parseCrds(text: string, file: string): CrdVersion[] {
  const out: CrdVersion[] = [];
  // The schema bundle keeps each file's CRDs as one JSON array; a mirror file is YAML documents.
  const documents: unknown[] = text.startsWith('[') ? (JSON.parse(text) as unknown[]) : parseAllDocuments(text).map((document) => document.toJS());
  for (const document of documents) {
    const crd = asRecord(document);
    if (crd.kind !== 'CustomResourceDefinition') continue;
    const spec = asRecord(crd.spec);
    const names = asRecord(spec.names);
    const group = asString(spec.group) ?? '';
    const kind = asString(names.kind) ?? '';
    for (const version of asArray(spec.versions)) {
      const v = asRecord(version);
      const schema = asRecord(v.schema).openAPIV3Schema;
      if (!isRecord(schema)) continue;
      out.push({
        group,
        kind,
        version: asString(v.name) ?? '',
        scope: spec.scope === 'Cluster' ? 'Cluster' : 'Namespaced',
        crdName: asString(asRecord(crd.metadata).name) ?? `${kind}.${group}`,
        file,
        served: v.served !== false,
        schema: schema as OpenApiSchema,
      });
    }
  }
  return out;
}

/** Bumped when `parseCrds` changes what it returns, so older cache entries are not used. */
const CRD_CACHE_FORMAT = 1;

export function crdCacheEntry(texts: SchemaTexts, dir: string): CacheEntry {
  const files = [...texts].map(([file, text]) => [file, sha256(text)]);
  return { dir, prefix: 'crds', key: JSON.stringify({ format: CRD_CACHE_FORMAT, files }), root: projectRoot(), extension: 'json' };
}

function isVersionList(value: unknown): value is CrdVersion[] {
  return Array.isArray(value) && value.every((v) => isRecord(v) && typeof v.group === 'string' && typeof v.kind === 'string' && typeof v.version === 'string' && isRecord(v.schema));
}

export interface LoadedCrds {
  readonly versions: CrdVersion[];
  /** `cache` when a trusted cache entry was read, `parsed` when the YAML was. */
  readonly source: 'cache' | 'parsed';
}

/** Every version of every CRD in `texts`, from the cache in `dir` when it holds them. */
export function loadCrdVersions(texts: SchemaTexts, dir: string = defaultCacheDir()): LoadedCrds {
  const entry = crdCacheEntry(texts, dir);
  const cached = readEntry(entry);
  if (cached !== undefined) {
    try {
      const versions: unknown = JSON.parse(cached);
      if (isVersionList(versions)) return { versions, source: 'cache' };
    } catch {
      // Parsed again below.
    }
  }
  const versions = [...texts].flatMap(([file, text]) => parseCrds(text, file));
  writeEntry(entry, JSON.stringify(versions), []);
  return { versions, source: 'parsed' };
}

const registries = new WeakMap<SchemaTexts, CrdRegistry>();

/** The registry of a set of schema texts, built once per process. */
export function crdRegistry(texts: SchemaTexts): CrdRegistry {
  let registry = registries.get(texts);
  if (registry === undefined) {
    registry = new CrdRegistry(loadCrdVersions(texts).versions);
    registries.set(texts, registry);
  }
  return registry;
}
