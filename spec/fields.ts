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
}

export interface BooleanField extends FieldBase {
  readonly kind: 'boolean';
}

export interface ListField extends FieldBase {
  readonly kind: 'list';
  readonly items: Field;
  readonly minItems?: number;
  readonly maxItems?: number;
  /** Defaults for one written item, derived from what was written (for example names from the pool name). */
  readonly itemDefaults?: (written: unknown) => unknown;
}

export interface ObjectField extends FieldBase {
  readonly kind: 'object';
  readonly fields: Readonly<Record<string, Field>>;
  /** Defaults that depend on what was written in this object, laid over the static ones. */
  readonly derivedDefaults?: (written: Readonly<Record<string, unknown>>) => Record<string, unknown>;
}

export type Field = StringField | NumberField | BooleanField | ListField | ObjectField;

/**
 * Describes the type T exactly: an object description must list every key of T, no more, so the
 * TypeScript interfaces and the runtime checks cannot disagree on a field name.
 */
export type FieldFor<T> = [T] extends [string]
  ? StringField
  : [T] extends [number]
    ? NumberField
    : [T] extends [boolean]
      ? BooleanField
      : [T] extends [readonly (infer E)[]]
        ? ListFieldFor<E>
        : ObjectFieldFor<T>;

export interface ListFieldFor<E> extends ListField {
  readonly items: FieldFor<E>;
}

export interface ObjectFieldFor<T> extends ObjectField {
  readonly fields: { readonly [K in keyof T]-?: FieldFor<NonNullable<T[K]>> };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
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

function numberRange(field: NumberField): string {
  const noun = field.kind === 'integer' ? 'an integer' : 'a number';
  const low = field.exclusiveMin ? '>' : '>=';
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
): unknown {
  if (written === undefined) {
    if (fallback !== undefined || field.optional) return fallback;
    issues.push({ path, message: `is required (${field.description})` });
    return undefined;
  }
  switch (field.kind) {
    case 'string':
      return resolveString(field, written, path, issues);
    case 'integer':
    case 'number':
      return resolveNumber(field, written, path, issues);
    case 'boolean':
      if (typeof written !== 'boolean') issues.push({ path, message: `must be true or false, got ${show(written)}` });
      return written;
    case 'list':
      return resolveList(field, written, path, issues);
    case 'object':
      return resolveObject(field, written, fallback, path, issues);
  }
}

function resolveString(field: StringField, written: unknown, path: string, issues: SpecIssue[]): unknown {
  if (typeof written !== 'string') {
    issues.push({ path, message: `must be a string, got ${show(written)}` });
  } else if (field.enum && !field.enum.includes(written)) {
    issues.push({ path, message: `must be one of ${field.enum.join(', ')}; got ${show(written)}` });
  } else if (field.pattern && !field.pattern.test(written)) {
    issues.push({ path, message: `must be ${field.patternHint ?? `a string matching ${field.pattern.source}`}, got ${show(written)}` });
  } else if (field.maxLength !== undefined && written.length > field.maxLength) {
    issues.push({ path, message: `must be at most ${field.maxLength} characters, got ${written.length}` });
  }
  return written;
}

function resolveNumber(field: NumberField, written: unknown, path: string, issues: SpecIssue[]): unknown {
  const isNumber = typeof written === 'number' && Number.isFinite(written);
  const wholeEnough = field.kind === 'number' || Number.isInteger(written);
  const aboveMin =
    field.min === undefined || (isNumber && (field.exclusiveMin ? written > field.min : written >= field.min));
  const belowMax = field.max === undefined || (isNumber && written <= field.max);
  if (!isNumber || !wholeEnough || !aboveMin || !belowMax) {
    issues.push({ path, message: `must be ${numberRange(field)}, got ${show(written)}` });
  }
  return written;
}

function resolveList(field: ListField, written: unknown, path: string, issues: SpecIssue[]): unknown {
  if (!Array.isArray(written)) {
    issues.push({ path, message: `must be a list, got ${show(written)}` });
    return written;
  }
  if (field.minItems !== undefined && written.length < field.minItems) {
    issues.push({ path, message: `must have at least ${field.minItems} item(s), got ${written.length}` });
  }
  if (field.maxItems !== undefined && written.length > field.maxItems) {
    issues.push({ path, message: `must have at most ${field.maxItems} items, got ${written.length}` });
  }
  return written.map((item, index) =>
    resolveField(field.items, item, field.itemDefaults?.(item), `${path}[${index}]`, issues),
  );
}

function resolveObject(
  field: ObjectField,
  written: unknown,
  fallback: unknown,
  path: string,
  issues: SpecIssue[],
): unknown {
  if (!isPlainObject(written)) {
    issues.push({ path, message: `must be an object, got ${show(written)}` });
    return written;
  }
  const allowed = Object.keys(field.fields);
  for (const key of Object.keys(written)) {
    if (!(key in field.fields)) issues.push({ path: join(path, key), message: unknownFieldMessage(key, allowed) });
  }
  const base: Record<string, unknown> = {
    ...(isPlainObject(fallback) ? fallback : {}),
    ...(field.derivedDefaults?.(written) ?? {}),
  };
  const resolved: Record<string, unknown> = {};
  for (const key of allowed) {
    const child = field.fields[key];
    const value = resolveField(child, written[key], child.required ? undefined : base[key], join(path, key), issues);
    if (value !== undefined) resolved[key] = value;
  }
  return resolved;
}

/** JSON Schema (draft 2020-12) of what a spec file may contain: every field optional unless `required`. */
export function toJsonSchema(field: Field): Record<string, unknown> {
  const description = field.description;
  switch (field.kind) {
    case 'string':
      return {
        type: 'string',
        description,
        ...(field.enum ? { enum: [...field.enum] } : {}),
        ...(field.pattern ? { pattern: field.pattern.source } : {}),
        ...(field.maxLength !== undefined ? { maxLength: field.maxLength } : {}),
      };
    case 'integer':
    case 'number':
      return {
        type: field.kind,
        description,
        ...(field.min !== undefined ? { [field.exclusiveMin ? 'exclusiveMinimum' : 'minimum']: field.min } : {}),
        ...(field.max !== undefined ? { maximum: field.max } : {}),
      };
    case 'boolean':
      return { type: 'boolean', description };
    case 'list':
      return {
        type: 'array',
        description,
        items: toJsonSchema(field.items),
        ...(field.minItems !== undefined ? { minItems: field.minItems } : {}),
        ...(field.maxItems !== undefined ? { maxItems: field.maxItems } : {}),
      };
    case 'object': {
      const required = Object.entries(field.fields)
        .filter(([, child]) => child.required)
        .map(([key]) => key);
      return {
        type: 'object',
        description,
        additionalProperties: false,
        properties: Object.fromEntries(Object.entries(field.fields).map(([key, child]) => [key, toJsonSchema(child)])),
        ...(required.length > 0 ? { required } : {}),
      };
    }
  }
}
