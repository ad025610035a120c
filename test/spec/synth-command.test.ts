/** The real `npm run synth` process: exit codes and messages as a user sees them. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

function synth(specText: string | undefined): { status: number | null; stderr: string; files: string[] } {
  const work = mkdtempSync(join(tmpdir(), 'igw-cmd-'));
  const env: NodeJS.ProcessEnv = { ...process.env, CDK8S_OUTDIR: join(work, 'dist') };
  delete env.IGW_CONFIG;
  if (specText !== undefined) {
    writeFileSync(join(work, 'spec.yaml'), specText);
    env.IGW_CONFIG = join(work, 'spec.yaml');
  }
  const result = spawnSync(process.execPath, ['scripts/synth.js'], { cwd: root, env, encoding: 'utf8' });
  const files = readdirSync(work).includes('dist') ? readdirSync(join(work, 'dist')).sort() : [];
  return { status: result.status, stderr: result.stderr, files };
}

describe('node scripts/synth.js', () => {
  test('exits 0 and writes one file per chart for the defaults', () => {
    const run = synth(undefined);
    expect(run.status).toBe(0);
    expect(run.files).toEqual(['gateway.k8s.yaml', 'metrics-reader.k8s.yaml', 'pool-vllm-llama3-8b-instruct.k8s.yaml']);
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
  test('runs the same app through the cdk8s CLI', () => {
    const out = mkdtempSync(join(tmpdir(), 'igw-cli-'));
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.IGW_CONFIG;
    const result = spawnSync(join(root, 'node_modules', '.bin', 'cdk8s'), ['synth', '--no-check-upgrade', '--output', out], { cwd: root, env, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['gateway.k8s.yaml', 'metrics-reader.k8s.yaml', 'pool-vllm-llama3-8b-instruct.k8s.yaml']);
  });
});
