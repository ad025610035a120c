/**
 * The CI workflow files pass GitHub's own workflow parser (@actions/workflow-parser, what the Actions
 * service runs before it accepts a workflow), offline; and the check is shown to fail on broken files.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
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
  });

  test('the offline job runs both tiers of the tests and fails on a blocked row of the offline plan', () => {
    const runs = workflow.jobs.offline.steps.map((step) => step.run ?? '').join('\n');
    expect(runs).toContain('npm test');
    expect(runs).toContain('npm run test:processes');
    expect(runs).toMatch(/npm run --silent plan -- --stack "\$PULUMI_STACK" --compare-stack "base-\$PULUMI_STACK" --json/);
    expect(runs).toContain('row.blocked');
  });
});
