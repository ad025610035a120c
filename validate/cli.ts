/**
 * `npm run validate [dir]`: validates the synthesized manifests (default `dist`) offline and prints one
 * line per problem, `<file>: <Kind>/<name>: <field path>: <message>`, then a summary. Exit code 1 on any
 * problem. User errors (no directory, no schema mirror, a bad spec file) print a message, not a stack.
 *
 * The deployment spec (IGW_CONFIG, or the defaults) enables the GPU node pool checks.
 */
import { loadSpecFromEnvironment, SpecError, type DeploymentSpec } from '../spec';
import { SchemaSourceError } from './schema-source';
import { formatProblem } from './types';
import { ManifestReadError, validateDirectory } from './validator';

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
};

const USAGE = 'usage: npm run validate [manifest-dir]   (default: dist)';

export async function main(args: string[], io: CliIo = processIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(USAGE);
    return 0;
  }
  const positional = args.filter((arg) => !arg.startsWith('-'));
  if (positional.length > 1 || positional.length !== args.length) {
    io.err(USAGE);
    return 2;
  }
  const dir = positional[0] ?? 'dist';
  let spec: DeploymentSpec;
  try {
    spec = loadSpecFromEnvironment(io.env);
  } catch (error) {
    if (error instanceof SpecError) {
      io.err(error.message);
      return 1;
    }
    throw error;
  }
  try {
    const report = await validateDirectory(dir, { spec, env: io.env, download: true });
    for (const problem of report.problems) io.out(formatProblem(problem));
    const count = report.problems.length;
    const skipped = report.skippedRules.length > 0 ? `; ${report.skippedRules.length} CEL rule(s) or message expression(s) not evaluated (listed in docs/validation.md)` : '';
    io.out(`${dir}: ${report.objectCount} object(s) checked, ${count === 0 ? 'no problems' : `${count} problem${count === 1 ? '' : 's'}`}${skipped}`);
    return count === 0 ? 0 : 1;
  } catch (error) {
    if (error instanceof ManifestReadError || error instanceof SchemaSourceError) {
      io.err(error.message);
      return 1;
    }
    throw error;
  }
}
