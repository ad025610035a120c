/**
 * The output folder as a GitOps repository takes it: the CRDs of the profile in crds/ (first wave, never
 * pruned), the Namespace when it is not built in, a kustomization.yaml per folder listing exactly what synth
 * wrote, the common labels on every object of every profile; `npm run validate` of the folder is clean and
 * `synth --check` says whether the folder is what the spec synthesizes, writing nothing.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { instanceLabel } from '../../charts-gen/common-labels';
import { main as synthMain, synthesize } from '../../charts-gen/main';
import { version as TOOL_VERSION } from '../../package.json';
import { loadSpecFile, resolveSpec, type DeploymentSpec } from '../../spec';
import { bundledCrds } from '../../validate';
import { main as validateMain } from '../../validate/cli';
import { runMain, snapshot } from '../safety/helpers';

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: Record<string, unknown> };

const work = mkdtempSync(join(tmpdir(), 'igw-gitops-'));
const examples = join(__dirname, '..', '..', 'examples');

function synthTo(name: string, spec: DeploymentSpec): string {
  const dir = join(work, name);
  synthesize(spec, dir);
  return dir;
}

/** Every object of every manifest file synth wrote in `dir` and its crds/ folder, with its file. */
function objectsIn(dir: string): { file: string; object: Obj }[] {
  const files = [
    ...readdirSync(dir).filter((name) => name.endsWith('.yaml') && name !== 'kustomization.yaml'),
    ...readdirSync(join(dir, 'crds')).filter((name) => name.endsWith('.yaml') && name !== 'kustomization.yaml').map((name) => `crds/${name}`),
  ];
  return files.flatMap((file) => parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((document) => ({ file, object: document.toJS() as Obj })));
}

function kustomization(dir: string): { apiVersion: string; kind: string; resources: string[] } {
  return parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'));
}

/** The manifest files in a folder as the file system lists them (kustomization.yaml aside). */
const manifestsOnDisk = (dir: string): string[] => readdirSync(dir).filter((name) => name.endsWith('.yaml') && name !== 'kustomization.yaml').sort();

/** The files synth recorded as its own in a folder. */
const recorded = (dir: string): string[] => Object.keys(JSON.parse(readFileSync(join(dir, '.inference-gateway-synth'), 'utf8')).files).sort();

/** synth and validate in process, with an empty environment. */
const synthRun = (args: string[]) => runMain(synthMain, args, { env: {} });
const validateRun = (args: string[]) => runMain(validateMain, args, { env: {} });

const PROFILES: [string, DeploymentSpec][] = [
  ['the defaults (v0.3.0)', resolveSpec({}, 'defaults')],
  ['namespace llm', resolveSpec({ namespace: 'llm' }, 'llm')],
  // Every example spec, so an example (or construct) added later is covered without touching this list.
  ...readdirSync(examples)
    .filter((file) => file.endsWith('.yaml') && !file.startsWith('Pulumi.'))
    .sort()
    .map((file): [string, DeploymentSpec] => [`examples/${file}`, loadSpecFile(join(examples, file))]),
];

describe.each(PROFILES)('%s', (name, spec) => {
  const dir = synthTo(name.replace(/[^a-z0-9]+/gi, '-'), spec);
  const objects = objectsIn(dir);

  test('every object of every file carries the four common labels', () => {
    expect(objects.length).toBeGreaterThan(20);
    for (const { file, object } of objects) {
      const labels = object.metadata.labels ?? {};
      expect({ file, kind: object.kind, name: object.metadata.name, labels: {
        partOf: labels['app.kubernetes.io/part-of'], managedBy: labels['app.kubernetes.io/managed-by'], instance: labels['app.kubernetes.io/instance'], hasVersion: typeof labels['app.kubernetes.io/version'] },
      }).toEqual({ file, kind: object.kind, name: object.metadata.name, labels: {
        partOf: 'inference-gateway', managedBy: 'inference-gateway', instance: `${spec.namespace}.${spec.gateway.name}`, hasVersion: 'string' },
      });
    }
  });

  test("the version label is the tool's, except on the endpoint pickers' objects, which keep their release's", () => {
    for (const { object } of objects) {
      const version = object.metadata.labels?.['app.kubernetes.io/version'];
      if (object.metadata.labels?.['app.kubernetes.io/name']?.endsWith('-epp')) expect(version).toMatch(/^v\d+\.\d+\.\d+$/);
      else expect(version).toBe(TOOL_VERSION);
    }
  });

  test('pod templates do not get them: adding or changing them restarts no pod', () => {
    for (const { object } of objects.filter(({ object }) => object.kind === 'Deployment')) {
      const template = (object.spec as { template: { metadata: { labels: Record<string, string> } } }).template;
      expect(Object.keys(template.metadata.labels).filter((key) => key.startsWith('app.kubernetes.io/'))).toEqual([]);
    }
  });

  test("crds/ holds the CRDs of the spec's profiles, from the pinned files, first wave and never pruned", () => {
    const crds = objects.filter(({ file }) => file.startsWith('crds/')).map(({ object }) => object);
    const expected = new Set(
      (spec.inferenceExtension.migration ? [spec.inferenceExtension.migration.from, spec.inferenceExtension.version] : [spec.inferenceExtension.version]).flatMap((version) =>
        version === 'v0.3.0' ? ['inferencepools.inference.networking.x-k8s.io', 'inferencemodels.inference.networking.x-k8s.io'] : ['inferenceobjectives.llm-d.ai', 'inferencemodelrewrites.llm-d.ai'],
      ),
    );
    expect(crds.map((crd) => crd.metadata.name).sort()).toEqual([...expected].sort());
    for (const crd of crds) {
      expect(crd.kind).toBe('CustomResourceDefinition');
      expect(crd.metadata.annotations).toMatchObject({ 'argocd.argoproj.io/sync-wave': '-1', 'argocd.argoproj.io/sync-options': 'Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' });
      const pinned = ['inference-extension/v0.3.0/inference.networking.x-k8s.io_inferencepools.yaml', 'inference-extension/v0.3.0/inference.networking.x-k8s.io_inferencemodels.yaml', 'llm-d-router/v0.10.0/llm-d.ai_inferenceobjectives.yaml', 'llm-d-router/v0.10.0/llm-d.ai_inferencemodelrewrites.yaml']
        .flatMap((file) => bundledCrds(file))
        .find((candidate) => candidate.metadata.name === crd.metadata.name);
      expect(crd.spec).toEqual(pinned?.spec);
    }
  });

  test('each kustomization.yaml lists exactly the manifests synth wrote in its folder, and is recorded as synth\'s own', () => {
    const top = kustomization(dir);
    expect(top).toMatchObject({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' });
    expect([...top.resources].sort()).toEqual(recorded(dir).filter((file) => file !== 'kustomization.yaml'));
    expect(recorded(dir)).toContain('kustomization.yaml');
    const crds = kustomization(join(dir, 'crds'));
    expect([...crds.resources].sort()).toEqual(recorded(join(dir, 'crds')).filter((file) => file !== 'kustomization.yaml'));
    expect(recorded(join(dir, 'crds'))).toContain('kustomization.yaml');
    // Against the folder itself, not synth's record of it: what kustomize and Argo CD would read.
    expect([...top.resources].sort()).toEqual(manifestsOnDisk(dir));
    expect(top.resources).toContain('gateway.k8s.yaml');
    expect([...crds.resources].sort()).toEqual(manifestsOnDisk(join(dir, 'crds')));
    expect(crds.resources.length).toBeGreaterThan(0);
    // Split for Flux: the workloads' kustomization does not apply the CRDs (their own Kustomization does, first).
    expect(top.resources).not.toContain('crds');
  });

  test('npm run validate of the folder, CRDs and kustomizations included, is clean', async () => {
    const result = await validateRun([dir]);
    expect(result.out.at(-1)).toMatch(/: \d+ object\(s\) checked, no problems;/);
    expect(result.code).toBe(0);
  });
});

describe('with namespace llm', () => {
  const spec = resolveSpec({ namespace: 'llm' }, 'llm');
  const dir = synthTo('llm-check', spec);

  test('a Namespace llm comes first in the kustomization, in the first wave, never pruned', () => {
    expect(kustomization(dir).resources[0]).toBe('namespace.k8s.yaml');
    expect(parse(readFileSync(join(dir, 'namespace.k8s.yaml'), 'utf8'))).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'llm',
        annotations: { 'argocd.argoproj.io/sync-wave': '-1', 'argocd.argoproj.io/sync-options': 'Prune=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled' },
        labels: { 'app.kubernetes.io/part-of': 'inference-gateway', 'app.kubernetes.io/managed-by': 'inference-gateway', 'app.kubernetes.io/instance': 'llm.inference-gateway', 'app.kubernetes.io/version': TOOL_VERSION },
      },
    });
  });

  test('synth --check is 0 on the folder, and 1 listing the differences after the spec changes, touching no file', async () => {
    const specFile = join(work, 'llm.yaml');
    writeFileSync(specFile, 'namespace: llm\n');
    const before = snapshot(dir);
    const same = synthRun([specFile, '--out', dir, '--check']);
    expect(same).toEqual({ code: 0, out: [`${dir}: up to date with the spec`], err: [] });
    writeFileSync(specFile, 'namespace: llm\ngateway: { listenerPort: 8080 }\n');
    const changed = synthRun([specFile, '--out', dir, '--check']);
    expect(changed.code).toBe(1);
    expect(changed.out).toEqual([
      `${dir}/crds/.inference-gateway-synth: records another spec than this one`,
      `${dir}/gateway.k8s.yaml: differs from what the spec synthesizes`,
      `${dir}/.inference-gateway-synth: records another spec than this one`,
      `${dir}: 3 differences from what the spec synthesizes; run npm run synth -- ${specFile} --out ${dir} to update it`,
    ]);
    expect(snapshot(dir)).toEqual(before);
  });

  test('synth --check names a hand-edited file, a missing one and one the spec no longer produces', async () => {
    const copy = synthTo('llm-check-edited', spec);
    writeFileSync(join(copy, 'gateway.k8s.yaml'), `${readFileSync(join(copy, 'gateway.k8s.yaml'), 'utf8')}# edited\n`);
    const defaults = synthRun(['--out', copy, '--check']);
    expect(defaults.code).toBe(1);
    expect(defaults.out).toContain(`${copy}/namespace.k8s.yaml: no longer produced by the spec (synth would remove it)`);
    expect(defaults.out).toContain(`${copy}/gateway.k8s.yaml: differs from what the spec synthesizes`);
    const missing = synthRun(['--out', join(work, 'never-written'), '--check']);
    expect(missing.out.slice(0, 2)).toEqual([`${join(work, 'never-written')}/crds: missing (synth would create it)`, `${join(work, 'never-written')}: missing (synth would create it)`]);
    expect(readdirSync(work)).not.toContain('never-written');
  });

  test('--check cannot be combined with the cdk8s CLI flag', async () => {
    expect(synthRun(['--check', '--cdk8s-cli'])).toMatchObject({ code: 2, err: ['synth: --check cannot be combined with --cdk8s-cli', 'run npm run synth -- --help for usage'] });
  });
});

describe('validate checks a kustomization against its folder', () => {
  test('a manifest it does not list and a resource that is not there are problems, each named', async () => {
    const dir = synthTo('kustomize-broken', resolveSpec({}, 'defaults'));
    writeFileSync(join(dir, 'extra.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: extra, namespace: default }\n');
    const text = readFileSync(join(dir, 'kustomization.yaml'), 'utf8').replace('  - gateway.k8s.yaml\n', '  - gateway.k8s.yaml\n  - gone.k8s.yaml\n');
    writeFileSync(join(dir, 'kustomization.yaml'), text);
    const result = await validateRun([dir]);
    expect(result.code).toBe(1);
    expect(result.out).toContain(`${dir}/kustomization.yaml: Kustomization/-: resources[3]: gone.k8s.yaml does not exist in ${dir}`);
    expect(result.out).toContain(`${dir}/kustomization.yaml: Kustomization/-: resources: does not list extra.yaml, so kustomize (Argo CD, Flux, kubectl apply -k) will not apply it`);
  });
});

describe('the instance label', () => {
  test('is <namespace>.<gateway>, which two deployments never share', () => {
    expect(instanceLabel('team-a', 'chat')).toBe('team-a.chat');
    expect(instanceLabel('team', 'a-chat')).not.toBe(instanceLabel('team-a', 'chat'));
  });

  test('past 63 characters it keeps a prefix and a hash of the whole: still a valid, distinct label value', () => {
    const a = instanceLabel('n'.repeat(40), 'g'.repeat(40));
    const b = instanceLabel('n'.repeat(40), `${'g'.repeat(39)}h`);
    for (const value of [a, b]) {
      expect(value.length).toBeLessThanOrEqual(63);
      expect(value).toMatch(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/);
    }
    expect(a).not.toBe(b);
  });
});

describe('the GitOps examples (their CRDs are not pinned here: what can be checked offline is checked)', () => {
  const read = (file: string) => parseAllDocuments(readFileSync(join(examples, 'gitops', file), 'utf8')).map((document) => document.toJS());

  test('the Argo CD Application syncs crds/ and the folder synth writes, as one Application ordered by the waves synth sets', () => {
    const [application] = read('argocd-application.yaml');
    expect(application).toMatchObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application' });
    const [crds, folder] = application.spec.sources.map((source: { path: string }) => source.path);
    expect(crds).toBe(`${folder}/crds`);
    expect(application.spec.syncPolicy.automated.prune).toBe(true);
  });

  test('the Flux Kustomizations apply crds/ first and wait for it; the workloads depend on it and are not waited for', () => {
    const [crds, workloads] = read('flux-kustomizations.yaml');
    for (const kustomization of [crds, workloads]) expect(kustomization).toMatchObject({ apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' });
    expect(crds.spec.path).toBe(`${workloads.spec.path}/crds`);
    expect(crds.spec.wait).toBe(true);
    expect(workloads.spec.dependsOn).toEqual([{ name: crds.metadata.name }]);
    // With the GA profile only the picker's leader is Ready: a wait for every replica would never end.
    expect(workloads.spec.wait).toBe(false);
  });
});

describe('a synth that would change nothing', () => {
  test('leaves an up-to-date folder alone: every file unchanged, same inode and mtime, no lock or staging left', () => {
    const spec = resolveSpec({ namespace: 'llm' }, 'llm');
    const dir = synthTo('idle', spec);
    const stat = (file: string) => { const s = statSync(join(dir, file)); return [s.ino, s.mtimeMs]; };
    const before = ['gateway.k8s.yaml', 'crds/kustomization.yaml', '.inference-gateway-synth'].map(stat);
    const report = synthesize(spec, dir);
    expect(report.written).toEqual([]);
    expect(report.unchanged).toContain('crds/inferencepools.inference.networking.x-k8s.io.yaml');
    expect(report.unchanged).toContain('namespace.k8s.yaml');
    expect(['gateway.k8s.yaml', 'crds/kustomization.yaml', '.inference-gateway-synth'].map(stat)).toEqual(before);
    const bookkeeping = (folder: string) => readdirSync(folder).filter((name) => name.startsWith('.inference-gateway-synth.'));
    expect(readdirSync(dir)).toContain('.inference-gateway-synth');
    expect(bookkeeping(dir)).toEqual([]);
    expect(bookkeeping(join(dir, 'crds'))).toEqual([]);
  });

  test("a killed run's leftover in an otherwise up-to-date folder is cleaned up by the next run", () => {
    const spec = resolveSpec({}, 'defaults');
    const dir = synthTo('idle-leftover', spec);
    mkdirSync(join(dir, '.inference-gateway-synth.staging-abc123'));
    synthesize(spec, dir);
    expect(readdirSync(dir).filter((name) => name.startsWith('.inference-gateway-synth.'))).toEqual([]);
  });
});
