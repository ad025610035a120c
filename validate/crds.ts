/**
 * CustomResourceDefinitions, parsed once per process and looked up by apiVersion and kind, so each
 * custom resource is checked against the schema of exactly the version it is written in.
 */
import { parseAllDocuments } from 'yaml';
import type { OpenApiSchema } from './openapi';
import type { SchemaTexts } from './schema-source';
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
  for (const document of parseAllDocuments(text)) {
    const crd = asRecord(document.toJS());
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

const registries = new WeakMap<SchemaTexts, CrdRegistry>();

/** Parsing the pinned CRDs takes a noticeable fraction of a second, so it happens once per text set. */
export function crdRegistry(texts: SchemaTexts): CrdRegistry {
  let registry = registries.get(texts);
  if (registry === undefined) {
    registry = new CrdRegistry([...texts].flatMap(([file, text]) => parseCrds(text, file)));
    registries.set(texts, registry);
  }
  return registry;
}
