/**
 * Reading a spec: YAML text or an already parsed document in, a validated `DeploymentSpec` out, or a
 * `SpecError` that lists every problem with its field path.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { DEFAULT_SPEC } from './defaults';
import { INVALID, resolveField, type SpecIssue } from './fields';
import { checkRules } from './rules';
import { SPEC_FIELD } from './schema';
import type { DeploymentSpec } from './types';

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

/** Parses YAML (or JSON) spec text. */
export function parseSpec(text: string, source = 'spec'): DeploymentSpec {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter });
  if (document.errors.length > 0) {
    throw new SpecError(
      document.errors.map((error) => {
        const where = lineCounter.linePos(error.pos[0]);
        return { path: '', message: `not valid YAML at line ${where.line}, column ${where.col}: ${error.message.split('\n')[0]}` };
      }),
      source,
    );
  }
  return resolveSpec(document.toJS(), source);
}

export function loadSpecFile(file: string): DeploymentSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new SpecError([{ path: '', message: `cannot read the spec file: ${reason}` }], file);
  }
  return parseSpec(text, file);
}

/** The spec named by IGW_CONFIG, or the defaults when it is unset. */
export function loadSpecFromEnvironment(env: NodeJS.ProcessEnv = process.env): DeploymentSpec {
  const file = env[SPEC_FILE_VARIABLE];
  return file ? loadSpecFile(file) : resolveSpec({}, 'defaults');
}
