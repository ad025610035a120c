import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { main } from '../../charts-gen/main';
import { resolveSpec, SpecError } from '../../spec';

export interface SynthRun {
  readonly exitCode: number;
  readonly stderr: string;
  /** File name -> content of the output directory after the run. */
  readonly output: Readonly<Record<string, string>>;
}

/** The directory's files by name; a folder (synth's crds/) is `<dir>`, not looked into. */
export function snapshotDirectory(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((entry) => [entry.name, entry.isDirectory() ? '<dir>' : readFileSync(join(dir, entry.name), 'utf8')]),
  );
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

/**
 * The SpecError problems `action` throws, as `path: message` lines in report order; none when it returns.
 * Anything but a SpecError (a crash in a rule) fails the test.
 */
export function specErrorLines(action: () => unknown): string[] {
  try {
    action();
  } catch (error) {
    if (error instanceof SpecError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  return [];
}

/** The problems `resolveSpec` reports for a document, as `path: message` lines in report order; none when accepted. */
export function specProblems(document: unknown): string[] {
  return specErrorLines(() => resolveSpec(document, 'spec.yaml'));
}

/**
 * The problems `resolveSpec` reports for a document. Fails the test when the document is accepted, or when
 * it throws anything but a SpecError (a crash in a rule).
 */
export function specIssues(document: unknown): string[] {
  const problems = specProblems(document);
  if (problems.length === 0) throw new Error('the spec was accepted');
  return problems;
}
