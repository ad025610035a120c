/**
 * The part of OpenAPI v3 that CRD schemas use, and its translation into a JSON Schema that ajv checks.
 * Ajv covers the value validations (types, enums, patterns, lengths, bounds, required, allOf/anyOf/oneOf);
 * what is Kubernetes-specific (pruning of unknown fields, defaults, list types, CEL) lives in
 * `structural.ts` and `cel.ts`, which walk the same schema.
 *
 * Compiling a CRD schema (HTTPRoute's above all) costs more than the rest of a small run, so each compiled
 * validator is kept in `lib/` as ajv's standalone code (see build-cache.ts), keyed by a hash of the JSON
 * Schema it was compiled from and checked against the installed ajv. A run that finds every validator
 * cached does not load ajv's compiler at all.
 */
import { dirname, relative } from 'node:path';
import type Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { fullFormats } from 'ajv-formats/dist/formats';
import { defaultCacheDir, readEntry, runEntry, writeEntry, type CacheEntry } from './build-cache';
import { projectRoot, sha256 } from './schema-source';
import { childPath, isRecord, show } from './types';

export interface ValidationRuleSpec {
  readonly rule: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly fieldPath?: string;
  readonly reason?: string;
  readonly optionalOldSelf?: boolean;
}

export interface OpenApiSchema {
  readonly type?: string;
  readonly format?: string;
  readonly properties?: Readonly<Record<string, OpenApiSchema>>;
  readonly items?: OpenApiSchema;
  readonly additionalProperties?: OpenApiSchema | boolean;
  readonly required?: readonly string[];
  readonly enum?: readonly unknown[];
  readonly default?: unknown;
  readonly nullable?: boolean;
  readonly allOf?: readonly OpenApiSchema[];
  readonly anyOf?: readonly OpenApiSchema[];
  readonly oneOf?: readonly OpenApiSchema[];
  readonly not?: OpenApiSchema;
  readonly 'x-kubernetes-validations'?: readonly ValidationRuleSpec[];
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
  readonly 'x-kubernetes-embedded-resource'?: boolean;
  readonly 'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  readonly 'x-kubernetes-list-map-keys'?: readonly string[];
  readonly [keyword: string]: unknown;
}

/** Schema keywords that nest schemas, and how. */
const SCHEMA_MAPS = new Set(['properties']);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf']);
const SCHEMA_ONES = new Set(['items', 'additionalProperties', 'not']);
/** Keywords ajv need not see: annotations and Kubernetes extensions handled elsewhere. */
const DROPPED = new Set(['description', 'default', 'example', 'externalDocs', 'nullable']);

/**
 * Go duration strings (`10s`, `1m30s`), which is what Kubernetes' `duration` format accepts in practice;
 * ajv-formats' `duration` is ISO 8601 and would reject every valid value.
 */
const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$|^0$/;

/** Translates an OpenAPI v3 CRD schema into JSON Schema (draft 7) for ajv. */
export function toJsonSchema(schema: OpenApiSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-kubernetes-') || DROPPED.has(key)) continue;
    if (SCHEMA_MAPS.has(key) && isRecord(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, toJsonSchema(sub as OpenApiSchema)]));
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
      out[key] = value.map((sub) => toJsonSchema(sub as OpenApiSchema));
    } else if (SCHEMA_ONES.has(key) && isRecord(value)) {
      out[key] = toJsonSchema(value as OpenApiSchema);
    } else {
      out[key] = value;
    }
  }
  if (schema['x-kubernetes-int-or-string']) out.type = ['integer', 'string'];
  // An object that keeps unknown fields and declares no type accepts any JSON value.
  if (schema.nullable && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

/** Characters JavaScript's unicode-mode regular expressions let a backslash escape outside a class. */
const JS_SYNTAX = new Set([...'^$\\.*+?()[]{}|/']);

/**
 * Rewrites a CRD `pattern` for JavaScript. The API server checks patterns with Go's RE2, which accepts a
 * backslash before any punctuation (`\"`, `\'`, `\%`); JavaScript's unicode mode, which ajv uses, rejects
 * those escapes as syntax errors. Dropping the backslash keeps the meaning: the character was literal
 * either way. Escapes of letters and digits (`\d`, `\x60`) and of JavaScript's own syntax characters stay.
 */
export function goPatternToJs(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) {
      const next = pattern[++i];
      const keep = /[A-Za-z0-9]/.test(next) || JS_SYNTAX.has(next) || (inClass && next === '-');
      out += keep ? `\\${next}` : next;
      continue;
    }
    if (c === '[' && !inClass) inClass = true;
    else if (c === ']' && inClass) inClass = false;
    out += c;
  }
  return out;
}

/** Names under which standalone validator code finds our formats and pattern engine (see `standaloneRequire`). */
const FORMATS_MODULE = 'igw:formats';
const REGEXP_MODULE = 'igw:regexp';

/** ajv's pattern engine: JavaScript's own, retried with RE2-only escapes rewritten when it refuses a pattern. */
const goRegExp = Object.assign(
  (pattern: string, flags: string): RegExp => {
    try {
      return new RegExp(pattern, flags);
    } catch {
      return new RegExp(goPatternToJs(pattern), flags);
    }
  },
  { code: `require(${JSON.stringify(REGEXP_MODULE)})` },
);

type FormatDefinition = (typeof fullFormats)[keyof typeof fullFormats] | RegExp | true;

/** The formats Kubernetes checks, and those it does not (accepted whatever their value). */
const FORMATS: Readonly<Record<string, FormatDefinition>> = {
  ...Object.fromEntries((['date-time', 'date', 'ipv4', 'ipv6', 'hostname', 'uri', 'byte', 'uuid', 'email'] as const).map((name) => [name, fullFormats[name]])),
  duration: GO_DURATION,
  ...Object.fromEntries(['int32', 'int64', 'float', 'double', 'password', 'binary'].map((name) => [name, true as const])),
};

/** What standalone validator code may `require`: our formats and pattern engine, and ajv's runtime helpers. */
function standaloneRequire(id: string): unknown {
  if (id === FORMATS_MODULE) return FORMATS;
  if (id === REGEXP_MODULE) return goRegExp;
  // ajv's runtime helpers (ucs2length, equal, uri), which standalone code names by module path.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(id);
}
const standaloneRequireFn = standaloneRequire as NodeJS.Require;

/** The options every validator is compiled with; part of the cache key. */
const AJV_OPTIONS = { allErrors: true, strict: false, validateFormats: true } as const;

let ajvInstance: Ajv | undefined;

/** One ajv per process, created only when a schema has to be compiled. */
function ajv(): Ajv {
  if (ajvInstance === undefined) {
    // Loaded here only: a run whose validators are all cached never needs the compiler.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { default: AjvClass, _ } = require('ajv') as typeof import('ajv');
    ajvInstance = new AjvClass({ ...AJV_OPTIONS, code: { source: true, regExp: goRegExp, formats: _`require(${FORMATS_MODULE})` } });
    for (const [name, format] of Object.entries(FORMATS)) ajvInstance.addFormat(name, format);
  }
  return ajvInstance;
}

/** Package directories (relative to the project root) whose versions a cached validator depends on. */
function ajvPackages(root: string): string[] {
  return ['ajv', 'ajv-formats'].map((name) => relative(root, dirname(require.resolve(`${name}/package.json`))));
}

export function validatorCacheEntry(jsonSchema: unknown, dir: string): CacheEntry {
  return { dir, prefix: 'schema-validator', key: JSON.stringify({ options: AJV_OPTIONS, schema: sha256(JSON.stringify(jsonSchema)) }), root: projectRoot(), prune: false };
}

export interface LoadedValidator {
  readonly validate: ValidateFunction;
  /** `cache` when a trusted cache entry was used, `compiled` when ajv compiled the schema. */
  readonly source: 'cache' | 'compiled';
}

/** The validator of a CRD schema, from the cache in `dir` or compiled (and then cached). */
export function loadSchemaValidator(schema: OpenApiSchema, dir: string = defaultCacheDir()): LoadedValidator {
  const jsonSchema = toJsonSchema(schema);
  const entry = validatorCacheEntry(jsonSchema, dir);
  const cached = readEntry(entry);
  if (cached !== undefined) {
    try {
      const validate = runEntry(entry, cached, standaloneRequireFn) as unknown;
      if (typeof validate === 'function') return { validate: validate as ValidateFunction, source: 'cache' };
    } catch {
      // Compiled again below.
    }
  }
  const validate = ajv().compile(jsonSchema);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: standaloneCode } = require('ajv/dist/standalone') as typeof import('ajv/dist/standalone');
  writeEntry(entry, standaloneCode(ajv(), validate), ajvPackages(entry.root));
  return { validate, source: 'compiled' };
}

const compiled = new WeakMap<OpenApiSchema, ValidateFunction>();

export function compileSchema(schema: OpenApiSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (validate === undefined) {
    validate = loadSchemaValidator(schema).validate;
    compiled.set(schema, validate);
  }
  return validate;
}

export interface SchemaError {
  readonly path: string;
  readonly message: string;
}

function pointerToPath(pointer: string): { path: string; segments: string[] } {
  const segments = pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const path = segments.reduce<string>((acc, segment) => childPath(acc, /^\d+$/.test(segment) ? Number(segment) : segment), '');
  return { path, segments };
}

function valueAt(root: unknown, segments: readonly string[]): unknown {
  let value = root;
  for (const segment of segments) {
    if (Array.isArray(value)) value = value[Number(segment)];
    else if (isRecord(value)) value = value[segment];
    else return undefined;
  }
  return value;
}

function describe(error: ErrorObject, value: unknown): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((v) => show(v)).join(', ')}; got ${show(value)}`;
    case 'type':
      return `must be ${String(params.type).replace(',', ' or ')}; got ${show(value)}`;
    case 'pattern':
      return `must match ${String(params.pattern)}; got ${show(value)}`;
    case 'format':
      return `must be a valid ${String(params.format)}; got ${show(value)}`;
    case 'required':
      return 'is required';
    case 'maxLength':
    case 'minLength':
    case 'maxItems':
    case 'minItems':
    case 'maxProperties':
    case 'minProperties':
    case 'maximum':
    case 'minimum':
    case 'exclusiveMaximum':
    case 'exclusiveMinimum':
      return `${error.message ?? error.keyword}; got ${Array.isArray(value) ? `${value.length} items` : show(value)}`;
    default:
      return error.message ?? error.keyword;
  }
}

/**
 * Runs ajv and turns its errors into field paths. Errors inside the branches of a failed anyOf/oneOf are
 * dropped in favour of the anyOf/oneOf error itself: listing why each branch failed says nothing useful.
 */
export function schemaErrors(schema: OpenApiSchema, value: unknown): SchemaError[] {
  const validate = compileSchema(schema);
  if (validate(value)) return [];
  const errors = validate.errors ?? [];
  const combinators = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => e.schemaPath.replace(/\/(anyOf|oneOf)$/, '/$1/'));
  const seen = new Set<string>();
  const out: (SchemaError & { combinator: boolean })[] = [];
  for (const error of errors) {
    if (combinators.some((prefix) => error.schemaPath.startsWith(prefix))) continue;
    const { path: base, segments } = pointerToPath(error.instancePath);
    const missing = error.keyword === 'required' ? String((error.params as Record<string, unknown>).missingProperty) : undefined;
    const path = missing === undefined ? base : childPath(base, missing);
    const message = describe(error, valueAt(value, segments));
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: path === '' ? '(object)' : path, message, combinator: error.keyword === 'anyOf' || error.keyword === 'oneOf' });
  }
  // "must match a schema in anyOf" adds nothing when a plainer error names the same field.
  return out
    .filter((e) => !e.combinator || !out.some((other) => !other.combinator && other.path === e.path))
    .map(({ path, message }) => ({ path, message }));
}
