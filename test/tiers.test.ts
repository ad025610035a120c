/**
 * test/tiers.js splits the suites into `npm test` and `npm run test:processes` by one rule: a suite that
 * starts child processes belongs to the second. This holds the list to the rule both ways, so a new
 * suite that starts processes cannot slow `npm test` unnoticed, and the list names no suite that is gone.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- test/tiers.js is CommonJS, read by jest's configs
const { PROCESS_SUITES } = require('./tiers.js') as { PROCESS_SUITES: string[] };

const root = join(__dirname, '..');

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [relative(root, path)] : [];
  });
}

/** Node's process module (imported or required, with or without `node:`), or test/safety's runTool. */
const STARTS_PROCESSES = /child_process|\brunTool\(/;

test('exactly the suites that start child processes are in the processes tier', () => {
  const starting = testFiles(join(root, 'test'))
    // This file names the pattern without starting anything.
    .filter((file) => file !== relative(root, __filename))
    .filter((file) => STARTS_PROCESSES.test(readFileSync(join(root, file), 'utf8')))
    .sort();
  expect(starting.length).toBeGreaterThan(5);
  expect([...PROCESS_SUITES].sort()).toEqual(starting);
});

test('CI runs both tiers', () => {
  const commands = readFileSync(join(root, '.ci', 'run'), 'utf8').split('\n').map((line) => line.trim());
  expect(commands).toContain('npm test');
  expect(commands).toContain('npm run test:processes');
});
