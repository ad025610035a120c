/**
 * The model of pulumi-kubernetes' ConfigGroup ordering (plan/config-group-order.ts): what is ordered
 * (depends-on annotation, namespaces, CRDs, transitively) and what is created in parallel.
 */
import { DEPENDS_ON_ANNOTATION, orderConfigGroup, parseDependsOn } from '../../plan/config-group-order';
import type { KubeObject } from '../../infra/manifests';

const object = (apiVersion: string, kind: string, name: string, namespace?: string, dependsOn?: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}), ...(dependsOn ? { annotations: { [DEPENDS_ON_ANNOTATION]: dependsOn } } : {}) },
  ...extra,
});
const waits = (objects: KubeObject[], name: string): string[] => [...(orderConfigGroup(objects).find((o) => o.ref.name === name)?.waitsFor ?? [])].sort();

const serviceAccount = object('v1', 'ServiceAccount', 'reader', 'default');
const tokenFor = (dependsOn?: string) =>
  object('v1', 'Secret', 'reader-token', 'default', dependsOn, { type: 'kubernetes.io/service-account-token', metadata: { name: 'reader-token', namespace: 'default', annotations: { 'kubernetes.io/service-account.name': 'reader', ...(dependsOn ? { [DEPENDS_ON_ANNOTATION]: dependsOn } : {}) } } });

test('an object annotated with depends-on waits for the object it names', () => {
  expect(waits([serviceAccount, tokenFor('/namespaces/default/ServiceAccount/reader')], 'reader-token')).toEqual(['/namespaces/default/ServiceAccount/reader']);
});

test('without the annotation the two are created in parallel: neither waits', () => {
  const objects = [serviceAccount, tokenFor()];
  expect([waits(objects, 'reader-token'), waits(objects, 'reader')]).toEqual([[], []]);
});

test('waiting is transitive, and cluster-scoped references use <group>/<kind>/<name>', () => {
  const objects = [
    object('rbac.authorization.k8s.io/v1', 'ClusterRole', 'role'),
    object('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'binding', undefined, 'rbac.authorization.k8s.io/ClusterRole/role'),
    object('apps/v1', 'Deployment', 'app', 'default', 'rbac.authorization.k8s.io/ClusterRoleBinding/binding'),
  ];
  expect(waits(objects, 'app')).toEqual(['rbac.authorization.k8s.io/ClusterRole/role', 'rbac.authorization.k8s.io/ClusterRoleBinding/binding']);
});

test('namespaced objects wait for their Namespace and custom resources for their CRD when the group holds them', () => {
  const objects = [
    object('v1', 'Namespace', 'llm'),
    object('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'inferencepools.inference.networking.x-k8s.io', undefined, undefined, { spec: { group: 'inference.networking.x-k8s.io', names: { kind: 'InferencePool' } } }),
    object('inference.networking.x-k8s.io/v1alpha2', 'InferencePool', 'pool', 'llm'),
  ];
  expect(waits(objects, 'pool')).toEqual(['/Namespace/llm', 'apiextensions.k8s.io/CustomResourceDefinition/inferencepools.inference.networking.x-k8s.io']);
});

test('an annotation that does not parse is ignored as a whole, as cli-utils does, and reported', () => {
  const ordered = orderConfigGroup([serviceAccount, tokenFor('ServiceAccount/reader')]);
  expect(ordered[1]).toMatchObject({ waitsFor: new Set(), unparsedAnnotation: 'ServiceAccount/reader' });
  expect(parseDependsOn('/namespaces/default/ServiceAccount/reader, apps/namespaces/default/Deployment/x')).toHaveLength(2);
  expect(parseDependsOn('/namespaces/default/ServiceAccount')).toBeUndefined();
});

test('a reference outside the group is dropped (the provider registers dependsOn only within the group)', () => {
  expect(waits([tokenFor('/namespaces/default/ServiceAccount/elsewhere')], 'reader-token')).toEqual([]);
});
