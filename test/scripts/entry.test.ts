/** Whatever goes wrong inside a command, the user sees one line and a non-zero exit code, never a stack. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const FIXTURE = 'test/fixtures/failing-entry.ts';

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, ['scripts/run.js', FIXTURE, ...args], { cwd: root, env: { ...process.env, IGW_DEBUG: '', ...env }, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('an exception is one line naming the tool, with exit code 1', () => {
  expect(run(['throw'])).toEqual({ status: 1, stdout: '', stderr: 'failing-entry: internal error: boom (IGW_DEBUG=1 shows the stack)\n' });
});

test('a rejected promise and an exception thrown later are one line too', () => {
  expect(run(['reject']).stderr).toBe('failing-entry: internal error: rejected (IGW_DEBUG=1 shows the stack)\n');
  const later = run(['async-throw']);
  expect(later.status).toBe(1);
  expect(later.stderr).toBe('failing-entry: internal error: thrown later (IGW_DEBUG=1 shows the stack)\n');
});

test('IGW_DEBUG=1 adds the stack', () => {
  const debug = run(['throw'], { IGW_DEBUG: '1' });
  expect(debug.status).toBe(1);
  expect(debug.stderr.split('\n')[0]).toBe('failing-entry: internal error: boom');
  expect(debug.stderr).toMatch(/\n\s+at .+failing-entry/);
});

test('the exit code of main is the exit code of the process', () => {
  expect(run([]).status).toBe(3);
});

test('a reader that goes away early (| head) ends the command quietly', () => {
  const result = spawnSync('sh', ['-c', `"${process.execPath}" scripts/run.js ${FIXTURE} flood | head -c 10 >/dev/null`], { cwd: root, encoding: 'utf8' });
  expect(result.status).toBe(0);
  expect(result.stderr).toBe('');
});

test('run.js without an entry point is a usage error', () => {
  const result = spawnSync(process.execPath, ['scripts/run.js'], { cwd: root, encoding: 'utf8' });
  expect(result.status).toBe(2);
  expect(result.stderr).toBe('usage: node scripts/run.js <entry.ts> [args...]\n');
});

test('an entry point that cannot be bundled is one line too', () => {
  const result = spawnSync(process.execPath, ['scripts/run.js', 'no/such-entry.ts'], { cwd: root, env: { ...process.env, IGW_DEBUG: '' }, encoding: 'utf8' });
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(/^such-entry: internal error: cannot bundle no\/such-entry\.ts: Could not resolve ".+" \(IGW_DEBUG=1 shows the stack\)\n$/);
});
