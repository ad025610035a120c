/**
 * `npm run benchmark -- --out <dir> [spec-file]`: writes the A/B benchmark (benchmark.ts) for a spec into a
 * directory of its own, under synth's file ownership rules (output-dir.ts) with a record of its own
 * (`.inference-gateway-benchmark`): it replaces or removes only files it wrote, it refuses a directory
 * that holds synth's manifests, and synth never counts its file as one of synth's.
 */
import { existsSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSpecFile, resolveSpec, SpecError, type DeploymentSpec } from '../spec';
import { parseCommandLine, UsageError, userPath } from '../spec/command-line';
import { printable } from '../spec/text-file';
import { OutputError, readRecord, reportWriteFailure, writeOutput, type OutputLayout } from './output-dir';

export const USAGE = [
  'usage: npm run benchmark -- --out <dir> [spec-file]',
  '  spec-file    the deployment spec (YAML); default: the built-in defaults',
  '  --out <dir>  where to write benchmark.k8s.yaml; not synth\'s output directory',
  '  -h, --help   show this help',
  'Writes, per pool, a round-robin Service over the model server pods and an inference-perf Job that runs',
  'the same load against it and against the Gateway. See docs/benchmark.md.',
  'Exit codes: 0 written, 1 bad spec or output directory, 2 usage error.',
].join('\n');

export interface BenchmarkIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Paths typed under `npm run benchmark` are relative to where npm was run (INIT_CWD). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

const processIo: BenchmarkIo = { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`), env: process.env };

/** Pools the benchmark cannot target: no model that the Gateway and vLLM both serve under one name. */
function unbenchmarkable(spec: DeploymentSpec, benchmarkModel: (pool: DeploymentSpec['pools'][number]) => string | undefined): string[] {
  return spec.pools.flatMap((pool, index) =>
    benchmarkModel(pool) === undefined
      ? [`pools[${index}].models: the benchmark needs a model whose modelName is the base model or an adapter id with no other target (the same name must work through the Gateway and on vLLM directly); ${pool.name} has none`]
      : [],
  );
}

/** The benchmark's own record (synth's rules, its own bookkeeping): synth never counts its file as synth's. */
export function benchmarkLayout(benchmarkFile: string): OutputLayout {
  return { record: '.inference-gateway-benchmark', tool: 'benchmark', isOwnName: (name) => name === benchmarkFile, ownNames: benchmarkFile };
}

/** Refuses a directory that holds synth's output (its record lists files). */
function refuseSynthOutput(outdir: string): void {
  if (!existsSync(outdir) || !statSync(outdir).isDirectory()) return;
  const synthFiles = Object.keys(readRecord(realpathSync(outdir), outdir)?.files ?? {});
  if (synthFiles.length > 0) {
    throw new OutputError([`${printable(outdir)}: holds synth's manifests (${synthFiles.map(printable).join(', ')}); write the benchmark to a directory of its own`]);
  }
}

export function main(args: readonly string[] = [], io: BenchmarkIo = processIo): number {
  let specFile: string | undefined;
  let outdir: string;
  try {
    const line = parseCommandLine(args, { options: { '--out': ['-o'] }, positional: { max: 1, name: 'spec file' } });
    if (line.help) {
      io.out(USAGE);
      return 0;
    }
    const out = line.options.get('--out');
    if (out === undefined) throw new UsageError('--out <dir> is required: the benchmark never writes into synth\'s dist/');
    const env = io.env ?? {};
    outdir = userPath(out, env, 'benchmark');
    specFile = line.positional[0] === undefined ? undefined : userPath(line.positional[0], env, 'benchmark');
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`benchmark: ${error.message}`);
    io.err('run npm run benchmark -- --help for usage');
    return 2;
  }
  try {
    const spec = specFile === undefined ? resolveSpec({}, 'defaults') : loadSpecFile(specFile);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- cdk8s loads only once the command line is good
    const { BENCHMARK_FILE, benchmarkModel, buildBenchmarkApp } = require('./benchmark') as typeof import('./benchmark');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { chartYaml, renderCharts } = require('./app') as typeof import('./app');
    const problems = unbenchmarkable(spec, benchmarkModel);
    if (problems.length > 0) throw new OutputError(problems);
    refuseSynthOutput(outdir);
    const render = (staging: string): void => {
      for (const chart of renderCharts(buildBenchmarkApp(spec, staging))) writeFileSync(join(staging, chart.file), chartYaml(chart));
    };
    const report = writeOutput(outdir, { render, spec, log: io.out, layout: benchmarkLayout(BENCHMARK_FILE) });
    for (const name of report.written) io.out(`wrote ${printable(outdir)}/${printable(name)}`);
    for (const name of report.unchanged) io.out(`unchanged ${printable(outdir)}/${printable(name)}`);
    io.out(`run it: kubectl apply -f ${printable(outdir)}/${BENCHMARK_FILE}; remove it: kubectl delete -f ${printable(outdir)}/${BENCHMARK_FILE}`);
    return 0;
  } catch (error) {
    const reported = reportWriteFailure(error, outdir, io.err, {
      refusal: (cause) => cause instanceof SpecError,
      partialAdvice: `benchmark stopped part-way; run it again to finish ${printable(outdir)}/.`,
    });
    if (reported) return 1;
    throw error;
  }
}
