/** Runs once after the test files: removes the run's temporary directory (see global-setup.ts). */
import { rmSync } from 'node:fs';
import { RUN_TMPDIR_VARIABLE } from './global-setup';

export default function globalTeardown(): void {
  const runDir = process.env[RUN_TMPDIR_VARIABLE];
  if (runDir) rmSync(runDir, { recursive: true, force: true });
}
