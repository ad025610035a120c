/**
 * The CI workflow files pass GitHub's own workflow parser (@actions/workflow-parser, what the Actions
 * service runs before it accepts a workflow), offline; and the check is shown to fail on broken files.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = join(__dirname, '..', '..');
const WORKFLOW = join(root, '.github', 'workflows', 'pulumi-preview.yml');

function check(...files: string[]) {
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'check-workflows.mjs'), ...files], { cwd: root, encoding: 'utf8' });
  return { status: result.status, lines: `${result.stdout}${result.stderr}`.trim().split('\n') };
}

test('the workflow files are valid', () => {
  expect(check()).toEqual({ status: 0, lines: ['1 workflow file(s), no problems'] });
});

test.each([
  ['a misspelt key', (text: string) => text.replace('timeout-minutes: 30', 'timeout-minute: 30'), /Unexpected value 'timeout-minute'/],
  ['a broken expression', (text: string) => text.replace('${{ vars.PULUMI_STACK }}', '${{ vars.PULUMI_STACK( }}'), /Unexpected symbol/],
  ['a bad cron', (text: string) => text.replace("'17 6 * * *'", "'17 25 * * *'"), /Invalid cron expression/],
])('the check fails on %s', (_, edit, message) => {
  const broken = join(mkdtempSync(join(tmpdir(), 'igw-workflow-')), 'broken.yml');
  const text = readFileSync(WORKFLOW, 'utf8');
  expect(edit(text)).not.toBe(text);
  writeFileSync(broken, edit(text));
  const result = check(broken);
  expect(result.status).toBe(1);
  expect(result.lines.some((line) => message.test(line))).toBe(true);
});

describe('what the workflow does', () => {
  const workflow = parse(readFileSync(WORKFLOW, 'utf8')) as {
    on: Record<string, unknown>;
    jobs: Record<string, { if: string; permissions?: Record<string, string>; steps: { uses?: string; run?: string; with?: Record<string, unknown> }[] }>;
  };
  const pulumi = (job: string) => workflow.jobs[job].steps.find((step) => step.uses?.startsWith('pulumi/actions@'))?.with;

  test('pull requests get pulumi preview --diff, saved as an update plan; a schedule runs preview --expect-no-changes with refresh', () => {
    expect(Object.keys(workflow.on)).toEqual(['pull_request', 'schedule', 'workflow_dispatch']);
    expect(pulumi('preview')).toMatchObject({ command: 'preview', diff: true, plan: 'plan.json' });
    expect(workflow.jobs.preview.if).toBe("github.event_name == 'pull_request'");
    expect(pulumi('drift')).toMatchObject({ command: 'preview', 'expect-no-changes': true, refresh: true });
    expect(workflow.jobs.drift.if).toContain("github.event_name == 'schedule'");
  });

  test('Google Cloud access is Workload Identity Federation (an id-token, no key), only in the jobs that need it', () => {
    for (const job of ['preview', 'drift']) {
      expect(workflow.jobs[job].permissions?.['id-token']).toBe('write');
      const auth = workflow.jobs[job].steps.find((step) => step.uses?.startsWith('google-github-actions/auth@'));
      expect(Object.keys(auth?.with ?? {}).sort()).toEqual(['service_account', 'workload_identity_provider']);
    }
    expect(workflow.jobs.offline.permissions).toBeUndefined();
    expect(readFileSync(WORKFLOW, 'utf8')).not.toMatch(/credentials_json|GOOGLE_APPLICATION_CREDENTIALS/);
    // Pulumi's credentials reach only the jobs that talk to the stack, never the one running npm ci and the tests.
    const raw = parse(readFileSync(WORKFLOW, 'utf8')) as { env?: Record<string, string>; jobs: Record<string, { env?: Record<string, string> }> };
    expect(Object.keys(raw.env ?? {})).not.toContain('PULUMI_ACCESS_TOKEN');
    expect(Object.keys(raw.env ?? {})).not.toContain('PULUMI_CONFIG_PASSPHRASE');
    expect(raw.jobs.offline.env).toBeUndefined();
    for (const job of ['preview', 'drift']) expect(Object.keys(raw.jobs[job].env ?? {})).toEqual(['PULUMI_ACCESS_TOKEN', 'PULUMI_CONFIG_PASSPHRASE']);
  });

  test('the offline job runs both tiers of the tests and fails on a blocked row of the offline plan', () => {
    const runs = workflow.jobs.offline.steps.map((step) => step.run ?? '').join('\n');
    expect(runs).toContain('npm test');
    expect(runs).toContain('npm run test:processes');
    expect(runs).toMatch(/npm run --silent plan -- --stack "\$STACK" --compare-stack "base-\$STACK" --json/);
    // A failed read of the base branch fails the step; a plan that fails fails it through the pipe too.
    expect(runs).toContain('set -euo pipefail');
    expect(runs).toContain('git cat-file -e');
    // The base stack reads the base branch's spec file, not the pull request's.
    expect(runs).toMatch(/git show "origin\/\$BASE_REF:\$BASE_SPEC" > base-spec\.yaml/);
    expect(runs).toContain('row.blocked');
  });
});

/**
 * The offline plan step, run by bash in a real Git repository with a base branch, `npm` replaced by a
 * script that records its arguments: what the step reads from the base branch is what the plan compares.
 */
describe('the offline plan step, run', () => {
  const workflow = parse(readFileSync(WORKFLOW, 'utf8')) as { jobs: Record<string, { steps: { name?: string; run?: string }[] }> };
  const step = workflow.jobs.offline.steps.find((candidate) => candidate.name === "offline plan of the stack file's change")?.run ?? '';

  function runStep(files: { base: Record<string, string>; head: Record<string, string> }, stack: string) {
    const repo = mkdtempSync(join(tmpdir(), 'igw-workflow-run-'));
    const git = (...args: string[]) => spawnSync('git', args, { cwd: repo, encoding: 'utf8' });
    const commit = (tree: Record<string, string>, message: string) => {
      for (const [name, text] of Object.entries(tree)) writeFileSync(join(repo, name), text);
      git('add', '-A');
      git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', message);
    };
    git('init', '-q', '-b', 'main');
    commit(files.base, 'base');
    git('update-ref', 'refs/remotes/origin/main', 'HEAD');
    commit(files.head, 'head');
    const bin = join(repo, 'bin');
    mkdirSync(bin);
    // The plan is replaced: it prints its arguments, and --json writes no blocked row.
    writeFileSync(join(bin, 'npm'), '#!/bin/sh\nfor a in "$@"; do case "$a" in --json) echo "[]"; exit 0;; esac; done\necho "plan $*"\n', { mode: 0o755 });
    const summary = join(repo, 'summary.md');
    const result = spawnSync('bash', ['-c', step], {
      cwd: repo,
      encoding: 'utf8',
      env: { PATH: `${bin}:${process.env.PATH}`, NODE_PATH: join(root, 'node_modules'), BASE_REF: 'main', PULUMI_STACK: stack, GITHUB_STEP_SUMMARY: summary, HOME: repo },
    });
    const read = (name: string) => (existsSync(join(repo, name)) ? readFileSync(join(repo, name), 'utf8') : undefined);
    return { status: result.status, output: `${result.stdout}${result.stderr}`, read };
  }

  test('a specFile stack is compared with the base branch spec file, under the last part of a qualified stack name', () => {
    const stackFile = 'config:\n  gcp:project: p\n  inference-gateway:specFile: spec.yaml\n';
    const ran = runStep({ base: { 'Pulumi.prod.yaml': stackFile, 'spec.yaml': 'namespace: old\n' }, head: { 'spec.yaml': 'namespace: new\n' } }, 'acme/prod');
    expect(ran.status).toBe(0);
    expect(ran.read('base-spec.yaml')).toBe('namespace: old\n');
    expect(ran.read('Pulumi.base-prod.yaml')).toContain('inference-gateway:specFile: base-spec.yaml');
    expect(ran.read('summary.md')).toBe('```text\nplan run --silent plan -- --stack prod --compare-stack base-prod\n```\n');
  });

  test('a stack file new in the pull request has nothing to compare; a spec file the base stack names but cannot be read fails the step', () => {
    const fresh = runStep({ base: { 'README.md': 'x\n' }, head: { 'Pulumi.prod.yaml': 'config: {}\n' } }, 'prod');
    expect(fresh.status).toBe(0);
    expect(fresh.read('summary.md')).toBe('Pulumi.prod.yaml is new in this pull request: nothing to compare\n');
    const broken = runStep({ base: { 'Pulumi.prod.yaml': 'config:\n  inference-gateway:specFile: gone.yaml\n' }, head: { 'x.txt': 'x\n' } }, 'prod');
    expect(broken.status).not.toBe(0);
  });
});
