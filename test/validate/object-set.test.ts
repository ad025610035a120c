/** The ObjectSet's indexes answer exactly what a scan of all objects would. */
import fc from 'fast-check';
import { matchesSelector, ObjectSet, type Entry } from '../../validate/object-set';

function entry(group: string, kind: string, name: string, namespace: string | undefined, object: Record<string, unknown> = {}): Entry {
  return { file: 'x.yaml', object, group, kind, name, namespace };
}

function deployment(name: string, namespace: string, labels: Record<string, string>): Entry {
  return entry('apps', 'Deployment', name, namespace, { spec: { template: { metadata: { labels }, spec: { containers: [] } } } });
}

describe('find', () => {
  const set = new ObjectSet([
    entry('', 'Service', 'epp', 'default'),
    entry('', 'Service', 'epp', 'llm'),
    entry('rbac.authorization.k8s.io', 'ClusterRole', 'reader', undefined),
    entry('inference.networking.k8s.io', 'InferencePool', 'pool', 'default'),
  ]);

  test('group, kind, namespace and name all take part', () => {
    expect(set.find('', 'Service', 'epp', 'llm')?.namespace).toBe('llm');
    expect(set.find('', 'Service', 'epp', 'other')).toBeUndefined();
    expect(set.find('inference.networking.x-k8s.io', 'InferencePool', 'pool', 'default')).toBeUndefined();
    expect(set.find('inference.networking.k8s.io', 'InferencePool', 'pool', 'default')?.group).toBe('inference.networking.k8s.io');
  });

  test('without a namespace a cluster-scoped object is found, and a namespaced one in any namespace', () => {
    expect(set.find('rbac.authorization.k8s.io', 'ClusterRole', 'reader', undefined)?.kind).toBe('ClusterRole');
    expect(set.find('', 'Service', 'epp', undefined)?.namespace).toBe('default');
  });

  test('a namespace given never matches a cluster-scoped object', () => {
    expect(set.find('rbac.authorization.k8s.io', 'ClusterRole', 'reader', 'default')).toBeUndefined();
  });

  test('of duplicates, the first one is found', () => {
    const first = entry('', 'ConfigMap', 'c', 'default', { data: { a: '1' } });
    const dup = new ObjectSet([first, entry('', 'ConfigMap', 'c', 'default', { data: { b: '2' } })]);
    expect(dup.find('', 'ConfigMap', 'c', 'default')).toBe(first);
  });

  test('ofKind and named list every match', () => {
    expect(set.ofKind('', 'Service').map((e) => e.namespace)).toEqual(['default', 'llm']);
    expect(set.ofKind('', 'Pod')).toEqual([]);
    expect(set.named('epp', 'llm').map((e) => e.namespace)).toEqual(['llm']);
  });
});

describe('podsSelectedBy', () => {
  const set = new ObjectSet([
    deployment('model', 'default', { app: 'model', tier: 'gpu' }),
    deployment('model-llm', 'llm', { app: 'model', tier: 'gpu' }),
    deployment('picker', 'default', { app: 'picker' }),
  ]);
  const names = (pods: ReturnType<ObjectSet['pods']>) => pods.map((p) => p.owner.name);

  test('a label map selects pods with every pair, in the namespace given', () => {
    expect(names(set.podsSelectedBy({ app: 'model', tier: 'gpu' }, 'default'))).toEqual(['model']);
    expect(names(set.podsSelectedBy({ app: 'model' }, undefined))).toEqual(['model', 'model-llm']);
    expect(names(set.podsSelectedBy({ app: 'model', tier: 'cpu' }, 'default'))).toEqual([]);
  });

  test('an empty selector selects nothing', () => {
    expect(set.podsSelectedBy({}, 'default')).toEqual([]);
    expect(set.podsSelectedBy({}, 'default', true)).toEqual([]);
  });

  test('a LabelSelector of expressions alone is evaluated on every pod of the namespace', () => {
    const selector = { matchExpressions: [{ key: 'tier', operator: 'Exists' }] };
    expect(names(set.podsSelectedBy(selector, 'default', true))).toEqual(['model']);
  });

  test('for random pods and selectors the index gives what a scan with matchesSelector gives', () => {
    const labels = fc.dictionary(fc.constantFrom('app', 'tier', 'zone'), fc.constantFrom('a', 'b'), { maxKeys: 3 });
    const expression = fc.record({ key: fc.constantFrom('app', 'tier', 'zone'), operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist'), values: fc.array(fc.constantFrom('a', 'b'), { maxLength: 2 }) });
    const selector = fc.record({ matchLabels: labels, matchExpressions: fc.array(expression, { maxLength: 2 }) });
    const pods = fc.array(fc.tuple(labels, fc.constantFrom('default', 'llm')), { maxLength: 8 });
    fc.assert(
      fc.property(pods, selector, fc.constantFrom('default', 'llm', undefined), (podList, sel, namespace) => {
        const s = new ObjectSet(podList.map(([l, ns], i) => deployment(`d${i}`, ns, l)));
        const scanned = s.podTemplates.filter((p) => (namespace === undefined || p.namespace === namespace) && matchesSelector(sel, p.labels));
        expect(s.podsSelectedBy(sel, namespace, true)).toEqual(scanned);
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});
