// `npm run bench`: how long synth, the Pulumi mock run and the test suite take on this machine.
// Medians of several whole-process runs after a warm-up; ratios are taken pair by pair (A, B, A, B...)
// so a machine that speeds up or slows down during the run does not skew them. No timing goes into a test.
//
//   BENCH_RUNS=9 npm run bench          runs per figure (default 7)
//   BENCH_TEST_RUNS=3 npm run bench     runs of `npm test` (default 3; 0 skips it)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { root } = require('./bundle.js');
const { stringify } = require('yaml');

const runs = Number(process.env.BENCH_RUNS ?? 7);
const testRuns = Number(process.env.BENCH_TEST_RUNS ?? 3);
const work = mkdtempSync(join(tmpdir(), 'igw-bench-'));

/** Wall seconds of one run; throws when the command fails, so a broken command is never timed. */
function wall(command) {
  const [file, ...args] = command.argv;
  const start = process.hrtime.bigint();
  const result = spawnSync(file, args, { cwd: root, env: { ...process.env, ...command.env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`${command.label} failed (${result.status}):\n${result.stderr}`);
  return seconds;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Times A and B alternately; returns both medians and the median of the per-pair ratios A/B. */
function pair(a, b, count = runs) {
  wall(a);
  wall(b);
  const as = [];
  const bs = [];
  const ratios = [];
  for (let i = 0; i < count; i++) {
    const ta = wall(a);
    const tb = wall(b);
    as.push(ta);
    bs.push(tb);
    ratios.push(ta / tb);
  }
  return { a: median(as), b: median(bs), ratio: median(ratios), spread: [Math.min(...ratios), Math.max(...ratios)] };
}

function single(command, count) {
  wall(command);
  const times = Array.from({ length: count }, () => wall(command));
  return { median: median(times), min: Math.min(...times), max: Math.max(...times) };
}

/** 20 pools x 10 InferenceModels (the base model and 9 adapters each). */
function largeSpec() {
  const pools = Array.from({ length: 20 }, (_, p) => {
    const adapters = Array.from({ length: 9 }, (_, a) => ({ id: `p${p}-adapter-${a}`, source: `example-org/adapter-${p}-${a}` }));
    return {
      name: `pool-${p}`,
      ...(p > 0 ? { routePathPrefix: `/pool-${p}` } : {}),
      adapters: { models: adapters },
      models: [
        { name: `pool-${p}-base`, modelName: 'meta-llama/Llama-3.1-8B-Instruct', criticality: 'Critical' },
        ...adapters.map((adapter) => ({ name: adapter.id, modelName: adapter.id, criticality: 'Standard', targetModels: [{ name: adapter.id }] })),
      ],
    };
  });
  return { cluster: { gpuPool: { maxNodes: 60 } }, pools };
}

const largeSpecFile = join(work, 'twenty-pools.yaml');
writeFileSync(largeSpecFile, stringify(largeSpec()));

const node = process.execPath;
const floor = { label: 'floor', argv: [node, 'scripts/bench-floor.js'] };
const synth = { label: 'synth', argv: [node, 'scripts/synth.js'], env: { CDK8S_OUTDIR: join(work, 'default') } };
const synthLarge = { label: 'synth 20 pools', argv: [node, 'scripts/synth.js'], env: { CDK8S_OUTDIR: join(work, 'large'), IGW_CONFIG: largeSpecFile } };
const npmSynth = { label: 'npm run synth', argv: ['npm', 'run', '--silent', 'synth'], env: { CDK8S_OUTDIR: join(work, 'npm') } };
const plan = { label: 'plan', argv: [node, 'scripts/run.js', 'infra/plan.ts'] };
const npmTest = { label: 'npm test', argv: ['npm', 'test', '--silent'] };

const rows = [];
const seconds = (value) => `${value.toFixed(3)} s`;

const synthVsFloor = pair(synth, floor);
rows.push(['require cdk8s + cdk8s-plus-30 (floor)', seconds(synthVsFloor.b), '']);
rows.push(['synth, default spec', seconds(synthVsFloor.a), `${synthVsFloor.ratio.toFixed(2)}x floor (goal <= 2x; pairs ${synthVsFloor.spread.map((r) => r.toFixed(2)).join('-')})`]);
const largeVsDefault = pair(synthLarge, synth);
rows.push(['synth, 20 pools x 10 models', seconds(largeVsDefault.a), `${largeVsDefault.ratio.toFixed(2)}x default (goal <= 3x)`]);
const npmVsNode = pair(npmSynth, synth);
rows.push(['npm run synth (adds npm start-up)', seconds(npmVsNode.a), `${npmVsNode.ratio.toFixed(2)}x node scripts/synth.js`]);
if (existsSync(join(root, 'infra', 'plan.ts'))) {
  const planTimes = single(plan, Math.max(3, Math.ceil(runs / 2)));
  rows.push(['Pulumi program under mocks (npm run plan)', seconds(planTimes.median), `min ${seconds(planTimes.min)}, max ${seconds(planTimes.max)}`]);
}
if (testRuns > 0) {
  const testTimes = single(npmTest, testRuns);
  rows.push([`npm test (${testRuns} runs)`, seconds(testTimes.median), `min ${seconds(testTimes.min)}, max ${seconds(testTimes.max)}`]);
}

const width = Math.max(...rows.map((row) => row[0].length));
process.stdout.write(`medians of ${runs} runs after a warm-up (${process.version}, ${require('node:os').cpus().length} cores)\n`);
for (const [what, time, note] of rows) process.stdout.write(`${what.padEnd(width)}  ${time.padStart(9)}  ${note}\n`);
