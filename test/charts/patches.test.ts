/**
 * The `patches` escape hatch: a JSON patch reaches the objects of its kind (and name) in the output synth
 * writes and `pulumi up` applies (both take buildApp's objects), the patched output still validates, and a
 * patch that matches nothing, misses a path or touches what names or prunes an object is a spec error
 * naming the entry.
 */
import { resolveSpec } from '../../spec';
import { buildApp, renderCharts } from '../../charts-gen/app';
import { applyOperation } from '../../charts-gen/patches';
import { lines, validate } from '../validate/helpers';
import { findObject, synthApp } from './helpers';
import { specErrorLines } from '../spec/helpers';

const POOL = 'vllm-llama3-8b-instruct';

/** The spec and synth errors of a document, as `path: message` lines: patches are applied by synth, after the spec rules. */
const errorsOf = (document: unknown): string[] => specErrorLines(() => synthApp(resolveSpec(document, 'spec.yaml')));

test('a test operation compares values as JSON Patch does: the order of an object\'s keys does not matter', () => {
  const selector = findObject(synthApp(resolveSpec({})), 'Deployment', POOL).spec.selector.matchLabels as Record<string, string>;
  const reversed = Object.fromEntries(Object.entries({ ...selector, extra: 'x' }).reverse());
  const patched = (value: unknown) => ({ patches: [{ kind: 'Deployment', name: POOL, patch: [{ op: 'add', path: '/spec/selector/matchLabels/extra', value: 'x' }, { op: 'test', path: '/spec/selector/matchLabels', value }] }] });
  expect(Object.keys(reversed)).not.toEqual(Object.keys({ ...selector, extra: 'x' }));
  expect(errorsOf(patched(reversed))).toEqual([]);
  expect(errorsOf(patched({ ...selector, extra: 'y' }))).toEqual([expect.stringContaining('test failed')]);
});

describe('a patch reaches the objects it names', () => {
  const spec = resolveSpec({
    patches: [
      { kind: 'Deployment', name: POOL, patch: [{ op: 'add', path: '/spec/template/spec/priorityClassName', value: 'inference-high' }] },
      { kind: 'Service', patch: [{ op: 'add', path: '/metadata/annotations', value: { 'example.com/owner': 'ml' } }] },
      { kind: 'Deployment', name: POOL, patch: [{ op: 'test', path: '/spec/template/spec/priorityClassName', value: 'inference-high' }, { op: 'add', path: '/spec/revisionHistoryLimit', value: 3 }] },
    ],
  });
  const objects = synthApp(spec);
  const plain = synthApp(resolveSpec({}));

  test('added and replaced fields are in the object, in order', () => {
    const deployment = findObject(objects, 'Deployment', POOL);
    expect(deployment.spec.template.spec.priorityClassName).toBe('inference-high');
    expect(deployment.spec.revisionHistoryLimit).toBe(3);
  });

  test('a patch without a name applies to every object of its kind, and only to that kind', () => {
    const services = objects.filter((object) => object.kind === 'Service');
    expect(services.length).toBeGreaterThan(0);
    for (const service of services) expect(service.metadata.annotations).toEqual({ 'example.com/owner': 'ml' });
    const others = objects.filter((object) => object.kind !== 'Service' && object.kind !== 'Deployment');
    expect(others).toEqual(plain.filter((object) => object.kind !== 'Service' && object.kind !== 'Deployment'));
  });

  test("what synth writes (renderCharts, also pulumi up's input) carries the patch", () => {
    const rendered = renderCharts(buildApp(spec, 'unused')).flatMap((chart) => chart.objects) as { kind: string; metadata: { name: string }; spec: { revisionHistoryLimit?: number } }[];
    expect(rendered.find((object) => object.kind === 'Deployment' && object.metadata.name === POOL)?.spec.revisionHistoryLimit).toBe(3);
  });

  test('the patched output still validates, and a patch that breaks a schema is reported by the validator', () => {
    const sourced = (document: unknown) => synthApp(resolveSpec(document)).map((object) => ({ file: 'x.k8s.yaml', object: structuredClone(object) }));
    expect(lines(validate(sourced({ patches: spec.patches }), spec))).toEqual([]);
    const broken = { patches: [{ kind: 'Deployment', name: POOL, patch: [{ op: 'replace', path: '/spec/replicas', value: 'two' }] }] };
    expect(lines(validate(sourced(broken), resolveSpec(broken)))).toContainEqual(expect.stringMatching(/^Deployment\/vllm-llama3-8b-instruct: spec\.replicas: /));
  });

  test('without patches the output is unchanged', () => {
    expect(synthApp(resolveSpec({ patches: [] }))).toEqual(plain);
    expect(findObject(plain, 'Deployment', POOL).spec.template.spec.priorityClassName).toBeUndefined();
  });
});

describe('a patch that cannot apply is a spec error naming the entry', () => {
  test('a kind or name that matches nothing, a missing path, a failed test: all at once', () => {
    expect(
      errorsOf({
        patches: [
          { kind: 'Deploymnet', patch: [{ op: 'remove', path: '/spec' }] },
          { kind: 'Deployment', name: 'nope', patch: [{ op: 'remove', path: '/spec' }] },
          { kind: 'Deployment', name: POOL, patch: [{ op: 'replace', path: '/spec/template/spec/priorityClassName', value: 'x' }] },
          { kind: 'Deployment', name: POOL, patch: [{ op: 'add', path: '/spec/nothing/here', value: 1 }] },
          { kind: 'Deployment', name: POOL, patch: [{ op: 'test', path: '/spec/replicas', value: 7 }] },
        ],
      }),
    ).toEqual([
      expect.stringMatching(/^patches\[0\]: matches no object: no Deploymnet is synthesized \(kinds: .*Deployment/),
      expect.stringMatching(/^patches\[1\]: matches no object: no Deployment named nope is synthesized/),
      'patches[2].patch[0].path: /spec/template/spec/priorityClassName in Deployment/vllm-llama3-8b-instruct: does not exist',
      'patches[3].patch[0].path: /spec/nothing/here in Deployment/vllm-llama3-8b-instruct: does not exist: /spec/nothing is missing or not an object or list',
      'patches[4].patch[0].path: /spec/replicas in Deployment/vllm-llama3-8b-instruct: test failed: the value there is 3',
    ]);
  });

  test('what names or prunes an object, and a value where the op wants none (or none where it wants one)', () => {
    expect(
      errorsOf({
        patches: [
          {
            kind: 'Deployment',
            patch: [
              { op: 'replace', path: '/metadata/name', value: 'x' },
              { op: 'remove', path: '/metadata/labels/app.kubernetes.io~1instance' },
              { op: 'replace', path: '/metadata/labels', value: {} },
              { op: 'remove', path: '/spec/paused', value: 1 },
              { op: 'add', path: '/spec/paused' },
              { op: 'move', path: '/spec' },
              { op: 'add', path: 'spec', value: 1 },
            ],
          },
        ],
      }),
    ).toEqual([
      'patches[0].patch[5].op: must be one of add, remove, replace, test; got "move"',
      'patches[0].patch[6].path: must be a JSON pointer such as /spec/template/spec/priorityClassName (~1 for "/", ~0 for "~"), got "spec"',
      'patches[0].patch[0].path: /metadata/name would change /metadata/name, which this tool sets: objects are named and pruned by it',
      'patches[0].patch[1].path: /metadata/labels/app.kubernetes.io~1instance would change /metadata/labels/app.kubernetes.io~1instance, which this tool sets: objects are named and pruned by it',
      'patches[0].patch[2].path: /metadata/labels would change /metadata/labels/app.kubernetes.io~1part-of, which this tool sets: objects are named and pruned by it',
      'patches[0].patch[3].value: must be left out with op remove',
      'patches[0].patch[4].value: is required with op add',
    ]);
  });
});

describe('applyOperation follows RFC 6902', () => {
  test('~1 and ~0 decode, "-" appends, an index past the end is refused', () => {
    const document = { a: { 'b/c': 1, 'd~e': 2 }, list: [1, 2] };
    expect(applyOperation(document, { op: 'replace', path: '/a/b~1c', value: 3 })).toBeUndefined();
    expect(applyOperation(document, { op: 'remove', path: '/a/d~0e' })).toBeUndefined();
    expect(applyOperation(document, { op: 'add', path: '/list/-', value: 9 })).toBeUndefined();
    expect(applyOperation(document, { op: 'add', path: '/list/0', value: 0 })).toBeUndefined();
    expect(document).toEqual({ a: { 'b/c': 3 }, list: [0, 1, 2, 9] });
    expect(applyOperation(document, { op: 'replace', path: '/list/4', value: 1 })).toMatch(/is not an index of a list of 4/);
    expect(applyOperation(document, { op: 'remove', path: '/list/01' })).toMatch(/is not an index/);
  });
});
