/**
 * A small field-description language for the deployment spec. One description per field gives the
 * checks (type, range, enum, pattern, unknown keys), the merge with defaults, the error messages and
 * the JSON Schema for editors, so none of them can drift from the others.
 */

export interface SpecIssue {
  /** Field path in the spec document, for example `pools[0].modelServer.replicas`. */
  readonly path: string;
  readonly message: string;
}

interface FieldBase {
  readonly description: string;
  /** May be left out even where no default exists. */
  readonly optional?: boolean;
  /** Must be written whenever its parent object is written (list items have no default to take it from). */
  readonly required?: boolean;
}

export interface StringField extends FieldBase {
  readonly kind: 'string';
  readonly enum?: readonly string[];
  readonly pattern?: RegExp;
  /** Says in words what `pattern` allows. */
  readonly patternHint?: string;
  readonly maxLength?: number;
}

export interface NumberField extends FieldBase {
  readonly kind: 'integer' | 'number';
  readonly min?: number;
  readonly max?: number;
  /** The bound `min` is exclusive. */
  readonly exclusiveMin?: boolean;
  /** The only values allowed (within min and max). */
  readonly values?: readonly number[];
}

export interface BooleanField extends FieldBase {
  readonly kind: 'boolean';
}

export interface ListField extends FieldBase {
  readonly kind: 'list';
  readonly items: Field;
  readonly minItems?: number;
  readonly maxItems?: number;
  /**
   * Defaults for one written item, derived from what was written (for example names from the pool name)
   * and from the whole written document (for example images from `inferenceExtension.version`).
   */
  readonly itemDefaults?: (written: unknown, root: Readonly<Record<string, unknown>>) => unknown;
}

export interface ObjectField extends FieldBase {
  readonly kind: 'object';
  readonly fields: Readonly<Record<string, Field>>;
  /** Defaults that depend on what was written in this object (or the whole document), laid over the static ones. */
  readonly derivedDefaults?: (written: Readonly<Record<string, unknown>>, root: Readonly<Record<string, unknown>>) => Record<string, unknown>;
}

/**
 * A map of string keys to string values, as Kubernetes' labels, annotations and node selectors: every key
 * is a qualified name (an optional DNS-subdomain prefix and "/", then a name of at most 63 characters),
 * which is what the API server accepts for all three.
 */
export interface MapField extends FieldBase {
  readonly kind: 'map';
  /** What each value must be. */
  readonly values: StringField;
  readonly maxEntries?: number;
}

/** Any JSON value (a JSON patch's `value`): what it must be is checked where it is used. */
export interface JsonField extends FieldBase {
  readonly kind: 'json';
  /** At most this many characters once serialized. */
  readonly maxLength: number;
}

export type Field = StringField | NumberField | BooleanField | ListField | ObjectField | MapField | JsonField;

/**
 * Describes the type T exactly: an object description must list every key of T, no more, so the
 * TypeScript interfaces and the runtime checks cannot disagree on a field name.
 */
export type FieldFor<T> = unknown extends T
  ? JsonField
  : [T] extends [string]
  ? StringField
  : [T] extends [number]
    ? NumberField
    : [T] extends [boolean]
      ? BooleanField
      : [T] extends [readonly (infer E)[]]
        ? ListFieldFor<E>
        : string extends keyof T
          ? MapField
          : ObjectFieldFor<T>;

export interface ListFieldFor<E> extends ListField {
  readonly items: FieldFor<E>;
}

export interface ObjectFieldFor<T> extends ObjectField {
  // Exclude, not NonNullable: NonNullable<unknown> is {}, which would hide a JSON field.
  readonly fields: { readonly [K in keyof T]-?: FieldFor<Exclude<T[K], undefined | null>> };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * What a field that failed its own check resolves to. Cross-field rules see neither a number nor a
 * string here, so they skip the field instead of reporting it a second time (or reasoning from a value
 * already known to be wrong).
 */
export const INVALID: unique symbol = Symbol('invalid spec value');

/** Field names whose values could be credentials: their values are never repeated in a message. */
const SECRET_NAME = /token|secret|password|passwd|credential|api[-_]?key|private/i;

function lastKey(path: string): string {
  return path.replace(/\[\d+\]$/, '').split('.').pop() ?? path;
}

function show(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A value for a message, or a placeholder where the field's name says it may hold a credential. */
function showAt(path: string, value: unknown): string {
  return SECRET_NAME.test(lastKey(path)) && typeof value === 'string' ? `a string of ${value.length} characters (not shown)` : show(value);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Levenshtein distance, to suggest the field a typo meant. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

function unknownFieldMessage(key: string, allowed: readonly string[]): string {
  const close = allowed.filter((name) => distance(name.toLowerCase(), key.toLowerCase()) <= 2);
  const hint = close.length > 0 ? ` (did you mean ${close.join(' or ')}?)` : '';
  return `unknown field${hint}; allowed: ${allowed.join(', ')}`;
}

/** The name part of a qualified name (Kubernetes apimachinery `IsQualifiedName`). */
const QUALIFIED_NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** A DNS-1123 subdomain, the optional prefix of a qualified name. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** The same rule as one pattern, for the JSON Schema (which cannot count the parts' lengths). */
export const QUALIFIED_NAME_PATTERN = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
/** A label value (apimachinery `IsValidLabelValue`): empty, or up to 63 characters of these. */
export const LABEL_VALUE_PATTERN = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Why `key` is not a Kubernetes qualified name (label or annotation key), or undefined when it is one. */
export function qualifiedNameProblem(key: string): string | undefined {
  const slash = key.indexOf('/');
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return 'its prefix (before "/") must be a DNS subdomain of at most 253 lower-case letters, digits, "-" and "."';
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME_PART.test(name)) {
    return 'its name (after any "/") must be 1 to 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
  }
  return undefined;
}

function numberRange(field: NumberField): string {
  const noun = field.kind === 'integer' ? 'an integer' : 'a number';
  const low = field.exclusiveMin ? '>' : '>=';
  if (field.values !== undefined) return `one of ${field.values.join(', ')}`;
  if (field.min !== undefined && field.max !== undefined && !field.exclusiveMin) {
    return `${noun} from ${field.min} to ${field.max}`;
  }
  if (field.min !== undefined && field.max !== undefined) return `${noun} ${low} ${field.min} and <= ${field.max}`;
  if (field.min !== undefined) return `${noun} ${low} ${field.min}`;
  if (field.max !== undefined) return `${noun} <= ${field.max}`;
  return noun;
}

/**
 * Checks `written` against `field` and merges it over `fallback` (the default for this place).
 * Every problem is appended to `issues`; the returned value holds what could be resolved.
 */
export function resolveField(
  field: Field,
  written: unknown,
  fallback: unknown,
  path: string,
  issues: SpecIssue[],
  root: Readonly<Record<string, unknown>> = isPlainObject(written) ? written : {},
): unknown {
  if (written === undefined) {
    // An object whose defaults depend on the rest of the document takes them even when it is left out.
    if (field.kind === 'object' && field.derivedDefaults && fallback !== undefined) return resolveObject(field, {}, fallback, path, issues, root);
    if (fallback !== undefined || field.optional) return fallback;
    issues.push({ path, message: `is required (${field.description})` });
    return INVALID;
  }
  switch (field.kind) {
    case 'string':
      return resolveString(field, written, path, issues);
    case 'integer':
    case 'number':
      return resolveNumber(field, written, path, issues);
    case 'boolean':
      if (typeof written === 'boolean') return written;
      issues.push({ path, message: `must be true or false, got ${showAt(path, written)}` });
      return INVALID;
    case 'list':
      return resolveList(field, written, path, issues, root);
    case 'object':
      return resolveObject(field, written, fallback, path, issues, root);
    case 'map':
      return resolveMap(field, written, path, issues);
    case 'json':
      return resolveJson(field, written, path, issues);
  }
}

function resolveJson(field: JsonField, written: unknown, path: string, issues: SpecIssue[]): unknown {
  const text = JSON.stringify(written);
  if (text === undefined || text.length > field.maxLength) {
    issues.push({ path, message: `must be a JSON value of at most ${field.maxLength} characters` });
    return INVALID;
  }
  return JSON.parse(text) as unknown;
}

function resolveMap(field: MapField, written: unknown, path: string, issues: SpecIssue[]): unknown {
  if (!isPlainObject(written)) {
    issues.push({ path, message: `must be a map of names to strings, got ${showAt(path, written)}` });
    return INVALID;
  }
  const entries = Object.entries(written);
  if (field.maxEntries !== undefined && entries.length > field.maxEntries) {
    issues.push({ path, message: `must have at most ${field.maxEntries} entries, got ${entries.length}` });
    return INVALID;
  }
  const before = issues.length;
  for (const [key, value] of entries) {
    const keyPath = `${path}[${JSON.stringify(key)}]`;
    const problem = qualifiedNameProblem(key);
    if (problem !== undefined) issues.push({ path: keyPath, message: `${JSON.stringify(key).slice(0, 80)} is not a Kubernetes key: ${problem}` });
    else resolveString(field.values, value, keyPath, issues);
  }
  return issues.length === before ? { ...written } : INVALID;
}

function resolveString(field: StringField, written: unknown, path: string, issues: SpecIssue[]): unknown {
  const before = issues.length;
  if (typeof written !== 'string') {
    issues.push({ path, message: `must be a string, got ${showAt(path, written)}` });
  } else if (field.enum && !field.enum.includes(written)) {
    issues.push({ path, message: `must be one of ${field.enum.join(', ')}; got ${showAt(path, written)}` });
  } else if (field.maxLength !== undefined && written.length > field.maxLength) {
    issues.push({ path, message: `must be at most ${field.maxLength} characters, got ${written.length}` });
  } else if (field.pattern && !field.pattern.test(written)) {
    issues.push({ path, message: `must be ${field.patternHint ?? `a string matching ${field.pattern.source}`}, got ${showAt(path, written)}` });
  }
  return issues.length === before ? written : INVALID;
}

function resolveNumber(field: NumberField, written: unknown, path: string, issues: SpecIssue[]): unknown {
  const isNumber = typeof written === 'number' && Number.isFinite(written);
  const wholeEnough = field.kind === 'number' || Number.isInteger(written);
  const aboveMin =
    field.min === undefined || (isNumber && (field.exclusiveMin ? written > field.min : written >= field.min));
  const belowMax = field.max === undefined || (isNumber && written <= field.max);
  const listed = field.values === undefined || (isNumber && field.values.includes(written));
  if (!isNumber || !wholeEnough || !aboveMin || !belowMax || !listed) {
    issues.push({ path, message: `must be ${numberRange(field)}, got ${showAt(path, written)}` });
    return INVALID;
  }
  return written;
}

function resolveList(
  field: ListField,
  written: unknown,
  path: string,
  issues: SpecIssue[],
  root: Readonly<Record<string, unknown>>,
): unknown {
  if (!Array.isArray(written)) {
    issues.push({ path, message: `must be a list, got ${showAt(path, written)}` });
    return INVALID;
  }
  if (field.minItems !== undefined && written.length < field.minItems) {
    issues.push({ path, message: `must have at least ${field.minItems} item(s), got ${written.length}` });
  }
  if (field.maxItems !== undefined && written.length > field.maxItems) {
    // The items are not checked one by one: a list far over its limit would cost time and bury this line.
    issues.push({ path, message: `must have at most ${field.maxItems} items, got ${written.length}` });
    return INVALID;
  }
  return written.map((item, index) =>
    resolveField(field.items, item, field.itemDefaults?.(item, root), `${path}[${index}]`, issues, root),
  );
}

function resolveObject(
  field: ObjectField,
  written: unknown,
  fallback: unknown,
  path: string,
  issues: SpecIssue[],
  root: Readonly<Record<string, unknown>>,
): unknown {
  if (!isPlainObject(written)) {
    issues.push({ path, message: `must be an object, got ${showAt(path, written)}` });
    // The defaults keep the shape cross-field rules walk; the field's own error is already reported.
    return isPlainObject(fallback) ? fallback : INVALID;
  }
  const allowed = Object.keys(field.fields);
  // Own keys only: `__proto__` or `constructor` written in a spec are unknown fields, not inherited ones.
  for (const key of Object.keys(written)) {
    if (!Object.prototype.hasOwnProperty.call(field.fields, key)) issues.push({ path: join(path, key), message: unknownFieldMessage(key, allowed) });
  }
  const base: Record<string, unknown> = {
    ...(isPlainObject(fallback) ? fallback : {}),
    ...(field.derivedDefaults?.(written, root) ?? {}),
  };
  const resolved: Record<string, unknown> = {};
  for (const key of allowed) {
    const child = field.fields[key];
    const own = Object.prototype.hasOwnProperty.call(written, key) ? written[key] : undefined;
    const value = resolveField(child, own, child.required ? undefined : base[key], join(path, key), issues, root);
    if (value !== undefined) resolved[key] = value;
  }
  return resolved;
}

/**
 * Defaults of a list item that do not depend on what the item says: the item defaults computed for two
 * different written items, kept where they agree. Names derived from a pool's name drop out.
 */
export function staticItemDefaults(field: ListField, probes: readonly [unknown, unknown]): unknown {
  if (!field.itemDefaults) return undefined;
  const [a, b] = probes.map((probe) => field.itemDefaults?.(probe, {}));
  const common = (x: unknown, y: unknown): unknown => {
    if (isPlainObject(x) && isPlainObject(y)) {
      const entries = Object.keys(x).map((key) => [key, common(x[key], y[key])] as const).filter(([, value]) => value !== undefined);
      return Object.fromEntries(entries);
    }
    return JSON.stringify(x) === JSON.stringify(y) ? x : undefined;
  };
  return common(a, b);
}

/**
 * JSON Schema (draft 2020-12) of what a spec file may contain: every field optional unless `required`,
 * with the default a field takes when it is left out (`defaults`) and the exact values it allows.
 */
export function toJsonSchema(field: Field, defaults?: unknown): Record<string, unknown> {
  const description = field.description;
  const withDefault = (schema: Record<string, unknown>): Record<string, unknown> =>
    defaults === undefined || field.required || field.kind === 'object' ? schema : { ...schema, default: defaults };
  switch (field.kind) {
    case 'string':
      return withDefault({
        type: 'string',
        description,
        ...(field.enum ? { enum: [...field.enum] } : {}),
        ...(field.pattern ? { pattern: field.pattern.source } : {}),
        ...(field.maxLength !== undefined ? { maxLength: field.maxLength } : {}),
      });
    case 'integer':
    case 'number':
      return withDefault({
        type: field.kind,
        description,
        ...(field.values ? { enum: [...field.values] } : {}),
        ...(field.min !== undefined ? { [field.exclusiveMin ? 'exclusiveMinimum' : 'minimum']: field.min } : {}),
        ...(field.max !== undefined ? { maximum: field.max } : {}),
      });
    case 'boolean':
      return withDefault({ type: 'boolean', description });
    case 'list': {
      const itemDefaults = field.itemDefaults ? staticItemDefaults(field, [{ name: 'a' }, { name: 'b' }]) : undefined;
      const listDefault = Array.isArray(defaults) && defaults.every((item) => typeof item !== 'object') ? defaults : undefined;
      return {
        type: 'array',
        description,
        items: toJsonSchema(field.items, itemDefaults),
        ...(field.minItems !== undefined ? { minItems: field.minItems } : {}),
        ...(field.maxItems !== undefined ? { maxItems: field.maxItems } : {}),
        ...(listDefault !== undefined ? { default: listDefault } : {}),
      };
    }
    case 'object': {
      const required = Object.entries(field.fields)
        .filter(([, child]) => child.required)
        .map(([key]) => key);
      const values: Record<string, unknown> = {
        ...(field.derivedDefaults?.({}, {}) ?? {}),
        ...(isPlainObject(defaults) ? defaults : {}),
      };
      return {
        type: 'object',
        description,
        additionalProperties: false,
        properties: Object.fromEntries(Object.entries(field.fields).map(([key, child]) => [key, toJsonSchema(child, values[key])])),
        ...(required.length > 0 ? { required } : {}),
      };
    }
    case 'json':
      return { description };
    case 'map':
      return {
        type: 'object',
        description,
        propertyNames: { pattern: QUALIFIED_NAME_PATTERN.source, maxLength: 317 },
        additionalProperties: toJsonSchema(field.values),
        ...(field.maxEntries !== undefined ? { maxProperties: field.maxEntries } : {}),
      };
  }
}
