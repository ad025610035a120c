/**
 * The cdk8s app and `npm run synth -- [spec-file] [--out dir]`: reads the spec (the file argument,
 * IGW_CONFIG, or the defaults), synthesizes one YAML file per chart and publishes them into the output
 * directory through output-dir.ts, which never touches a file synth did not write.
 */
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, writeFileSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { loadSpecFile, resolveSpec, SPEC_FILE_VARIABLE, SpecError, type DeploymentSpec } from '../spec';
import { parseCommandLine, pathFromArgumentOrVariable, UsageError, userPath } from '../spec/command-line';
import { describeFileType, errnoReason, printable } from '../spec/text-file';
import { CRD_FOLDER_LAYOUT, hasPendingJournal, OutputError, preflightOutput, reportWriteFailure, TOP_FOLDER_LAYOUT, writeOutput, type OutputReport } from './output-dir';

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
  'usage: npm run synth -- [spec-file] [--out <dir>] [--check]',
  '  spec-file    the deployment spec (YAML); default: $IGW_CONFIG, else the built-in defaults',
  '  --out <dir>  where to write the manifests; default: $CDK8S_OUTDIR, else dist',
  '  --check      write nothing; exit 0 when <dir> holds exactly what the spec synthesizes, else 1 listing the differences',
  '  -h, --help   show this help',
  'Only files synth wrote (listed in <dir>/.inference-gateway-synth) are ever replaced or removed.',
  'Exit codes: 0 written (--check: up to date), 1 bad spec or output directory (--check: differences), 2 usage error.',
].join('\n');
const CHECK_FLAG = '--check';

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

/** A folder's files as synth renders them: name -> text. */
export type RenderedFolder = ReadonlyMap<string, string>;

/**
 * Everything synth writes for `spec`, folder by folder ('' the output directory, `crds` its CRD folder),
 * rendered in memory: the chart files, then the GitOps bundle's files (gitops-bundle.ts).
 */
export function renderOutput(spec: DeploymentSpec): ReadonlyMap<string, RenderedFolder> {
  // Loaded only now: cdk8s and cdk8s-plus take most of synth's start-up, and a usage error, --help or a
  // bad spec file should answer at once.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildApp, chartYaml, renderCharts } = require('./app') as typeof import('./app');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const bundle = require('./gitops-bundle') as typeof import('./gitops-bundle');
  // renderCharts, not app.synth(): cdk8s' synth resolves the whole app again for every chart.
  const charts = renderCharts(buildApp(spec, DEFAULT_OUTDIR));
  const top = new Map(charts.map((chart) => [chart.file, chartYaml(chart)]));
  for (const file of bundle.topFolderFiles(spec, [...top.keys()])) top.set(file.name, file.text);
  const crds = new Map(bundle.crdFolderFiles(spec).map((file) => [file.name, file.text]));
  return new Map([
    [bundle.CRDS_DIR, crds],
    ['', top],
  ]);
}

/**
 * A folder synth makes inside the output folder (crds/) must be a real directory or absent: a symbolic
 * link there would have synth write into, and remove files from, wherever it points.
 */
function innerFolderProblem(dir: string): string | undefined {
  let stats: Stats;
  try {
    stats = lstatSync(dir);
  } catch {
    return undefined;
  }
  if (stats.isDirectory()) return undefined;
  const what = stats.isSymbolicLink() ? 'a symbolic link' : 'not a directory';
  return `${printable(dir)}: is ${what}; synth writes this folder itself inside the output folder and follows no link there (move it away)`;
}

/**
 * Synthesizes `spec` into `outdir`; see output-dir.ts for what is and is not touched. The CRD folder is
 * an output directory of its own (its own record), published first, so the CRDs are in place before the
 * objects that use them.
 */
export function synthesize(spec: DeploymentSpec, outdir: string, log: (line: string) => void = () => undefined): OutputReport {
  const written: string[] = [];
  const unchanged: string[] = [];
  const removed: string[] = [];
  const folders = renderOutput(spec);
  // Every folder is checked before any is written, so a refusal in one leaves all of them untouched. The
  // output folder first: when it cannot be used, what it says is the whole story.
  const top = preflightOutput(outdir, folders.get('') ?? new Map(), TOP_FOLDER_LAYOUT);
  if (top.length > 0) throw new OutputError(top);
  const inner = [...folders].flatMap(([folder, files]) => {
    const dir = join(outdir, folder);
    if (folder === '') return [];
    const notOurs = innerFolderProblem(dir);
    return notOurs === undefined ? preflightOutput(dir, files, CRD_FOLDER_LAYOUT) : [notOurs];
  });
  if (inner.length > 0) throw new OutputError(inner);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { isUpToDate } = require('./check-output') as typeof import('./check-output');
  // A folder holding an interrupted synth's journal goes first: if that journal cannot be finished, the run
  // stops there, before any other folder is written.
  const pending = (folder: string) => {
    try {
      return hasPendingJournal(folder === '' ? outdir : join(outdir, folder));
    } catch {
      return true;
    }
  };
  const ordered = [...folders].sort(([a], [b]) => Number(pending(b)) - Number(pending(a)));
  for (const [folder, files] of ordered) {
    const named = (name: string) => (folder === '' ? name : `${folder}/${name}`);
    const dir = folder === '' ? outdir : join(outdir, folder);
    // A folder that already holds exactly this output is left alone: no lock, no staging, no fsync.
    if (isUpToDate(dir, files, spec)) {
      unchanged.push(...[...files.keys()].sort().map(named));
      continue;
    }
    const render = (staging: string): void => {
      for (const [name, text] of files) writeFileSync(join(staging, name), text);
    };
    const report = writeOutput(dir, { render, spec, log, layout: folder === '' ? TOP_FOLDER_LAYOUT : CRD_FOLDER_LAYOUT });
    written.push(...report.written.map(named));
    unchanged.push(...report.unchanged.map(named));
    removed.push(...report.removed.map(named));
  }
  return { written, unchanged, removed };
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
    // crds/ files go into a crds/ folder of the scratch directory.
    mkdirSync(dirname(join(scratch, name)), { recursive: true });
    const temp = join(dirname(join(scratch, name)), `.${basename(name)}.tmp-${process.pid}`);
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
  let check = false;
  let specFile: string | undefined;
  let outdir: string;
  let scratch: string | undefined;
  try {
    const line = parseCommandLine(args, { options: { '--out': ['-o'] }, flags: [CDK8S_CLI_FLAG, CHECK_FLAG], positional: { max: 1, name: 'spec file' } });
    if (line.help) {
      io.out(USAGE);
      return 0;
    }
    fromCdk8sCli = line.flags.has(CDK8S_CLI_FLAG);
    check = line.flags.has(CHECK_FLAG);
    if (fromCdk8sCli && check) throw new UsageError(`${CHECK_FLAG} cannot be combined with ${CDK8S_CLI_FLAG}`);
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
    if (check) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { checkOutput } = require('./check-output') as typeof import('./check-output');
      const differences = checkOutput(spec, outdir, renderOutput(spec));
      for (const line of differences) io.out(line);
      if (differences.length === 0) {
        io.out(`${printable(outdir)}: up to date with the spec`);
        return 0;
      }
      io.out(`${printable(outdir)}: ${differences.length} difference${differences.length === 1 ? '' : 's'} from what the spec synthesizes; run npm run synth -- ${specFile === undefined ? '' : `${printable(specFile)} `}--out ${printable(outdir)} to update it`);
      return 1;
    }
    if (scratch !== undefined) checkCdk8sScratch(scratch);
    const report = synthesize(spec, outdir, say);
    for (const line of reportLines(report, outdir)) say(line);
    if (scratch !== undefined) mirrorForCdk8sCli(report, outdir, scratch);
    return 0;
  } catch (error) {
    const reported = reportWriteFailure(error, outdir, io.err, {
      refusal: (cause) => cause instanceof SpecError,
      partialAdvice: `synth stopped part-way; fix the above and run it again to finish ${printable(outdir)}/ (every file there is complete, old or new).`,
    });
    if (reported) return 1;
    throw error;
  }
}
