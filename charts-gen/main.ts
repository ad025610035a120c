/**
 * The cdk8s app: reads the spec named by IGW_CONFIG (or the defaults) and writes one YAML file per chart.
 * Output is synthesized into a temporary directory first and swapped in only when complete, so a bad spec
 * or a failed run never leaves dist/ half-written.
 */
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { dirname, basename, join, resolve } from 'node:path';
import { loadSpecFromEnvironment, SpecError } from '../spec';
import { buildApp } from './app';

export function synthesize(outdir: string): void {
  const spec = loadSpecFromEnvironment();
  const target = resolve(outdir);
  mkdirSync(dirname(target), { recursive: true });
  const staging = mkdtempSync(join(dirname(target), `.${basename(target)}-`));
  try {
    buildApp(spec, staging).synth();
    const previous = `${staging}.previous`;
    if (existsSync(target)) renameSync(target, previous);
    renameSync(staging, target);
    rmSync(previous, { recursive: true, force: true });
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

export function main(): number {
  const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
  try {
    synthesize(outdir);
    return 0;
  } catch (error) {
    if (error instanceof SpecError) {
      process.stderr.write(`${error.message}\nNothing was written to ${outdir}/.\n`);
      return 1;
    }
    throw error;
  }
}
