import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { main } from '../../charts-gen/main';

export interface SynthRun {
  readonly exitCode: number;
  readonly stderr: string;
  /** File name -> content of the output directory after the run. */
  readonly output: Readonly<Record<string, string>>;
}

export function snapshotDirectory(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((file) => [file, readFileSync(join(dir, file), 'utf8')]));
}

/**
 * Runs the synth entry point in-process, as `npm run synth` would, with a spec file written from
 * `document` (a string is written as is) and an output directory that already holds `previous`.
 */
export function runSynth(document: unknown, previous: Record<string, string> = { 'marker.k8s.yaml': 'kind: Marker\n' }): SynthRun {
  const work = mkdtempSync(join(tmpdir(), 'igw-spec-'));
  const specFile = join(work, 'spec.yaml');
  writeFileSync(specFile, typeof document === 'string' ? document : stringify(document));
  const outdir = join(work, 'dist');
  mkdirSync(outdir);
  for (const [file, content] of Object.entries(previous)) writeFileSync(join(outdir, file), content);

  let stderr = '';
  const exitCode = main([], {
    out: () => undefined,
    err: (line) => {
      stderr += `${line}\n`;
    },
    env: { ...process.env, IGW_CONFIG: specFile, CDK8S_OUTDIR: outdir },
  });
  return { exitCode, stderr, output: snapshotDirectory(outdir) };
}

/** A one-pool document that overrides fields of the guide's pool. */
export function guidePool(overrides: Record<string, unknown>): Record<string, unknown> {
  return { pools: [{ name: 'vllm-llama3-8b-instruct', ...overrides }] };
}
