/**
 * `cdk8s synth` output is deterministic: GitOps diffs show only real changes.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../charts-gen/app';
import { guideSpec } from './helpers';

const directories: string[] = [];

function synthToDisk(): Map<string, string> {
  const directory = mkdtempSync(join(tmpdir(), 'igw-synth-'));
  directories.push(directory);
  buildApp(guideSpec(), directory).synth();
  return new Map(readdirSync(directory).sort().map((file) => [file, readFileSync(join(directory, file), 'utf8')]));
}

afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

describe('synthesizing the defaults twice', () => {
  const first = synthToDisk();
  const second = synthToDisk();

  test('writes one file per chart', () => {
    expect([...first.keys()]).toEqual(['gateway.k8s.yaml', 'metrics-reader.k8s.yaml', 'pool-vllm-llama3-8b-instruct.k8s.yaml']);
  });

  test('writes byte-identical files', () => {
    expect([...second.keys()]).toEqual([...first.keys()]);
    for (const [file, text] of first) expect(second.get(file)).toBe(text);
  });
});
