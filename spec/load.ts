/**
 * Reading a spec: YAML text or an already parsed document in, a validated `DeploymentSpec` out, or a
 * `SpecError` that lists every problem with its field path.
 */
import { DEFAULT_SPEC } from './defaults';
import { INVALID, resolveField, type SpecIssue } from './fields';
import { checkRules } from './rules';
import { SPEC_FIELD } from './schema';
import { MiB, printable, readTextFile, TextFileError } from './text-file';
import type { DeploymentSpec } from './types';
import { formatYamlProblem, parseYamlText } from './yaml-text';

/** Environment variable naming the spec file that `npm run synth` reads. */
export const SPEC_FILE_VARIABLE = 'IGW_CONFIG';

export class SpecError extends Error {
  constructor(
    readonly issues: readonly SpecIssue[],
    readonly source: string,
  ) {
    super(formatIssues(issues, source));
    this.name = 'SpecError';
  }
}

export function formatIssues(issues: readonly SpecIssue[], source: string): string {
  const lines = issues.map((issue) => `  ${issue.path === '' ? '(document)' : issue.path}: ${issue.message}`);
  return `${source}: ${issues.length} problem${issues.length === 1 ? '' : 's'} in the deployment spec\n${lines.join('\n')}`;
}

/**
 * Validates a parsed spec document and merges it with the defaults. Field checks and cross-field rules run
 * in one round, so one run lists every problem; a rule never reports a field that already failed its own
 * check (it sees `INVALID` there), nor a path already reported.
 */
export function resolveSpec(written: unknown, source = 'spec'): DeploymentSpec {
  const issues: SpecIssue[] = [];
  const document = written === null || written === undefined ? {} : written;
  const resolved = resolveField(SPEC_FIELD, document, DEFAULT_SPEC, '', issues) as DeploymentSpec | typeof INVALID;
  if (resolved !== INVALID) {
    const reported = new Set(issues.map((issue) => issue.path));
    issues.push(...checkRules(resolved).filter((issue) => !reported.has(issue.path)));
  }
  if (issues.length > 0 || resolved === INVALID) throw new SpecError(issues, source);
  return resolved;
}

/**
 * The largest spec file we read. The 20-pool, 200-model benchmark spec is about 30 KiB; a megabyte is far
 * beyond any real deployment and still parses in about a second.
 */
export const MAX_SPEC_BYTES = 1 * MiB;

/** Parses YAML (or JSON) spec text: one document, no duplicate keys, bounded nesting and aliases. */
export function parseSpec(text: string, source = 'spec'): DeploymentSpec {
  const { documents, problems } = parseYamlText(text, false);
  if (problems.length > 0) throw new SpecError(problems.map((problem) => ({ path: '', message: formatYamlProblem(problem) })), source);
  return resolveSpec(documents[0]?.value, source);
}

/** Reads a spec file: a regular UTF-8 text file of at most MAX_SPEC_BYTES (never a FIFO or a device). */
export function loadSpecFile(file: string): DeploymentSpec {
  const source = printable(file);
  let text: string;
  try {
    text = readTextFile(file, MAX_SPEC_BYTES);
  } catch (error) {
    if (error instanceof TextFileError) throw new SpecError([{ path: '', message: `cannot read the spec file: ${error.reason}` }], source);
    throw error;
  }
  return parseSpec(text, source);
}

/** The spec named by IGW_CONFIG, or the defaults when it is unset. Set but empty is a mistake, not "unset". */
export function loadSpecFromEnvironment(env: NodeJS.ProcessEnv = process.env): DeploymentSpec {
  const file = env[SPEC_FILE_VARIABLE];
  if (file === '') throw new SpecError([{ path: '', message: `${SPEC_FILE_VARIABLE} is set but empty; unset it to use the defaults, or name a spec file` }], SPEC_FILE_VARIABLE);
  return file ? loadSpecFile(file) : resolveSpec({}, 'defaults');
}
