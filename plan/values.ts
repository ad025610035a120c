/**
 * Old and new values of what a change touches, for a reviewer: `{path, from, to}` per changed leaf, with
 * list items named where they have names (`containers[vllm]`), command-line flags diffed one by one
 * (`args[--max-lora-rank]`: `16` to `64`), and secrets shown as `[secret]`.
 */
import { isSecretValue } from './mocks';

export interface ValueChange {
  readonly path: string;
  /** The old value; null when the path did not exist. */
  readonly from: unknown;
  /** The new value; null when the path no longer exists. */
  readonly to: unknown;
}

export const SECRET_SHOWN_AS = '[secret]';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value) && !isSecretValue(value);
const unwrap = (value: unknown): unknown => (isSecretValue(value) ? unwrap((value as { value: unknown }).value) : value);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(stripSecrets(a)) === JSON.stringify(stripSecrets(b));
const stripSecrets = (value: unknown): unknown => {
  const plain = unwrap(value);
  if (Array.isArray(plain)) return plain.map(stripSecrets);
  if (isObject(plain)) return Object.fromEntries(Object.entries(plain).map(([key, inner]) => [key, stripSecrets(inner)]));
  return plain;
};

/** Field names whose values are secrets wherever they appear (Secret data, token-like names). */
const SECRET_FIELD = /(secret|token|password|api[-_]?key|credential|private[-_]?key|bearer)/i;

/** True for list items that all carry a distinct string `name` (containers, env, ports, volumes). */
function namedItems(list: readonly unknown[]): boolean {
  const names = list.map((item) => (isObject(item) && typeof item.name === 'string' ? item.name : undefined));
  return names.every((name) => name !== undefined) && new Set(names).size === names.length;
}

/** A command line as flag -> value, when every element is a flag or the value of the flag before it. */
function flagMap(list: readonly unknown[]): Map<string, string> | undefined {
  if (!list.every((item) => typeof item === 'string') || !(list as string[]).some((item) => item.startsWith('--'))) return undefined;
  const flags = new Map<string, string>();
  const args = list as string[];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('-')) return undefined;
    const eq = arg.indexOf('=');
    const [flag, value] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : args[i + 1] !== undefined && !args[i + 1].startsWith('-') ? [arg, args[++i]] : [arg, 'true'];
    if (flags.has(flag)) return undefined;
    flags.set(flag, value);
  }
  return flags;
}

/**
 * The changed leaves between two values. `secret` marks a subtree whose values are never shown: a
 * Pulumi secret on either side, a Kubernetes Secret's data, or a field named like a secret.
 */
export function valueChanges(before: unknown, after: unknown, path = '', secret = false): ValueChange[] {
  if (same(before, after)) return [];
  const hidden = secret || isSecretValue(before) || isSecretValue(after);
  const [old, next] = [unwrap(before), unwrap(after)];
  const show = (value: unknown): unknown => (value === undefined ? null : hidden ? SECRET_SHOWN_AS : value);
  if (isObject(old) && isObject(next)) {
    const keys = [...new Set([...Object.keys(old), ...Object.keys(next)])];
    return keys.flatMap((key) => valueChanges(old[key], next[key], path === '' ? key : `${path}.${key}`, hidden || SECRET_FIELD.test(key)));
  }
  if (Array.isArray(old) && Array.isArray(next)) {
    const [oldFlags, nextFlags] = [flagMap(old), flagMap(next)];
    if (oldFlags && nextFlags) {
      const flags = [...new Set([...oldFlags.keys(), ...nextFlags.keys()])];
      return flags.flatMap((flag) => valueChanges(oldFlags.get(flag), nextFlags.get(flag), `${path}[${flag}]`, hidden));
    }
    if (namedItems(old) && namedItems(next)) {
      const byName = (list: readonly unknown[]) => new Map(list.map((item) => [(item as Json).name as string, item]));
      const [oldByName, nextByName] = [byName(old), byName(next)];
      const names = [...new Set([...oldByName.keys(), ...nextByName.keys()])];
      // An env entry's value is a secret when its name says so.
      return names.flatMap((name) => valueChanges(oldByName.get(name), nextByName.get(name), `${path}[${name}]`, hidden || SECRET_FIELD.test(name)));
    }
    if (old.length === next.length) return old.flatMap((item, index) => valueChanges(item, next[index], `${path}[${index}]`, hidden));
  }
  return [{ path, from: show(before === undefined ? undefined : stripSecrets(old)), to: show(after === undefined ? undefined : stripSecrets(next)) }];
}

/** The changes of a Kubernetes object or resource inputs; a Secret's data and stringData never shown. */
export function inputChanges(kind: string | undefined, before: unknown, after: unknown): ValueChange[] {
  if (kind !== 'Secret' || !isObject(before) || !isObject(after)) return valueChanges(before, after);
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys.flatMap((key) => valueChanges(before[key], after[key], key, key === 'data' || key === 'stringData'));
}
