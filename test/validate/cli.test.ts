import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../charts-gen/app';
import { synthesize } from '../../charts-gen/main';
import { loadSpecFile } from '../../spec';
import { main } from '../../validate/cli';
import { MAX_MANIFEST_BYTES } from '../../validate/validator';
import { defaultSpec, POOL } from './helpers';
import { runMain } from '../safety/helpers';

let root: string;
let clean: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'igw-validate-'));
  clean = join(root, 'clean');
  buildApp(defaultSpec, clean).synth();
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const run = (args: string[]) => runMain(main, args, { env: {} });

function brokenCopy(name: string, edits: Record<string, (text: string) => string>): string {
  const dir = join(root, name);
  cpSync(clean, dir, { recursive: true });
  for (const [file, edit] of Object.entries(edits)) writeFileSync(join(dir, file), edit(readFileSync(join(dir, file), 'utf8')));
  return dir;
}

test('the default synth output passes with exit code 0 and a summary', async () => {
  const { code, out } = await run([clean]);
  expect(code).toBe(0);
  expect(out).toEqual([expect.stringMatching(/: \d+ object\(s\) checked, no problems/)]);
});

test('a broken selector, an unknown criticality and a missing backend pool: exit 1, each named by file and field', async () => {
  const poolFile = `pool-${POOL}.k8s.yaml`;
  const dir = brokenCopy('broken', {
    [poolFile]: (text) =>
      text
        .replace(/(kind: InferencePool\n[\s\S]*?selector:\n\s+app: )vllm-llama3-8b-instruct/, '$1nobody')
        .replace('criticality: Standard', 'criticality: Urgent'),
    'gateway.k8s.yaml': (text) => text.replace(/(kind: InferencePool\n\s+name: )vllm-llama3-8b-instruct/, '$1missing-pool'),
  });
  const { code, out } = await run([dir]);
  expect(code).toBe(1);
  expect(out).toEqual(
    expect.arrayContaining([
      `${join(dir, poolFile)}: InferencePool/${POOL}: spec.selector: selects no model server pods in namespace default`,
      `${join(dir, poolFile)}: InferenceModel/food-review: spec.criticality: must be one of "Critical", "Standard", "Sheddable"; got "Urgent"`,
      `${join(dir, 'gateway.k8s.yaml')}: HTTPRoute/my-route: spec.rules[0].backendRefs[0].name: backend InferencePool.inference.networking.x-k8s.io "missing-pool" in namespace default is not in the manifests`,
    ]),
  );
  expect(out[out.length - 1]).toMatch(/\d+ problems/);
});

test('bad YAML is a problem line, not a stack trace', async () => {
  const dir = brokenCopy('bad-yaml', { 'gateway.k8s.yaml': (text) => `${text}\n---\nkind: [unclosed\n` });
  const { code, out, err } = await run([dir]);
  expect(code).toBe(1);
  expect(out).toContainEqual(expect.stringMatching(/gateway\.k8s\.yaml: \?\/\?: \(document 3\): not valid YAML at line \d+/));
  expect([...out, ...err].join('\n')).not.toMatch(/\n\s+at /);
});

test('a FIFO, a directory and a binary file named like manifests are one problem line each, not a hang', async () => {
  const dir = brokenCopy('odd-files', {});
  execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
  mkdirSync(join(dir, 'folder.yaml'));
  writeFileSync(join(dir, 'binary.yaml'), Buffer.from([0x00, 0x01, 0xff]));
  const { code, out } = await run([dir]);
  expect(code).toBe(1);
  expect(out).toEqual(
    expect.arrayContaining([
      `${join(dir, 'pipe.yaml')}: ?/?: (file): cannot read: is a FIFO (named pipe), not a regular file`,
      `${join(dir, 'folder.yaml')}: ?/?: (file): cannot read: is a directory, not a regular file`,
      `${join(dir, 'binary.yaml')}: ?/?: (file): cannot read: is not UTF-8 text (a binary file?)`,
    ]),
  );
});

test('a directory whose manifests add up to more than the limit is refused before parsing', async () => {
  const dir = join(root, 'huge');
  mkdirSync(dir);
  for (let i = 0; i < 5; i++) writeFileSync(join(dir, `part-${i}.yaml`), `# ${'x'.repeat(MAX_MANIFEST_BYTES - 16)}\n`);
  const { code, err } = await run([dir]);
  expect(code).toBe(1);
  expect(err).toEqual([expect.stringMatching(/huge: its \.yaml files add up to 20 MiB, more than the 16 MiB the validator reads$/)]);
});

test('a directory that does not exist is a one-line error', async () => {
  const { code, out, err } = await run([join(root, 'nope')]);
  expect(code).toBe(1);
  expect(out).toEqual([]);
  expect(err).toEqual([`${join(root, 'nope')}: cannot read the directory (no such directory)`]);
});

describe('the spec behind the GPU checks', () => {
  const twoPools = join(__dirname, '..', '..', 'examples', 'two-pools.yaml');
  let recorded: string;

  beforeAll(() => {
    recorded = join(root, 'recorded');
    synthesize(loadSpecFile(twoPools), recorded);
  });

  test('is the spec synth recorded in the directory', async () => {
    const { code, out } = await run([recorded]);
    expect(code).toBe(0);
    expect(out).toEqual([expect.stringMatching(/: \d+ object\(s\) checked, no problems; spec: the one synth recorded in .+\/recorded\/\.inference-gateway-synth/)]);
  });

  test('a --spec that is not the recorded one is refused rather than producing false GPU errors', async () => {
    const { code, out, err } = await run([recorded, '--spec', writeSpec('defaults.yaml', '{}\n')]);
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual([expect.stringMatching(/recorded: was synthesized from another spec than .+defaults\.yaml; run npm run synth -- .+ --out .+recorded, or leave out the spec/)]);
  });

  test('the same spec given again is accepted', async () => {
    const { code } = await run([recorded, '--spec', twoPools]);
    expect(code).toBe(0);
  });

  test('without a record, --spec is used', async () => {
    const { code, out } = await run([clean, '--spec', writeSpec('guide.yaml', '{}\n')]);
    expect(code).toBe(0);
    expect(out[0]).toMatch(/; spec: .+guide\.yaml/);
  });

  test('with no record and no spec the GPU checks are skipped, and the summary says so', async () => {
    const { code, out } = await run([clean]);
    expect(code).toBe(0);
    expect(out[0]).toMatch(/; GPU node pool checks skipped: no spec \(.+ has no synth record; pass --spec <file>\)/);
  });

  test('an argument it does not understand is a usage error, exit 2', async () => {
    const { code, err } = await run([clean, '--strict']);
    expect(code).toBe(2);
    expect(err).toEqual(['validate: unknown option --strict', 'run npm run validate -- --help for usage']);
  });
});

function writeSpec(name: string, text: string): string {
  writeFileSync(join(root, name), text);
  return join(root, name);
}

test('a value in a field whose name suggests a secret is never echoed in a problem', async () => {
  const dir = join(root, 'secret-values');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'objects.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  labels:\n    api-key: "sk-live 1234 with spaces"\n    tier: "not a label value"\n',
  );
  const { code, out } = await run([dir]);
  expect(code).toBe(1);
  expect(out.join('\n')).not.toMatch(/sk-live/);
  expect(out).toContain(`${join(dir, 'objects.yaml')}: ConfigMap/cm: metadata.labels.api-key: label value must be at most 63 alphanumeric characters, "-", "_" or "."; got a value not shown (the field may hold a secret)`);
  // Other fields keep their value in the message: it is what makes the message useful.
  expect(out).toContain(`${join(dir, 'objects.yaml')}: ConfigMap/cm: metadata.labels.tier: label value must be at most 63 alphanumeric characters, "-", "_" or "."; got "not a label value"`);
});
