/**
 * Runs once before the test files.
 *
 * 1. Gives the run a temporary directory of its own and points TMPDIR at it, so every temporary file or
 *    directory a test, cdk8s (`cdk8s.outdir.*`) or a child process makes lands there; global-teardown.ts
 *    removes it whole. Workers and child processes inherit TMPDIR from this process. A run killed before its
 *    teardown leaves its directory; the next run removes it (the directory names the pid of its run).
 * 2. Reads the committed schema bundle (schemas/bundle.json), which the tests validate against: no
 *    network and no ../shared needed. A bundle that no longer matches validate/pinned-schemas.ts stops the
 *    run with one line naming the command that regenerates it, instead of hundreds of failing tests.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSchemaBundle } from '../validate/schema-bundle';
import { SchemaSourceError } from '../validate/schema-source';

/** The variable that holds the run's temporary directory, for the teardown. */
export const RUN_TMPDIR_VARIABLE = 'IGW_TEST_RUN_TMPDIR';

const RUN_DIR_PREFIX = 'igw-test-run-';

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Run directories of earlier runs that were killed before their teardown (their process is gone). */
function removeAbandonedRunDirs(): void {
  for (const name of readdirSync(tmpdir())) {
    const match = new RegExp(`^${RUN_DIR_PREFIX}(\\d+)-`).exec(name);
    if (match && !processIsAlive(Number(match[1]))) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

export default function globalSetup(): void {
  removeAbandonedRunDirs();
  const runDir = mkdtempSync(join(tmpdir(), `${RUN_DIR_PREFIX}${process.pid}-`));
  // As open as /tmp itself (sticky, writable by all): some rows run as an unprivileged user.
  chmodSync(runDir, 0o1777);
  process.env[RUN_TMPDIR_VARIABLE] = runDir;
  process.env.TMPDIR = runDir;
  try {
    readSchemaBundle();
  } catch (error) {
    if (!(error instanceof SchemaSourceError)) throw error;
    process.stderr.write(`\nnpm test: ${error.message.split('\n')[0]}\n`);
    process.exit(1);
  }
}
