/**
 * crds/ against the pinned CRDs the custom resources are judged by: a CRD named like a pinned one must have
 * its spec (as synth writes it, descriptions removed), and with the spec synth recorded, crds/ must hold
 * every CRD of that spec's profiles.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesize } from '../../charts-gen/main';
import { resolveSpec } from '../../spec';
import { bundledCrds } from '../../validate';
import { main as validateMain } from '../../validate/cli';
import { checkPinnedCrds } from '../../validate/pinned-crds';
import { schemas } from './helpers';

const work = mkdtempSync(join(tmpdir(), 'igw-pinned-crds-'));
const DEFAULTS = resolveSpec({}, 'defaults');
const MIGRATION = resolveSpec({ inferenceExtension: { version: 'llm-d-v0.10.0', migration: { from: 'v0.3.0', trafficPercent: 10 } }, pools: [{ name: 'p', inferencePoolName: 'p-ga' }] }, 'migration');
const POOLS_X = 'inferencepools.inference.networking.x-k8s.io';
const POOLS_V1 = 'inferencepools.inference.networking.k8s.io';
const V1_FILES = ['inference-extension/v1.0.0/inference.networking.k8s.io_inferencepools.yaml', 'inference-extension/v1.6.0/inference.networking.k8s.io_inferencepools.yaml'];

async function validate(dir: string): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await validateMain([dir], { out: (line) => out.push(line), err: (line) => err.push(line), env: {} });
  return { code, out, err };
}

/** A CRD file synth wrote, its object edited, written back as JSON like synth writes it. */
function editCrd(dir: string, name: string, edit: (crd: Record<string, any>) => void): void { // eslint-disable-line @typescript-eslint/no-explicit-any
  const file = join(dir, 'crds', `${name}.yaml`);
  const text = readFileSync(file, 'utf8');
  const crd = JSON.parse(text.slice(text.indexOf('{')));
  edit(crd);
  writeFileSync(file, `${text.slice(0, text.indexOf('{'))}${JSON.stringify(crd, null, 2)}\n`);
}

describe("synth's crds/", () => {
  test.each([
    ['the defaults', DEFAULTS],
    ['a migration', MIGRATION],
    ['the GA profile', resolveSpec({ inferenceExtension: { version: 'llm-d-v0.10.0' } }, 'GA')],
  ])('%s: validate is clean', async (name, spec) => {
    const dir = join(work, `clean-${name.replace(/\W/g, '-')}`);
    synthesize(spec, dir);
    const result = await validate(dir);
    expect(result.out.at(-1)).toMatch(/ object\(s\) checked, no problems; spec: the one synth recorded/);
    expect(result.code).toBe(0);
  });

  test('a CRD edited by hand is named, with the first field that differs and the pinned file', async () => {
    const dir = join(work, 'edited');
    synthesize(DEFAULTS, dir);
    editCrd(dir, POOLS_X, (crd) => {
      crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.targetPortNumber.maximum = 70000;
    });
    const result = await validate(dir);
    expect(result.code).toBe(1);
    expect(result.out).toContain(
      `${dir}/crds/${POOLS_X}.yaml: CustomResourceDefinition/${POOLS_X}: spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.targetPortNumber.maximum: differs from the pinned inference-extension/v0.3.0/inference.networking.x-k8s.io_inferencepools.yaml, the CRD its custom resources are judged by (descriptions aside); run npm run synth to write the pinned one`,
    );
  });

  test('a CRD of the recorded profile missing from crds/ is named; without a record it is not asked for', async () => {
    const dir = join(work, 'missing');
    synthesize(DEFAULTS, dir);
    rmSync(join(dir, 'crds', `${POOLS_X}.yaml`));
    const kustomization = join(dir, 'crds', 'kustomization.yaml');
    writeFileSync(kustomization, readFileSync(kustomization, 'utf8').replace(`  - ${POOLS_X}.yaml\n`, ''));
    const result = await validate(dir);
    expect(result.code).toBe(1);
    expect(result.out).toContain(
      `${dir}/crds: CustomResourceDefinition/${POOLS_X}: (file): is missing: the spec synth recorded needs it (inference-extension/v0.3.0/inference.networking.x-k8s.io_inferencepools.yaml) and no file in this folder holds it; run npm run synth -- --out ${dir}`,
    );
    expect(result.out.filter((line) => line.includes('is missing'))).toHaveLength(1);
    rmSync(join(dir, '.inference-gateway-synth'));
    rmSync(join(dir, 'crds', '.inference-gateway-synth'), { force: true });
    expect((await validate(dir)).out.filter((line) => line.includes('is missing'))).toEqual([]);
  });
});

describe('checkPinnedCrds', () => {
  const crd = (spec: unknown) => ({ file: 'c.yaml', object: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: POOLS_V1 }, spec } });
  const [older, newer] = V1_FILES.map((file) => bundledCrds(file).find((c) => c.metadata.name === POOLS_V1)?.spec);

  test('without a spec, any pinned version of that name is accepted; another spec is named against each', () => {
    expect(older).toBeDefined();
    expect(checkPinnedCrds([crd(older), crd(newer)], schemas, undefined)).toEqual([]);
    const edited = structuredClone(newer) as Record<string, unknown>;
    edited.scope = 'Cluster';
    expect(checkPinnedCrds([crd(edited)], schemas, undefined)).toEqual([
      { file: 'c.yaml', kind: 'CustomResourceDefinition', name: POOLS_V1, path: 'spec.scope', message: `differs from each of the pinned ${V1_FILES.join(', ')}, the CRD its custom resources are judged by (descriptions aside); run npm run synth to write the pinned one` },
    ]);
  });

  test('a CRD that is not pinned is left to the generic CustomResourceDefinition schema', () => {
    const other = { file: 'o.yaml', object: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' }, spec: {} } };
    expect(checkPinnedCrds([other], schemas, DEFAULTS)).toEqual([]);
  });

  test('with a spec, a CRD of its profile must be the pinned one synth writes for it', () => {
    const spec = resolveSpec({ inferenceExtension: { version: 'llm-d-v0.10.0' } }, 'GA');
    const objectives = bundledCrds('llm-d-router/v0.10.0/llm-d.ai_inferenceobjectives.yaml')[0];
    const edited = structuredClone(objectives.spec) as Record<string, unknown>;
    edited.names = { ...(edited.names as object), shortNames: ['io'] };
    const object = { file: 'o.yaml', object: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: objectives.metadata.name }, spec: edited } };
    expect(checkPinnedCrds([object], schemas, spec).map((p) => p.path)).toEqual(['spec.names.shortNames']);
    expect(checkPinnedCrds([{ ...object, object: { ...object.object, spec: objectives.spec } }], schemas, spec)).toEqual([]);
  });
});
