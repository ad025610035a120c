/**
 * Shapes shared by every part of the validator: the objects it reads, the problems it reports and the
 * field paths those problems name. Objects come from YAML, so nothing about them is trusted: every reader
 * goes through the small guards below instead of casting.
 */
import { printable } from '../spec/text-file';

/** A parsed manifest document and the file it came from (for in-memory synth output, any label). */
export interface SourcedObject {
  readonly file: string;
  readonly object: unknown;
}

/** One thing a real API server or controller would reject, or that would not route traffic. */
export interface Problem {
  readonly file: string;
  /** `Kind/name` of the object; `?` where the document has none. */
  readonly kind: string;
  readonly name: string;
  /** Field path inside the object, for example `spec.rules[0].backendRefs[0].name`. */
  readonly path: string;
  readonly message: string;
}

/** A CEL rule the validator did not evaluate, and why (see `KUBERNETES_ONLY_CEL`). */
export interface SkippedRule {
  readonly crd: string;
  readonly path: string;
  readonly rule: string;
  readonly reason: string;
}

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asRecord(value: unknown): JsonRecord {
  return isRecord(value) ? value : {};
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Keys that are not plain identifiers are written in brackets, so a path stays unambiguous. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

/** Joins path segments with `childPath`. */
export function fieldPath(...segments: (string | number)[]): string {
  return segments.reduce<string>((path, segment) => childPath(path, segment), '');
}

/** Short rendering of a value for messages. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Field names that suggest a secret: their values are never echoed in a problem. */
const SECRET_NAMED = /secret|token|passw(or)?d|api[-_.]?key|credential|private[-_.]?key|bearer/i;

/**
 * The problem with the offending value left out (`; got ...`) when the value may be a secret: a field
 * whose name suggests one, any field of a Secret's data or stringData, and container environment values
 * (the secret's name is then in the sibling `name`, out of sight here).
 */
export function withoutSecretValues(problem: Problem): Problem {
  const secret = SECRET_NAMED.test(problem.path) || (problem.kind === 'Secret' && /^(data|stringData)\b/.test(problem.path)) || /\benv\[\d+\]\.value$/.test(problem.path);
  if (!secret || !problem.message.includes('; got ')) return problem;
  return { ...problem, message: problem.message.replace(/; got .*$/s, '; got a value not shown (the field may hold a secret)') };
}

/** One line per problem, whatever the file name or the message quotes (control characters are escaped). */
export function formatProblem(problem: Problem): string {
  return printable(`${problem.file}: ${problem.kind}/${problem.name}: ${problem.path}: ${problem.message}`);
}
