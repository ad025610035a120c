/**
 * Turns a JSON value into the CEL value Kubernetes binds to `self`, following the schema: integers are
 * CEL `int`, `number` is `double`, `duration`/`date-time` strings are durations/timestamps, objects with
 * declared properties are maps whose keys are escaped the way the API server escapes them (`namespace`
 * becomes `__namespace__`), and maps declared with additionalProperties keep their keys as they are.
 * Getting this wrong flips results: `'5s' <= '10s'` is false as strings but true as durations.
 */
import type { CelInput } from '@bufbuild/cel';
import type { OpenApiSchema } from './openapi';
import { isRecord } from './types';

/** CEL's reserved words; a property with such a name is reachable as `__<word>__`. */
const RESERVED = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if',
  'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while',
]);

/**
 * The name under which a property is visible to CEL, or undefined when Kubernetes hides it (names that
 * are not identifiers even after escaping).
 */
export function escapePropertyName(name: string): string | undefined {
  if (RESERVED.has(name)) return `__${name}__`;
  if (!/^[a-zA-Z_.\-/][a-zA-Z0-9_.\-/]*$/.test(name)) return undefined;
  let out = '';
  for (let i = 0; i < name.length; i++) {
    if (name.startsWith('__', i)) {
      out += '__underscores__';
      i++;
    } else if (name[i] === '.') out += '__dot__';
    else if (name[i] === '-') out += '__dash__';
    else if (name[i] === '/') out += '__slash__';
    else out += name[i];
  }
  return out;
}

const converted = new Map<string, CelInput | undefined>();

/** Parses a string with CEL's own `duration()`/`timestamp()`, so the result is a value CEL accepts back. */
function celConvert(fn: 'duration' | 'timestamp', text: string): CelInput | undefined {
  const key = `${fn}:${text}`;
  if (!converted.has(key)) {
    // Loaded here, not at the top: see cel() in cel.ts.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { isCelError, run } = require('@bufbuild/cel') as typeof import('@bufbuild/cel');
    const result = run(`${fn}(s)`, { s: text });
    converted.set(key, isCelError(result) ? undefined : (result as CelInput));
  }
  return converted.get(key);
}

function scalar(value: unknown, schema: OpenApiSchema | undefined): CelInput {
  if (typeof value === 'number') {
    const wantsDouble = schema?.type === 'number';
    return Number.isInteger(value) && !wantsDouble ? BigInt(value) : value;
  }
  if (typeof value === 'string' && schema?.type === 'string') {
    if (schema.format === 'duration') return celConvert('duration', value) ?? value;
    if (schema.format === 'date-time' || schema.format === 'date') return celConvert('timestamp', value) ?? value;
  }
  return value as CelInput;
}

/** Converts `value` (already defaulted) for binding as `self` under `schema`. */
export function toCelValue(value: unknown, schema: OpenApiSchema | undefined): CelInput {
  if (Array.isArray(value)) return value.map((item) => toCelValue(item, schema?.items));
  if (isRecord(value)) {
    const map = new Map<string, CelInput>();
    const properties = schema?.properties;
    const additional = schema?.additionalProperties;
    for (const [key, item] of Object.entries(value)) {
      if (properties && key in properties) {
        const escaped = escapePropertyName(key);
        if (escaped !== undefined) map.set(escaped, toCelValue(item, properties[key]));
      } else if (isRecord(additional)) {
        map.set(key, toCelValue(item, additional));
      } else {
        // Preserved unknown fields (or embedded objects): untyped, keys as written.
        map.set(key, toCelValue(item, undefined));
      }
    }
    return map;
  }
  return scalar(value, schema);
}
