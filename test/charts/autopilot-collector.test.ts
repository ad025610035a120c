/**
 * On Autopilot Managed Prometheus' collector runs in gke-gmp-system (the llm-d-router-gateway chart's
 * `_gke.yaml` switches `$gmpNamespace` the same way): every object that names the collector, in either
 * profile and during a migration, must name that namespace and never the Standard one.
 */
import { allStrings, findAll, synthDocument, type K8sObject } from './helpers';

const AUTOPILOT = { monitoring: { collectorNamespace: 'gke-gmp-system' } };
const GA = 'llm-d-v0.10.0';
const POOL = 'vllm-llama3-8b-instruct';
const CASES: Record<string, Record<string, unknown>> = {
  guide: AUTOPILOT,
  GA: { ...AUTOPILOT, inferenceExtension: { version: GA } },
  migration: { ...AUTOPILOT, inferenceExtension: { version: GA, migration: { from: 'v0.3.0', trafficPercent: 50 } }, pools: [{ name: POOL, inferencePoolName: `${POOL}-ga` }] },
};

const collectorSubjects = (objects: K8sObject[]) =>
  findAll(objects, 'RoleBinding').flatMap((binding) => (binding.subjects ?? []).filter((subject: K8sObject) => subject.name === 'collector'));

describe.each(Object.keys(CASES))('the %s profile on Autopilot', (name) => {
  const objects = synthDocument(CASES[name]);

  test('every collector RoleBinding subject is in gke-gmp-system, one per metrics reader', () => {
    const subjects = collectorSubjects(objects);
    expect(subjects.length).toBe(name === 'migration' ? 2 : 1);
    for (const subject of subjects) expect(subject).toEqual({ kind: 'ServiceAccount', name: 'collector', namespace: 'gke-gmp-system' });
  });

  test('no object names the Standard collector namespace', () => {
    const standard = objects.filter((object) => allStrings(object).some((text) => /(^|[^-])gmp-system/.test(text)));
    expect(standard.map((object) => `${object.kind}/${object.metadata.name}`)).toEqual([]);
  });
});

test('on Standard the same objects name gmp-system (the test above can fail)', () => {
  const subjects = collectorSubjects(synthDocument({ inferenceExtension: { version: GA } }));
  expect(subjects).toEqual([{ kind: 'ServiceAccount', name: 'collector', namespace: 'gmp-system' }]);
});
