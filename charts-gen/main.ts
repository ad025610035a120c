/**
 * The cdk8s app and `npm run synth -- [spec-file] [--out dir]`: reads the spec (the file argument,
 * IGW_CONFIG, or the defaults), synthesizes one YAML file per chart and publishes them into the output
 * directory through output-dir.ts, which never touches a file synth did not write.
 */
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, writeFileSync, writeSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadSpecFile, resolveSpec, SPEC_FILE_VARIABLE, SpecError, type DeploymentSpec } from '../spec';
import { parseCommandLine, pathFromArgumentOrVariable, UsageError, userPath } from '../spec/command-line';
import { describeFileType, errnoReason, printable } from '../spec/text-file';
import { OutputError, writeOutput, type OutputReport } from './output-dir';

/** The output directory variable, as the cdk8s CLI sets it for its app. */
export const OUTDIR_VARIABLE = 'CDK8S_OUTDIR';
export const DEFAULT_OUTDIR = 'dist';
/**
 * cdk8s.yaml's `output`. The cdk8s CLI deletes its output directory recursively before it starts the app,
 * so it is pointed at this scratch directory, which only holds copies, instead of at dist/.
 */
export const CDK8S_CLI_SCRATCH = '.cdk8s-cli-out';
/** The flag cdk8s.yaml's `app` command passes, so the app knows the CLI chose its output directory. */
const CDK8S_CLI_FLAG = '--cdk8s-cli';

export const USAGE = [
  'usage: npm run synth -- [spec-file] [--out <dir>]',
  '  spec-file    the deployment spec (YAML); default: $IGW_CONFIG, else the built-in defaults',
  '  --out <dir>  where to write the manifests; default: $CDK8S_OUTDIR, else dist',
  '  -h, --help   show this help',
  'Only files synth wrote (listed in <dir>/.inference-gateway-synth) are ever replaced or removed.',
  'Exit codes: 0 written, 1 bad spec or output directory, 2 usage error.',
].join('\n');

export interface SynthIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

const processIo: SynthIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
};

function loadSpec(specFile: string | undefined): DeploymentSpec {
  return specFile === undefined ? resolveSpec({}, 'defaults') : loadSpecFile(specFile);
}

/** Synthesizes `spec` into `outdir`; see output-dir.ts for what is and is not touched. */
export function synthesize(spec: DeploymentSpec, outdir: string, log: (line: string) => void = () => undefined): OutputReport {
  // Loaded only now: cdk8s and cdk8s-plus take most of synth's start-up, and a usage error, --help or a
  // bad spec file should answer at once.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildApp, chartYaml, renderCharts } = require('./app') as typeof import('./app');
  // renderCharts, not app.synth(): cdk8s' synth resolves the whole app again for every chart.
  const render = (staging: string): void => {
    for (const chart of renderCharts(buildApp(spec, staging))) writeFileSync(join(staging, chart.file), chartYaml(chart));
  };
  return writeOutput(outdir, { render, spec, log });
}

function reportLines(report: OutputReport, outdir: string): string[] {
  const show = (name: string) => `${printable(outdir)}/${printable(name)}`;
  return [
    ...report.written.map((name) => `wrote ${show(name)}`),
    ...report.unchanged.map((name) => `unchanged ${show(name)}`),
    ...report.removed.map((name) => `removed ${show(name)} (no longer produced by the spec)`),
  ];
}

/**
 * Under `npx cdk8s synth` the CLI has just deleted its output directory and will list the manifests in it.
 * When that is our scratch directory, the real output goes to dist/ and the scratch directory gets copies,
 * so the CLI's listing (and any validation plugin) sees the same files.
 */
function mirrorForCdk8sCli(report: OutputReport, outdir: string, scratch: string): void {
  mkdirSync(scratch, { recursive: true });
  // Copies of what was published, read back so they are byte-identical to it. Each is written as a new
  // file and renamed into place, so nothing that appeared in the scratch directory is written through.
  for (const name of [...report.written, ...report.unchanged]) {
    const temp = join(scratch, `.${name}.tmp-${process.pid}`);
    const fd = openSync(temp, 'wx');
    try {
      writeSync(fd, readFileSync(join(outdir, name)));
    } finally {
      closeSync(fd);
    }
    renameSync(temp, join(scratch, name));
  }
}

/**
 * The scratch directory the cdk8s CLI has just emptied holds only regular files (our copies), if it
 * exists at all: checked before anything is written, so a symlink or FIFO planted there (or a scratch
 * directory that is itself a symlink, when the app is run without the CLI) stops synth at once.
 */
function checkCdk8sScratch(scratch: string): void {
  let stats: Stats;
  try {
    stats = lstatSync(scratch);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new OutputError([`${printable(scratch)}: ${errnoReason(error)}`]);
  }
  if (!stats.isDirectory()) throw new OutputError([`${printable(scratch)}: is ${describeFileType(stats)}, not the directory the cdk8s CLI empties for synth's copies`]);
  const problems = readdirSync(scratch)
    .map((name) => [name, lstatSync(join(scratch, name))] as const)
    .filter(([, entry]) => !entry.isFile())
    .map(([name, entry]) => `${printable(scratch)}/${printable(name)}: is ${describeFileType(entry)}; synth writes only regular files and leaves this alone (move it away)`);
  if (problems.length > 0) throw new OutputError(problems);
}

export function main(args: readonly string[] = [], io: SynthIo = processIo): number {
  let fromCdk8sCli = false;
  let specFile: string | undefined;
  let outdir: string;
  let scratch: string | undefined;
  try {
    const line = parseCommandLine(args, { options: { '--out': ['-o'] }, flags: [CDK8S_CLI_FLAG], positional: { max: 1, name: 'spec file' } });
    if (line.help) {
      io.out(USAGE);
      return 0;
    }
    fromCdk8sCli = line.flags.has(CDK8S_CLI_FLAG);
    const typed = (path: string | undefined) => (path === undefined ? undefined : userPath(path, io.env, 'synth'));
    specFile = typed(pathFromArgumentOrVariable(line.positional[0], SPEC_FILE_VARIABLE, io.env, 'spec file'));
    const cliOutdir = io.env[OUTDIR_VARIABLE];
    if (fromCdk8sCli && line.options.has('--out')) throw new UsageError(`--out cannot be combined with ${CDK8S_CLI_FLAG}`);
    if (fromCdk8sCli && cliOutdir !== undefined && resolve(cliOutdir) === resolve(CDK8S_CLI_SCRATCH)) {
      outdir = DEFAULT_OUTDIR;
      scratch = cliOutdir;
    } else {
      outdir = typed(pathFromArgumentOrVariable(line.options.get('--out'), OUTDIR_VARIABLE, io.env, 'output directory')) ?? DEFAULT_OUTDIR;
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`synth: ${error.message}`);
    io.err('run npm run synth -- --help for usage');
    return 2;
  }
  // Under the cdk8s CLI our stdout is captured and not shown, so the file list goes to stderr there.
  const say = fromCdk8sCli ? io.err : io.out;
  try {
    const spec = loadSpec(specFile);
    if (scratch !== undefined) checkCdk8sScratch(scratch);
    const report = synthesize(spec, outdir, say);
    for (const line of reportLines(report, outdir)) say(line);
    if (scratch !== undefined) mirrorForCdk8sCli(report, outdir, scratch);
    return 0;
  } catch (error) {
    if (error instanceof SpecError || (error instanceof OutputError && !error.partial)) {
      io.err(error.message);
      io.err(`Nothing was written to ${printable(outdir)}/.`);
      return 1;
    }
    if (error instanceof OutputError) {
      io.err(error.message);
      io.err(`synth stopped part-way; fix the above and run it again to finish ${printable(outdir)}/ (every file there is complete, old or new).`);
      return 1;
    }
    throw error;
  }
}
