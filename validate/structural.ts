/**
 * What a structural schema means beyond JSON Schema: defaults applied before validation, unknown fields
 * (which the API server prunes), list-type uniqueness, and the places where CEL rules run.
 *
 * Unknown fields are reported as errors. An API server with the default field validation would prune them
 * silently (or, with `kubectl apply`'s strict field validation, refuse them); either way what we wrote
 * would not be what runs, which for a typo like `portSpecificaton` changes behaviour without a word.
 */
import type { OpenApiSchema } from './openapi';
import { childPath, isRecord, show, type JsonRecord } from './types';

/** Fields every object may carry at its root, whatever its schema declares. */
const ROOT_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

/** Applies `default`s the way the API server does before validating: missing properties of present objects. */
export function applyDefaults(value: unknown, schema: OpenApiSchema | undefined): unknown {
  if (schema === undefined) return value;
  if (Array.isArray(value)) return value.map((item) => applyDefaults(item, schema.items));
  if (!isRecord(value)) return value;
  const out: JsonRecord = { ...value };
  const properties = schema.properties ?? {};
  for (const [key, property] of Object.entries(properties)) {
    if (out[key] === undefined && property.default !== undefined) out[key] = structuredClone(property.default);
    if (out[key] !== undefined) out[key] = applyDefaults(out[key], property);
  }
  const additional = schema.additionalProperties;
  if (isRecord(additional)) {
    for (const key of Object.keys(out)) if (!(key in properties)) out[key] = applyDefaults(out[key], additional as OpenApiSchema);
  }
  return out;
}

export interface StructuralIssue {
  readonly path: string;
  readonly message: string;
}

/** Called for every present value whose schema carries `x-kubernetes-validations`. */
export type RuleSiteVisitor = (path: string, value: unknown, schema: OpenApiSchema) => void;

function declaresFields(schema: OpenApiSchema): boolean {
  return schema.type === 'object' || schema.properties !== undefined;
}

function checkList(value: readonly unknown[], schema: OpenApiSchema, path: string, issues: StructuralIssue[]): void {
  const listType = schema['x-kubernetes-list-type'];
  if (listType === 'set') {
    const seen = new Set<string>();
    value.forEach((item, index) => {
      const key = JSON.stringify(item);
      if (seen.has(key)) issues.push({ path: childPath(path, index), message: `duplicate value ${show(item)} in a set list` });
      seen.add(key);
    });
  } else if (listType === 'map') {
    const keys = schema['x-kubernetes-list-map-keys'] ?? [];
    const seen = new Set<string>();
    value.forEach((item, index) => {
      const record = isRecord(item) ? item : {};
      const tuple = keys.map((key) => record[key] ?? schema.items?.properties?.[key]?.default);
      const id = JSON.stringify(tuple);
      if (seen.has(id)) {
        issues.push({ path: childPath(path, index), message: `duplicate entry with ${keys.map((k, i) => `${k}=${show(tuple[i])}`).join(', ')} (a map list needs unique keys)` });
      }
      seen.add(id);
    });
  }
}

/** Walks `value` (already defaulted) with `schema`, reporting unknown fields and duplicate list keys. */
export function checkStructure(
  value: unknown,
  schema: OpenApiSchema,
  path: string,
  issues: StructuralIssue[],
  onRules: RuleSiteVisitor,
): void {
  if (schema['x-kubernetes-validations']?.length) onRules(path, value, schema);
  if (Array.isArray(value)) {
    checkList(value, schema, path, issues);
    if (schema.items) value.forEach((item, index) => checkStructure(item, schema.items as OpenApiSchema, childPath(path, index), issues, onRules));
    return;
  }
  if (!isRecord(value)) return;
  const properties = schema.properties ?? {};
  const additional = schema.additionalProperties;
  const keepsUnknown = schema['x-kubernetes-preserve-unknown-fields'] === true || additional === true;
  const embedded = schema['x-kubernetes-embedded-resource'] === true;
  for (const [key, item] of Object.entries(value)) {
    const itemPath = childPath(path, key);
    const property = properties[key];
    if (path === '' && key === 'metadata') continue; // ObjectMeta: checked by metadata.ts
    if (property !== undefined) {
      checkStructure(item, property, itemPath, issues, onRules);
    } else if (isRecord(additional)) {
      checkStructure(item, additional as OpenApiSchema, itemPath, issues, onRules);
    } else if (!keepsUnknown && declaresFields(schema) && !((path === '' || embedded) && ROOT_FIELDS.has(key))) {
      const known = Object.keys(properties);
      issues.push({
        path: itemPath,
        message: `unknown field (the API server would drop it)${known.length > 0 ? `; known fields here: ${known.join(', ')}` : '; this object declares no fields'}`,
      });
    }
  }
}
