/**
 * `npm run validate -- [dir] [--spec file]`: validates a directory of manifests (default `dist`) offline
 * and prints one line per problem, `<file>: <Kind>/<name>: <field path>: <message>`, then a summary.
 *
 * The GPU node pool checks need the deployment spec the directory was synthesized from: the one synth
 * recorded in the directory, else `--spec` or IGW_CONFIG. With none, those checks are skipped and the
 * summary says so, rather than judging the manifests against the defaults.
 *
 * Exit codes: 0 no problems, 1 problems found or input that cannot be used, 2 usage error.
 */
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { CRDS_DIR } from '../charts-gen/gitops-bundle';
import { hasPendingJournal, OutputError, readRecord, RECORD_FILE } from '../charts-gen/output-dir';
import { loadSpecFile, resolveSpec, SPEC_FILE_VARIABLE, SpecError, type DeploymentSpec } from '../spec';
import { parseCommandLine, pathFromArgumentOrVariable, UsageError, userPath } from '../spec/command-line';
import { printable } from '../spec/text-file';
import { ManifestReadError, readManifestDirectory } from './manifest-files';
import { checkCrdFolder } from './pinned-crds';
import { loadValidatorSchemaTexts } from './schema-bundle';
import { SchemaSourceError } from './schema-source';
import { formatProblem } from './types';
import type { ValidationReport } from './validator';

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

export const USAGE = [
  'usage: npm run validate -- [dir] [--spec <file>]',
  '  dir            a directory of manifests; default: dist',
  '  --spec <file>  the deployment spec dir was synthesized from, for the GPU node pool checks;',
  '                 default: the spec synth recorded in dir, else $IGW_CONFIG, else those checks are skipped',
  '  -h, --help     show this help',
  'Exit codes: 0 no problems, 1 problems found or unusable input, 2 usage error.',
].join('\n');

/** Thrown for input that cannot be used; printed as is (one line per problem), exit code 1. */
class InputProblem extends Error {}

interface SpecChoice {
  readonly spec?: DeploymentSpec;
  /** Whether `spec` is the one synth recorded in the folder (then its crds/ must hold the profile's CRDs). */
  readonly recorded?: boolean;
  /** How the summary names the spec's origin. */
  readonly note: string;
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** A directory itself, not a symbolic link to one (readManifestDirectory reads only those). */
function isRealDirectory(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The folders right inside `dir`, by lstat as readManifestDirectory lists them: a symbolic link to a folder
 * is not followed here either (the reader reports it), so no folder is checked for an interrupted synth
 * and then skipped; none when `dir` cannot be listed (readManifestDirectory reports that).
 */
function subfolders(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => join(dir, entry.name));
  } catch {
    return [];
  }
}

/** The spec synth recorded in `dir`, if any. A path that is not a readable directory is left for readManifestDirectory to report. */
function recordedSpec(dir: string): DeploymentSpec | undefined {
  if (!isDirectory(dir)) return undefined;
  let record;
  try {
    // The folder itself, or a folder synth writes inside it (crds/), may hold an unfinished journal.
    const interrupted = [dir, ...subfolders(dir)].find((folder) => hasPendingJournal(folder));
    if (interrupted !== undefined) {
      throw new InputProblem(`${printable(interrupted)}: a synth was interrupted while writing here and its files are part old, part new; run npm run synth -- --out ${printable(dir)} to finish it, then validate`);
    }
    record = readRecord(dir);
  } catch (error) {
    if (error instanceof OutputError) throw new InputProblem(error.message);
    throw error;
  }
  return record === undefined ? undefined : resolveSpec(record.spec, `${printable(dir)}/${RECORD_FILE}`);
}

function chooseSpec(dir: string, specFile: string | undefined): SpecChoice {
  const recorded = recordedSpec(dir);
  const given = specFile === undefined ? undefined : loadSpecFile(specFile);
  if (recorded && given && !isDeepStrictEqual(recorded, given)) {
    throw new InputProblem(
      `${printable(dir)}: was synthesized from another spec than ${printable(specFile as string)}; run npm run synth -- ${printable(specFile as string)} --out ${printable(dir)}, or leave out the spec to check against the recorded one`,
    );
  }
  if (recorded) return { spec: recorded, recorded: true, note: `spec: the one synth recorded in ${printable(dir)}/${RECORD_FILE}` };
  if (given) return { spec: given, note: `spec: ${printable(specFile as string)}` };
  return { note: `GPU node pool checks skipped: no spec (${printable(dir)} has no synth record; pass --spec <file>)` };
}

export async function main(args: readonly string[], io: CliIo = processIo): Promise<number> {
  let dir: string;
  let specFile: string | undefined;
  try {
    const line = parseCommandLine(args, { options: { '--spec': [] }, positional: { max: 1, name: 'directory' } });
    if (line.help) {
      io.out(USAGE);
      return 0;
    }
    dir = line.positional[0] === undefined ? 'dist' : userPath(line.positional[0], io.env, 'validate');
    const given = pathFromArgumentOrVariable(line.options.get('--spec'), SPEC_FILE_VARIABLE, io.env, 'spec file');
    specFile = given === undefined ? undefined : userPath(given, io.env, 'validate');
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`validate: ${error.message}`);
    io.err('run npm run validate -- --help for usage');
    return 2;
  }
  try {
    const choice = chooseSpec(dir, specFile);
    const files = readManifestDirectory(dir);
    let report: ValidationReport = { problems: [], skippedRules: [], objectCount: 0 };
    if (files.objects.length > 0) {
      const schemas = await loadValidatorSchemaTexts({ env: io.env, download: true });
      // The validator (Ajv, CEL, the core-kind validators) is loaded only when there is something to
      // validate, so a bad command line, directory or schema source is answered at once.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { validateWithSchemas } = require('./validator') as typeof import('./validator');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { VerdictCache } = require('./cel-cache') as typeof import('./cel-cache');
      const verdicts = VerdictCache.load();
      report = validateWithSchemas(files.objects, schemas, { spec: choice.spec, verdicts });
      verdicts.save();
      const crdsDir = join(dir, CRDS_DIR);
      if (choice.recorded && choice.spec !== undefined && isRealDirectory(crdsDir)) {
        report = { ...report, problems: [...report.problems, ...checkCrdFolder(crdsDir, files.objects, schemas, choice.spec, printable(dir))] };
      }
    }
    const problems = [...files.problems, ...report.problems];
    for (const problem of problems) io.out(formatProblem(problem));
    const count = problems.length;
    const skipped = report.skippedRules.length > 0 ? `; ${report.skippedRules.length} CEL rule(s) or message expression(s) not evaluated (listed in docs/validation.md)` : '';
    io.out(`${printable(dir)}: ${report.objectCount} object(s) checked, ${count === 0 ? 'no problems' : `${count} problem${count === 1 ? '' : 's'}`}; ${choice.note}${skipped}`);
    return count === 0 ? 0 : 1;
  } catch (error) {
    if (error instanceof ManifestReadError || error instanceof SchemaSourceError || error instanceof SpecError || error instanceof InputProblem) {
      io.err(error.message);
      return 1;
    }
    throw error;
  }
}
