/** The JSON Schema for editors is generated from the same field descriptions that validate specs. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { renderSpecJsonSchema, withSpecReference } from '../../spec/write-json-schema';

const root = join(__dirname, '..', '..');
const committed = readFileSync(join(root, 'spec', 'deployment-spec.schema.json'), 'utf8');
const validate = new Ajv2020({ strict: false }).compile(JSON.parse(committed));

describe('spec/deployment-spec.schema.json', () => {
  test('is up to date with the field descriptions (run `npm run schema` after changing them)', () => {
    expect(committed).toBe(renderSpecJsonSchema());
  });

  test('accepts an empty document and the two-pool example', () => {
    expect(validate({})).toBe(true);
    expect(validate(parse(readFileSync(join(root, 'examples', 'two-pools.yaml'), 'utf8')))).toBe(true);
  });

  test('rejects a misspelled field, as the loader does', () => {
    expect(validate({ pools: [{ name: 'a', modelServer: { replica: 2 } }] })).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ keyword: 'additionalProperties', params: { additionalProperty: 'replica' } });
  });

  test('rejects a GatewayClass GKE Inference Gateway does not support', () => {
    expect(validate({ gateway: { className: 'gke-l7-global-external-managed' } })).toBe(false);
  });

  test('requires a pool name', () => {
    expect(validate({ pools: [{ modelServer: { replicas: 1 } }] })).toBe(false);
  });
});

describe('the configuration reference in docs/configuration.md', () => {
  test('is up to date with the field descriptions (run `npm run schema` after changing them)', () => {
    const readme = readFileSync(join(root, 'docs', 'configuration.md'), 'utf8');
    expect(withSpecReference(readme)).toBe(readme);
  });

  test('lists every field with its default', () => {
    const readme = readFileSync(join(root, 'docs', 'configuration.md'), 'utf8');
    expect(readme).toContain('| `pools[].modelServer.terminationGracePeriodSeconds` | integer 1..86400 | `130` |');
    expect(readme).toContain('| `pools[].modelServer.rollout.maxSurge` | integer 0..1000 | `0` |');
    expect(readme).toContain('| `pools[].modelServer.drain.prefillShare` | number 0..10 | `0.2` |');
  });
});

describe('the escape hatches in the JSON Schema', () => {
  const server = (modelServer: Record<string, unknown>) => ({ pools: [{ name: 'p', modelServer }] });

  test('accepts the maps and a patch, as the spec loader does', () => {
    expect(validate(server({ nodeSelector: { 'cloud.google.com/gke-nodepool': 'gpu-a' }, labels: { team: 'x' }, annotations: { 'example.com/a': 'any text' }, podAnnotations: { b: '' } }))).toBe(true);
    expect(validate({ patches: [{ kind: 'Deployment', name: 'p', patch: [{ op: 'add', path: '/spec/x', value: { any: ['json'] } }] }] })).toBe(true);
  });

  test('refuses a key that is not a qualified name, a label value with a space, an op it does not know', () => {
    expect(validate(server({ labels: { 'Bad_Prefix/x': 'a' } }))).toBe(false);
    expect(validate(server({ nodeSelector: { a: 'has space' } }))).toBe(false);
    expect(validate({ patches: [{ kind: 'Deployment', patch: [{ op: 'move', path: '/spec' }] }] })).toBe(false);
    expect(validate({ patches: [{ kind: 'Deployment' }] })).toBe(false);
  });
});
