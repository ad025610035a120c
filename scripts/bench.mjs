// `npm run bench`: how long synth, validate, the Pulumi mock run and the test suite take on this machine.
// Medians of several whole-process runs after a warm-up; ratios are taken pair by pair (A, B, A, B...)
// so a machine that speeds up or slows down during the run does not skew them, and each ratio printed
// comes from the same pairs as the times beside it. No timing goes into a test.
//
//   BENCH_RUNS=9 npm run bench          runs per figure (default 7)
//   BENCH_TEST_RUNS=3 npm run bench     runs of `npm test` (default 3; 0 skips it)
//   BENCH_ONLY=limits npm run bench     only the specs at the size and count limits
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { root } = require('./bundle.js');
const { stringify } = require('yaml');

const runs = Number(process.env.BENCH_RUNS ?? 7);
const testRuns = Number(process.env.BENCH_TEST_RUNS ?? 3);
const limitsOnly = process.env.BENCH_ONLY === 'limits';

// Everything the bench writes (specs, synth output) lives here and is removed however the bench ends:
// normally, by an error, or by a signal (the running command is stopped first).
const work = mkdtempSync(join(tmpdir(), 'igw-bench-'));
let running;
process.on('exit', () => {
  running?.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => process.exit(130));

/**
 * Wall seconds of one run. A command that fails is never timed: it throws, unless its exit code is in
 * `command.okExit` and it wrote nothing to stderr (validate exits 1 when it finds problems, which a large
 * spec's output may have; a crash also exits 1, with `<tool>: internal error: ...` on stderr). Runs are
 * awaited, not run synchronously, so a signal is handled while a command runs.
 */
function wall(command) {
  const [file, ...args] = command.argv;
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    // A variable set to undefined in `command.env` is removed (the default spec must not inherit IGW_CONFIG).
    const env = Object.fromEntries(Object.entries({ ...process.env, ...command.env }).filter(([, value]) => value !== undefined));
    const child = spawn(file, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
    running = child;
    const stderr = [];
    child.stderr.on('data', (chunk) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (status) => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      running = undefined;
      const text = Buffer.concat(stderr).toString();
      // `quiet`: the command's stderr is its expected answer (a refused spec), not a crash, unless it says so.
      const crashed = /: internal error:|^\s+at /m.test(text);
      const allowed = status === 0 || ((command.okExit ?? []).includes(status) && (text.length === 0 || (command.quiet && !crashed)));
      if (allowed) resolve(seconds);
      else reject(new Error(`${command.label} failed (${status}):\n${text}`));
    });
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Times A and B alternately; returns both medians and the median of the per-pair ratios A/B. */
async function pair(a, b, count = runs) {
  await wall(a);
  await wall(b);
  const as = [];
  const bs = [];
  const ratios = [];
  for (let i = 0; i < count; i++) {
    const ta = await wall(a);
    const tb = await wall(b);
    as.push(ta);
    bs.push(tb);
    ratios.push(ta / tb);
  }
  return { a: median(as), b: median(bs), ratio: median(ratios), spread: [Math.min(...ratios), Math.max(...ratios)] };
}

async function single(command, count) {
  await wall(command);
  const times = [];
  for (let i = 0; i < count; i++) times.push(await wall(command));
  return { median: median(times), min: Math.min(...times), max: Math.max(...times) };
}

/** A spec of `count` pools x 10 InferenceModels (the base model and 9 adapters each). */
function specWithPools(count) {
  const pools = Array.from({ length: count }, (_, p) => {
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
  return { cluster: { gpuPool: { maxNodes: Math.max(60, 3 * count) } }, pools };
}

/** The spec file for `pools` pools (undefined: the built-in defaults), written once. */
function specFile(pools) {
  if (pools === undefined) return undefined;
  const file = join(work, `${pools}-pools.yaml`);
  if (!existsSync(file)) writeFileSync(file, stringify(specWithPools(pools)));
  return file;
}

/**
 * Specs at the 1 MiB limit (spec/load.ts) and the count limits (spec/schema.ts: 100 pools, 1,000 models
 * and 5,000 adapters in all): each must be synthesized or refused within 3 s.
 *   objects:  a migration (two InferencePools and pickers a pool), one shared prefix (body-based routing),
 *             100 pools of 10 models: the most objects a spec can ask for;
 *   adapters: the GA profile, 100 pools with prefixes of their own, 10 models and 50 adapters each (the
 *             5,000 adapters allowed in all): the most text;
 *   refused:  1 MiB of pools sharing one prefix (tens of thousands), refused by the pool limit.
 */
function limitSpecFile(kind) {
  const file = join(work, `limit-${kind}.yaml`);
  if (existsSync(file)) return file;
  const lines = [];
  if (kind === 'refused') {
    lines.push('pools:');
    for (let i = 0, size = 0; size < 1024 * 1024 - 64; i++) {
      lines.push(`  - { name: p${i} }`);
      size += lines[lines.length - 1].length + 1;
    }
  } else {
    const migration = kind === 'objects';
    lines.push(`inferenceExtension: { version: llm-d-v0.10.0${migration ? ', migration: { from: v0.3.0, trafficPercent: 10 }' : ''} }`);
    lines.push('cluster: { gpuPool: { maxNodes: 1000, acceleratorCount: 8, machineType: a3-highgpu-8g } }', 'pools:');
    const adapters = migration ? 10 : 50;
    for (let p = 0; p < 100; p++) {
      lines.push(`  - name: p${p}`, migration ? `    inferencePoolName: p${p}-ga` : `    routePathPrefix: /p${p}`, '    modelServer: { replicas: 1 }', '    adapters:', '      models:');
      for (let a = 0; a < adapters; a++) lines.push(`        - { id: p${p}-a${a}, source: o/a${a} }`);
      lines.push('    models:');
      // Each model renames its adapter, so the GA profile adds an InferenceModelRewrite for it too.
      for (let m = 0; m < 10; m++) lines.push(`      - { name: p${p}-m${m}, modelName: p${p}-m${m}, criticality: Standard, targetModels: [{ name: p${p}-a${m} }] }`);
    }
  }
  const text = `${lines.join('\n')}\n`;
  if (text.length > 1024 * 1024) throw new Error(`the ${kind} limit spec is ${text.length} bytes, over the 1 MiB limit`);
  writeFileSync(file, text);
  return file;
}

const node = process.execPath;
const name = (pools) => (pools === undefined ? 'default spec' : `${pools} pools x 10 models`);
const specEnv = (pools) => ({ IGW_CONFIG: pools === undefined ? undefined : specFile(pools) });
const outDir = (pools) => join(work, `synth-${pools ?? 'default'}`);

const floor = { label: 'floor', argv: [node, 'scripts/bench-floor.js'] };
/** `node scripts/synth.js` for a spec of `pools` pools, into its own directory. */
const synth = (pools) => ({ label: `synth, ${name(pools)}`, argv: [node, 'scripts/synth.js'], env: { CDK8S_OUTDIR: outDir(pools), ...specEnv(pools) } });
/** `node scripts/run.js validate/cli.ts` over what `synth(pools)` wrote (run that first). */
const validate = (pools) => ({ label: `validate, ${name(pools)}`, argv: [node, 'scripts/run.js', 'validate/cli.ts', outDir(pools)], env: specEnv(pools), okExit: [1] });
const npmSynth = { label: 'npm run synth', argv: ['npm', 'run', '--silent', 'synth'], env: { CDK8S_OUTDIR: join(work, 'npm') } };
const npmValidate = { label: 'npm run validate', argv: ['npm', 'run', '--silent', 'validate', '--', outDir(undefined)] };
const plan = { label: 'plan', argv: [node, 'scripts/run.js', 'plan/cli.ts'] };
const npmTest = { label: 'npm test', argv: ['npm', 'test', '--silent'] };

const rows = [];
const seconds = (value) => `${value.toFixed(3)} s`;
const ratio = (result, what) => `${result.ratio.toFixed(2)}x ${what} (pairs ${result.spread.map((r) => r.toFixed(2)).join('-')})`;

// Specs at the limits, each into a fresh directory (the refused one exits 1 with its problems on stderr).
for (const kind of ['objects', 'adapters', 'refused']) {
  const out = join(work, `limit-${kind}-out`);
  const command = { label: `synth, limit spec (${kind})`, argv: [node, 'scripts/synth.js', limitSpecFile(kind), '--out', out], okExit: kind === 'refused' ? [1] : [] };
  const times = [];
  // One run untimed first: it rebuilds a stale bundle and writes the code cache.
  for (let i = -1; i < Math.max(3, Math.ceil(runs / 2)); i++) {
    rmSync(out, { recursive: true, force: true });
    const seconds = await wall(kind === 'refused' ? { ...command, quiet: true } : command);
    if (i >= 0) times.push(seconds);
  }
  const what = kind === 'refused' ? 'refused' : 'synthesized';
  rows.push([`synth, 1 MiB / count-limit spec (${kind}), ${what}`, seconds(median(times)), `max ${seconds(Math.max(...times))}; goal <= 3 s`]);
}

if (!limitsOnly) {
const synthVsFloor = await pair(synth(), floor);
rows.push(['require cdk8s + cdk8s-plus-30 (floor)', seconds(synthVsFloor.b), '']);
rows.push(['synth, default spec (GitOps bundle included)', seconds(synthVsFloor.a), `${ratio(synthVsFloor, 'floor')}; goal <= 1.5x`]);
// The row above re-synthesizes into a folder that already holds its output, which synth checks and leaves
// alone; a first synth (or one after a spec change) also stages, fsyncs and renames every file.
const freshOut = join(work, 'synth-fresh');
const freshSynth = { label: 'synth, default spec, into an empty folder', argv: ['sh', '-c', 'rm -rf "$1" && exec "$2" scripts/synth.js --out "$1"', 'sh', freshOut, node] };
const freshVsFloor = await pair(freshSynth, floor);
rows.push(['synth, default spec into an empty folder', seconds(freshVsFloor.a), `${ratio(freshVsFloor, 'floor')}; goal <= 1.5x`]);
const largeVsDefault = await pair(synth(20), synth());
rows.push([`synth, ${name(20)}`, seconds(largeVsDefault.a), `${ratio(largeVsDefault, 'default')}; goal <= 3x`]);
// Synth grows linearly with the pools (cdk8s' own synth re-resolves the whole app for every chart, which
// made it quadratic): the time each pool adds above a 1-pool spec, at 50 and 100 pools, against the time
// each adds at 20 pools, both from the medians of the same pairs. Start-up is left out of both, so a
// quadratic term cannot hide behind it.
const onePool = await pair(synth(1), synth(20));
rows.push([`synth, ${name(1)}`, seconds(onePool.a), ratio(onePool, name(20))]);
const perAddedPool = (time, pools) => (time - onePool.a) / (pools - 1);
for (const pools of [50, 100]) {
  const result = await pair(synth(pools), synth(20));
  const growth = perAddedPool(result.a, pools) / perAddedPool(result.b, 20);
  rows.push([`synth, ${name(pools)}`, seconds(result.a), `${(perAddedPool(result.a, pools) * 1000).toFixed(1)} ms each pool adds; ${growth.toFixed(2)}x what each adds at 20 pools; goal <= 3x`]);
}
const npmVsNode = await pair(npmSynth, synth());
rows.push(['npm run synth (adds npm start-up)', seconds(npmVsNode.a), ratio(npmVsNode, 'node scripts/synth.js')]);

// Validate reads synth output: the directories above exist by now; the large one is written here.
await wall(synth(100));
const validateVsFloor = await pair(validate(), floor);
rows.push(['validate, default spec (node scripts/run.js)', seconds(validateVsFloor.a), `${ratio(validateVsFloor, 'floor')}; goal <= 2x`]);
const npmValidateVsFloor = await pair(npmValidate, floor);
rows.push(['npm run validate, default spec', seconds(npmValidateVsFloor.a), ratio(npmValidateVsFloor, 'floor')]);
const validateLarge = await pair(validate(100), validate());
rows.push([`validate, ${name(100)} (spec included)`, seconds(validateLarge.a), ratio(validateLarge, 'default')]);

if (existsSync(join(root, 'plan', 'cli.ts'))) {
  const planTimes = await single(plan, Math.max(3, Math.ceil(runs / 2)));
  rows.push(['Pulumi program under mocks (npm run plan)', seconds(planTimes.median), `min ${seconds(planTimes.min)}, max ${seconds(planTimes.max)}`]);
}
if (testRuns > 0) {
  const testTimes = await single(npmTest, testRuns);
  rows.push([`npm test (${testRuns} runs)`, seconds(testTimes.median), `min ${seconds(testTimes.min)}, max ${seconds(testTimes.max)}`]);
}

}

const width = Math.max(...rows.map((row) => row[0].length));
process.stdout.write(`medians of ${runs} runs after a warm-up (${process.version}, ${cpus().length} cores)\n`);
for (const [what, time, note] of rows) process.stdout.write(`${what.padEnd(width)}  ${time.padStart(9)}  ${note}\n`);
