/**
 * A kustomization tells kustomize (and Argo CD, Flux, `kubectl apply -k`) what to apply and how to change
 * it. validate reads a folder's manifests as written, so what kustomize would apply beyond them (a file or
 * folder validate did not read, a remote base) or change in them (images, patches, namespace, ...) is a
 * problem, not a silent "no problems". synth's own folders list only files validate reads, with only
 * apiVersion, kind and resources, and stay clean.
 */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesize } from '../../charts-gen/main';
import { resolveSpec } from '../../spec';
import { main as validateMain } from '../../validate/cli';
import { readManifestDirectory } from '../../validate/manifest-files';
import { formatProblem } from '../../validate/types';

const work = mkdtempSync(join(tmpdir(), 'igw-kustomization-'));
const CONFIG_MAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: extra, namespace: default }\n';

/** A folder with one manifest and the kustomization given. */
function folder(name: string, kustomization: string, files: Record<string, string> = {}): string {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'a.yaml'), CONFIG_MAP.replace('extra', 'a'));
  writeFileSync(join(dir, 'kustomization.yaml'), kustomization);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

const problemLines = (dir: string) => readManifestDirectory(dir).problems.map(formatProblem);

async function validate(dir: string): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await validateMain([dir], { out: (line) => out.push(line), err: (line) => err.push(line), env: {} });
  return { code, out, err };
}

describe('resources validate did not read', () => {
  test('a file in a folder below, a folder without a kustomization, a folder outside and a remote base are each named', () => {
    const dir = folder('unread', 'resources:\n  - a.yaml\n  - extra/bad.yaml\n  - extra\n  - ../outside\n  - https://github.com/org/repo//base?ref=v1\n', { 'extra/bad.yaml': CONFIG_MAP });
    mkdirSync(join(work, 'outside'));
    const k = `${dir}/kustomization.yaml: Kustomization/-`;
    expect(problemLines(dir)).toEqual([
      `${k}: resources[1]: lists extra/bad.yaml, which validate did not read (it reads the manifests of this directory and of the folders right below it that hold a kustomization); validate that folder too, or the output of kustomize build ${dir}`,
      `${k}: resources[2]: lists extra, which validate did not read (it reads the manifests of this directory and of the folders right below it that hold a kustomization); validate that folder too, or the output of kustomize build ${dir}`,
      `${k}: resources[3]: lists ../outside, which validate did not read (it reads the manifests of this directory and of the folders right below it that hold a kustomization); validate that folder too, or the output of kustomize build ${dir}`,
      `${k}: resources[4]: lists https://github.com/org/repo//base?ref=v1, a remote resource validate does not read; run validate on the output of kustomize build ${dir} instead`,
    ]);
  });

  test('a folder below that holds a kustomization, and files of this folder however written, are read: no problem', () => {
    const dir = folder('read', 'resources:\n  - ./a.yaml\n  - sub/\n', { 'sub/b.yaml': CONFIG_MAP, 'sub/kustomization.yaml': 'resources:\n  - b.yaml\n' });
    expect(problemLines(dir)).toEqual([]);
    expect(readManifestDirectory(dir).objects.map((o) => o.file)).toEqual([join(dir, 'a.yaml'), join(dir, 'sub', 'b.yaml')]);
  });
});

describe('kustomization keys that change the objects', () => {
  test.each(['images', 'patches', 'namespace', 'namePrefix', 'replicas', 'labels', 'configMapGenerator'])('%s is a problem naming the key and kustomize build', (key) => {
    const dir = folder(`key-${key}`, `resources:\n  - a.yaml\n${key}: []\n`);
    expect(problemLines(dir)).toEqual([
      `${dir}/kustomization.yaml: Kustomization/-: ${key}: changes the objects kustomize applies, and validate checks objects as written; run it on the output of kustomize build ${dir} instead`,
    ]);
  });
});

describe("synth's folders", () => {
  test.each([
    ['the defaults', resolveSpec({}, 'defaults')],
    ['a namespace and a migration', resolveSpec({ namespace: 'llm', inferenceExtension: { version: 'llm-d-v0.10.0', migration: { from: 'v0.3.0', trafficPercent: 10 } }, pools: [{ name: 'p', inferencePoolName: 'p-ga' }] }, 'migration')],
  ])('%s: kustomizations with only apiVersion, kind and resources, every resource read, no problem', async (name, spec) => {
    const dir = join(work, `synth-${name.replace(/\W/g, '-')}`);
    synthesize(spec, dir);
    for (const file of ['kustomization.yaml', 'crds/kustomization.yaml']) {
      expect(readFileSync(join(dir, file), 'utf8')).toMatch(/^apiVersion: kustomize\.config\.k8s\.io\/v1beta1\nkind: Kustomization\nresources:\n/m);
    }
    expect(problemLines(dir)).toEqual([]);
    const result = await validate(dir);
    expect(result.out.at(-1)).toMatch(/ object\(s\) checked, no problems; /);
    expect(result.code).toBe(0);
  });
});

describe('a folder that is a symbolic link', () => {
  test('is reported, not skipped in silence; and the command line does not look inside it for an interrupted synth', async () => {
    const dir = join(work, 'linked');
    synthesize(resolveSpec({}, 'defaults'), dir);
    const target = join(work, 'linked-crds-target');
    mkdirSync(target);
    writeFileSync(join(target, 'kustomization.yaml'), 'resources:\n  - bad.yaml\n');
    writeFileSync(join(target, 'bad.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: bad, namespace: default }\ndata: { x: 1 }\n');
    // A leftover journal, which the command line looked for through the link while the reader skipped the folder.
    writeFileSync(join(target, '.inference-gateway-synth.journal'), '{}');
    symlinkSync(target, join(dir, 'linked-crds'));
    expect(problemLines(dir)).toEqual([
      `${dir}/linked-crds: ?/?: (folder): is a symbolic link to a folder, which validate does not follow: nothing in it was checked; validate the folder it points to`,
    ]);
    const result = await validate(dir);
    expect(result.err).toEqual([]);
    expect(result.code).toBe(1);
    expect(result.out).toContain(`${dir}/linked-crds: ?/?: (folder): is a symbolic link to a folder, which validate does not follow: nothing in it was checked; validate the folder it points to`);
  });
});
