/**
 * The real synth, as a child process, never destroys a file it did not write, whatever the output
 * directory is; and killed at any step of publishing, it leaves every file complete, and the old output
 * untouched up to its commit point; the next run finishes the job and leaves no litter.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, inParallel, root, runTool, snapshot, STACK_LINE, type ProcessResult } from './helpers';

const RECORD = '.inference-gateway-synth';
const OWN = `${RECORD}.`;
const work = mkdtempSync(join(tmpdir(), 'igw-outdir-'));
const NEW_SPEC = join(work, 'new-spec.yaml');
/** Every output file differs from the default output, one is new (pool-solo) and one goes (the guide's pool). */
writeFileSync(NEW_SPEC, 'namespace: llm\npools:\n  - name: solo\n');
const FOREIGN = {
  'README.md': '# my GitOps folder\n',
  OWNERS: 'team-a\n',
  'notes/keep.txt': 'mine\n',
};

let oldOutput: Record<string, string>;
let newOutput: Record<string, string>;

function dirWith(name: string, files: Record<string, string>): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

const withoutOwnBookkeeping = (entries: Record<string, string>) =>
  Object.fromEntries(Object.entries(entries).filter(([path]) => !path.split('/').some((part) => part.startsWith(OWN))));

/** Recreates a snapshot's files and folders in `dir` (snapshot() names a folder `<dir mode>`). */
function restore(dir: string, entries: Record<string, string>): void {
  for (const [path, bytes] of Object.entries(entries)) {
    if (bytes.startsWith('<dir ')) mkdirSync(join(dir, path), { recursive: true });
    else writeFileSync(join(dir, path), Buffer.from(bytes, 'base64'));
  }
}
const foreignSnapshot = () => snapshot(dirWith(`foreign-${Math.random()}`, FOREIGN));

function expectCleanFailure(run: ProcessResult, message: RegExp): void {
  expect(run.status).toBe(1);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).toMatch(/Nothing was written to .+\/\.\n$/);
  expect(run.stderr).not.toMatch(STACK_LINE);
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeAll(async () => {
  const [oldDir, newDir] = [join(work, 'reference-old'), join(work, 'reference-new')];
  const runs = await Promise.all([runTool('synth', ['--out', oldDir]), runTool('synth', [NEW_SPEC, '--out', newDir])]);
  for (const run of runs) expect(run.status).toBe(0);
  oldOutput = snapshot(oldDir);
  newOutput = snapshot(newDir);
  expect(Object.keys(newOutput)).toEqual([
    RECORD,
    'crds',
    `crds/${RECORD}`,
    'crds/inferencemodels.inference.networking.x-k8s.io.yaml',
    'crds/inferencepools.inference.networking.x-k8s.io.yaml',
    'crds/kustomization.yaml',
    'gateway.k8s.yaml',
    'kustomization.yaml',
    'metrics-reader.k8s.yaml',
    'namespace.k8s.yaml',
    'pool-solo.k8s.yaml',
  ]);
});

describe('synth never touches what it did not write', () => {
  test('a folder with other files keeps them all, byte for byte', async () => {
    const dir = dirWith('gitops-folder', FOREIGN);
    const run = await runTool('synth', ['--out', dir]);
    expect(run.status).toBe(0);
    expect(snapshot(dir)).toEqual({ ...foreignSnapshot(), ...oldOutput });
  });

  test('`.` as the output directory writes beside the files there and touches none of them', async () => {
    const dir = dirWith('dot', FOREIGN);
    const run = await runTool('synth', ['--out', '.'], { cwd: dir });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('wrote ./gateway.k8s.yaml');
    expect(snapshot(dir)).toEqual({ ...foreignSnapshot(), ...oldOutput });
  });

  test('a regular file as the output directory is refused and left as it was', async () => {
    const dir = dirWith('file-as-outdir', { 'out.yaml': 'not a directory\n' });
    const before = snapshot(dir);
    expectCleanFailure(await runTool('synth', ['--out', join(dir, 'out.yaml')]), /out\.yaml: is a regular file, not a directory; name a directory for the output\n/);
    expect(snapshot(dir)).toEqual(before);
  });

  test('a symlink to a folder is written through and kept as a symlink', async () => {
    const target = dirWith('link-target', FOREIGN);
    const holder = dirWith('link-holder', {});
    symlinkSync(target, join(holder, 'dist'));
    const run = await runTool('synth', ['--out', join(holder, 'dist')]);
    expect(run.status).toBe(0);
    expect(snapshot(holder)).toEqual({ dist: `<symlink to ${target}>` });
    expect(snapshot(target)).toEqual({ ...foreignSnapshot(), ...oldOutput });
  });

  test('a user file named like one synth writes is an error naming it, and nothing is written', async () => {
    const dir = dirWith('collision', { ...FOREIGN, 'gateway.k8s.yaml': 'kind: MyOwnGateway\n' });
    const before = snapshot(dir);
    expectCleanFailure(await runTool('synth', ['--out', dir]), /collision\/gateway\.k8s\.yaml: exists and was not written by synth; move it away/);
    expect(snapshot(dir)).toEqual(before);
  });

  test('a symlink named like a file synth writes is refused; neither the link nor its target changes', async () => {
    const dir = dirWith('symlinked-file', {});
    const precious = join(work, 'precious.txt');
    writeFileSync(precious, 'precious\n');
    symlinkSync(precious, join(dir, 'gateway.k8s.yaml'));
    expectCleanFailure(await runTool('synth', ['--out', dir]), /gateway\.k8s\.yaml: is a symbolic link; synth writes only regular files/);
    expect(snapshot(dir)).toEqual({ 'gateway.k8s.yaml': `<symlink to ${precious}>` });
    expect(readFileSync(precious, 'utf8')).toBe('precious\n');
  });

  test('a generated file edited by hand is not overwritten: the run stops and names it', async () => {
    const dir = join(work, 'edited');
    expect((await runTool('synth', ['--out', dir])).status).toBe(0);
    writeFileSync(join(dir, 'gateway.k8s.yaml'), `${readFileSync(join(dir, 'gateway.k8s.yaml'), 'utf8')}# hand edit\n`);
    const before = snapshot(dir);
    expectCleanFailure(await runTool('synth', [NEW_SPEC, '--out', dir]), /edited\/gateway\.k8s\.yaml: changed since synth wrote it/);
    expect(snapshot(dir)).toEqual(before);
  });

  test('a record that names a path outside the directory is not trusted', async () => {
    const dir = dirWith('tampered', { [RECORD]: JSON.stringify({ tool: 'inference-gateway', format: 1, toolVersion: '0', files: { '../outside.txt': 'a'.repeat(64) }, spec: {} }) });
    writeFileSync(join(work, 'outside.txt'), 'outside\n');
    const before = snapshot(dir);
    expectCleanFailure(await runTool('synth', ['--out', dir]), /tampered\/\.inference-gateway-synth: is not a record synth can use/);
    expect(snapshot(dir)).toEqual(before);
    expect(readFileSync(join(work, 'outside.txt'), 'utf8')).toBe('outside\n');
  });

  test("output of a synth that kept no record is adopted when it is byte-identical, so upgrading needs no cleanup", async () => {
    const dir = dirWith('legacy', FOREIGN);
    for (const file of ['gateway.k8s.yaml', 'metrics-reader.k8s.yaml', 'pool-vllm-llama3-8b-instruct.k8s.yaml']) {
      writeFileSync(join(dir, file), Buffer.from(oldOutput[file], 'base64'));
    }
    const run = await runTool('synth', ['--out', dir]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`unchanged ${dir}/gateway.k8s.yaml`);
    expect(snapshot(dir)).toEqual({ ...foreignSnapshot(), ...oldOutput });
  });

  test('a new spec replaces its own files and removes the one it no longer produces, and only those', async () => {
    const dir = dirWith('replace', FOREIGN);
    expect((await runTool('synth', ['--out', dir])).status).toBe(0);
    const run = await runTool('synth', [NEW_SPEC, '--out', dir]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`removed ${dir}/pool-vllm-llama3-8b-instruct.k8s.yaml (no longer produced by the spec)`);
    expect(snapshot(dir)).toEqual({ ...foreignSnapshot(), ...newOutput });
  });

  test('a second synth into the same directory while one is running is refused; the next run cleans up after a killed one', async () => {
    const dir = dirWith('locked', FOREIGN);
    // The first run stops itself at "staged"; the test holds it there while a second run tries.
    const first = spawn(process.execPath, [join(root, 'scripts', 'synth.js'), '--out', dir], { env: cleanEnv({ IGW_SYNTH_TEST_PAUSE: 'staged' }), stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve) => first.stderr.on('data', (chunk: Buffer) => chunk.toString().includes('paused at staged') && resolve()));
    try {
      const second = await runTool('synth', ['--out', dir]);
      expectCleanFailure(second, new RegExp(`locked/crds: another synth \\(process ${first.pid}\\) is writing here`));
    } finally {
      first.kill('SIGKILL');
      await new Promise((resolve) => first.on('close', resolve));
    }
    const third = await runTool('synth', ['--out', dir]);
    expect(third.status).toBe(0);
    expect(snapshot(dir)).toEqual({ ...foreignSnapshot(), ...oldOutput });
  });
});

describe('killed while publishing', () => {
  const STEPS = ['staged', 'committed', 'renamed', 'removed', 'recorded'] as const;
  const GENERATED = [
    'gateway.k8s.yaml',
    'metrics-reader.k8s.yaml',
    'pool-solo.k8s.yaml',
    'pool-vllm-llama3-8b-instruct.k8s.yaml',
    'namespace.k8s.yaml',
    'kustomization.yaml',
    RECORD,
    'crds/inferencemodels.inference.networking.x-k8s.io.yaml',
    'crds/inferencepools.inference.networking.x-k8s.io.yaml',
    'crds/kustomization.yaml',
    `crds/${RECORD}`,
  ];

  interface Outcome {
    readonly step: string;
    readonly killed: ProcessResult;
    readonly afterKill: Record<string, string>;
    readonly validate: ProcessResult;
    readonly next: ProcessResult;
    readonly afterNext: Record<string, string>;
  }
  let outcomes: Outcome[];

  beforeAll(async () => {
    outcomes = await inParallel(
      STEPS.map((step) => async () => {
        const dir = join(work, `kill-at-${step}`);
        cpSync(dirWith(`kill-source-${step}`, FOREIGN), dir, { recursive: true });
        restore(dir, oldOutput);
        const killed = await runTool('synth', [NEW_SPEC, '--out', dir], { killAt: step });
        const afterKill = snapshot(dir);
        const validate = await runTool('validate', [dir]);
        const next = await runTool('synth', [NEW_SPEC, '--out', dir]);
        return { step, killed, afterKill, validate, next, afterNext: snapshot(dir) };
      }),
      3,
    );
  }, 60_000);

  test.each(STEPS)('at %s: the process was killed there', (step) => {
    const outcome = outcomes.find((o) => o.step === step) as Outcome;
    expect(outcome.killed.signal).toBe('SIGKILL');
    expect(outcome.killed.stderr).toContain(`synth: paused at ${step}\n`);
  });

  test.each(STEPS)('at %s: every file is complete (old or new bytes) and the foreign files are untouched', (step) => {
    const { afterKill } = outcomes.find((o) => o.step === step) as Outcome;
    for (const file of GENERATED) {
      if (afterKill[file] === undefined) continue;
      expect([oldOutput[file], newOutput[file]]).toContainEqual(afterKill[file]);
    }
    const foreign = foreignSnapshot();
    for (const [path, bytes] of Object.entries(foreign)) expect(afterKill[path]).toBe(bytes);
  });

  test('before the commit point, the old output is byte-identical (only synth-prefixed bookkeeping was added)', () => {
    const { afterKill } = outcomes.find((o) => o.step === 'staged') as Outcome;
    expect(withoutOwnBookkeeping(afterKill)).toEqual({ ...foreignSnapshot(), ...oldOutput });
  });

  test.each(STEPS.filter((step) => step !== 'staged'))('at %s: validate refuses the half-updated directory with one line', (step) => {
    const { validate } = outcomes.find((o) => o.step === step) as Outcome;
    expect(validate.status).toBe(1);
    expect(validate.stderr).toMatch(/^.+: a synth was interrupted while writing here and its files are part old, part new; run npm run synth -- --out .+ to finish it, then validate\n$/);
  });

  test.each(STEPS)('at %s: the next run completes the new output and leaves no bookkeeping behind', (step) => {
    const { next, afterNext } = outcomes.find((o) => o.step === step) as Outcome;
    expect(next.status).toBe(0);
    if (step !== 'staged') expect(next.stdout).toMatch(/^finished the synth that was interrupted earlier in /);
    expect(afterNext).toEqual({ ...foreignSnapshot(), ...newOutput });
  });

  test('a run killed while finishing an interrupted one is finished by the run after it', async () => {
    const dir = join(work, 'kill-twice');
    cpSync(dirWith('kill-twice-source', FOREIGN), dir, { recursive: true });
    restore(dir, oldOutput);
    expect((await runTool('synth', [NEW_SPEC, '--out', dir], { killAt: 'committed' })).signal).toBe('SIGKILL');
    // This run rolls the journal forward first, and is killed after its first rename.
    const recovering = await runTool('synth', [NEW_SPEC, '--out', dir], { killAt: 'renamed' });
    expect(recovering.signal).toBe('SIGKILL');
    const third = await runTool('synth', [NEW_SPEC, '--out', dir]);
    expect(third.status).toBe(0);
    expect(snapshot(dir)).toEqual({ ...foreignSnapshot(), ...newOutput });
  });
});
