/** The real `npm run synth` process: exit codes and messages as a user sees them. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
/** The default (v0.3.0) profile's CRDs, one file each in crds/. */
const CRD_FILES = ['inferencemodels.inference.networking.x-k8s.io.yaml', 'inferencepools.inference.networking.x-k8s.io.yaml'];

function synth(specText: string | undefined): { status: number | null; stdout: string; stderr: string; files: string[]; dir: string } {
  const work = mkdtempSync(join(tmpdir(), 'igw-cmd-'));
  const env: NodeJS.ProcessEnv = { ...process.env, CDK8S_OUTDIR: join(work, 'dist') };
  delete env.IGW_CONFIG;
  if (specText !== undefined) {
    writeFileSync(join(work, 'spec.yaml'), specText);
    env.IGW_CONFIG = join(work, 'spec.yaml');
  }
  const result = spawnSync(process.execPath, ['scripts/synth.js'], { cwd: root, env, encoding: 'utf8' });
  const files = readdirSync(work).includes('dist') ? readdirSync(join(work, 'dist')).sort() : [];
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, files, dir: join(work, 'dist') };
}

describe('node scripts/synth.js', () => {
  test('exits 0, writes one file per chart, the CRD folder, the kustomization and its record for the defaults, and lists what it wrote', () => {
    const run = synth(undefined);
    expect(run.status).toBe(0);
    expect(run.files).toEqual(['.inference-gateway-synth', 'crds', 'gateway.k8s.yaml', 'kustomization.yaml', 'metrics-reader.k8s.yaml', 'pool-vllm-llama3-8b-instruct.k8s.yaml']);
    expect(readdirSync(join(run.dir, 'crds')).sort()).toEqual(['.inference-gateway-synth', ...CRD_FILES, 'kustomization.yaml']);
    expect(run.stdout.trimEnd().split('\n')).toEqual(
      [...[...CRD_FILES, 'kustomization.yaml'].map((file) => `crds/${file}`), 'gateway.k8s.yaml', 'kustomization.yaml', 'metrics-reader.k8s.yaml', 'pool-vllm-llama3-8b-instruct.k8s.yaml'].map(
        (file) => `wrote ${run.dir}/${file}`,
      ),
    );
  });

  test("a kustomization.yaml of the user's in the output folder is refused, named, and nothing is written", () => {
    const work = mkdtempSync(join(tmpdir(), 'igw-cmd-own-kustomization-'));
    mkdirSync(join(work, 'dist'));
    writeFileSync(join(work, 'dist', 'kustomization.yaml'), 'resources: [mine.yaml]\n');
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.IGW_CONFIG;
    const result = spawnSync(process.execPath, ['scripts/synth.js', '--out', join(work, 'dist')], { cwd: root, env, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${join(work, 'dist')}/kustomization.yaml: exists and was not written by synth; move it away or choose another output directory`);
    expect(readdirSync(join(work, 'dist'))).toEqual(['kustomization.yaml']);
    expect(readFileSync(join(work, 'dist', 'kustomization.yaml'), 'utf8')).toBe('resources: [mine.yaml]\n');
  });

  test('exits 1 on a bad spec, names the field, prints no stack trace and writes nothing', () => {
    const run = synth('pools:\n  - name: vllm-llama3-8b-instruct\n    modelServer: { replicas: -1 }\n');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('pools[0].modelServer.replicas: must be an integer from 0 to 1000, got -1');
    expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(run.files).toEqual([]);
  });
});

describe('npx cdk8s synth', () => {
  const cdk8s = join(root, 'node_modules', '.bin', 'cdk8s');
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.IGW_CONFIG;
  delete env.CDK8S_OUTDIR;

  test('runs the same app through the cdk8s CLI', () => {
    const out = mkdtempSync(join(tmpdir(), 'igw-cli-'));
    const result = spawnSync(cdk8s, ['synth', '--no-check-upgrade', '--output', out], { cwd: root, env, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['.inference-gateway-synth', 'crds', 'gateway.k8s.yaml', 'kustomization.yaml', 'metrics-reader.k8s.yaml', 'pool-vllm-llama3-8b-instruct.k8s.yaml']);
  });

  test("writes dist/ without deleting it: the CLI's own deletion only reaches the scratch directory", () => {
    // A project directory with our cdk8s.yaml, its app pointed at this checkout's synth, and a dist/ that
    // already holds a user's file. The CLI reads cdk8s.yaml from its working directory.
    const project = mkdtempSync(join(tmpdir(), 'igw-cli-project-'));
    const config = readFileSync(join(root, 'cdk8s.yaml'), 'utf8');
    expect(config).toMatch(/^app: node scripts\/synth\.js --cdk8s-cli$/m);
    expect(config).toMatch(/^output: \.cdk8s-cli-out$/m);
    writeFileSync(join(project, 'cdk8s.yaml'), config.replace('node scripts/synth.js', `node ${join(root, 'scripts', 'synth.js')}`));
    mkdirSync(join(project, 'dist'));
    writeFileSync(join(project, 'dist', 'README.md'), '# mine\n');

    const result = spawnSync(cdk8s, ['synth', '--no-check-upgrade'], { cwd: project, env, encoding: 'utf8' });

    expect(result.status).toBe(0);
    const charts = ['gateway.k8s.yaml', 'kustomization.yaml', 'metrics-reader.k8s.yaml', 'pool-vllm-llama3-8b-instruct.k8s.yaml'];
    expect(readdirSync(join(project, 'dist')).sort()).toEqual(['.inference-gateway-synth', 'README.md', 'crds', ...charts]);
    expect(readFileSync(join(project, 'dist', 'README.md'), 'utf8')).toBe('# mine\n');
    // The scratch directory the CLI lists holds byte-identical copies.
    expect(readdirSync(join(project, '.cdk8s-cli-out')).sort()).toEqual(['crds', ...charts]);
    for (const file of [...charts, ...CRD_FILES.map((name) => `crds/${name}`)]) expect(readFileSync(join(project, '.cdk8s-cli-out', file))).toEqual(readFileSync(join(project, 'dist', file)));
    expect(result.stderr).toContain('wrote dist/gateway.k8s.yaml');
  });
});
