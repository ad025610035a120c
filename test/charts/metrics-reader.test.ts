/**
 * The guide's metrics-reader objects (step 5 of "prepare the environment"): the guide's names for the
 * namespaced ones; the cluster-scoped ones carry their namespace, and the collector may read the token
 * Secret in its own namespace only.
 */
import { MetricsReader } from '../../charts-gen/metrics-reader';
import { guideMetricsReader } from '../../spec';
import { findAll, findObject, inventory, synthConstruct } from './helpers';

const objects = synthConstruct((chart) => {
  new MetricsReader(chart, 'MetricsReader', { namespace: 'default', names: guideMetricsReader('default', 'gmp-system') });
});

describe('the metrics reader', () => {
  test("is the guide's six objects, the secret read grant namespaced", () => {
    expect(inventory(objects)).toEqual([
      'ClusterRole/default.inference-gateway-metrics-reader',
      'ClusterRoleBinding/default.inference-gateway-sa-metrics-reader-role-binding',
      'Role/inference-gateway-sa-metrics-reader-secret-read',
      'RoleBinding/gmp-system:collector:inference-gateway-sa-metrics-reader-secret-read',
      'Secret/inference-gateway-sa-metrics-reader-secret',
      'ServiceAccount/inference-gateway-sa-metrics-reader',
    ]);
  });

  test('ClusterRole default.inference-gateway-metrics-reader allows GET on the non-resource URL /metrics', () => {
    const role = findObject(objects, 'ClusterRole', 'default.inference-gateway-metrics-reader');
    expect(role.apiVersion).toBe('rbac.authorization.k8s.io/v1');
    // The API server reads `nonResourceURLs`; a misspelt key would be dropped and grant nothing.
    expect(role.rules).toEqual([{ nonResourceURLs: ['/metrics'], verbs: ['get'] }]);
  });

  test('the cluster-scoped names of two namespaces never meet, whatever their dashes', () => {
    const names = (namespace: string) => {
      const reader = guideMetricsReader(namespace, 'gmp-system');
      return [reader.metricsRole, reader.metricsRoleBinding];
    };
    expect(names('team-a')).not.toEqual(names('team'));
    expect(names('team-a')[0]).toBe('team-a.inference-gateway-metrics-reader');
  });

  test('ServiceAccount inference-gateway-sa-metrics-reader lives in namespace default', () => {
    expect(findObject(objects, 'ServiceAccount', 'inference-gateway-sa-metrics-reader').metadata).toEqual({
      name: 'inference-gateway-sa-metrics-reader',
      namespace: 'default',
    });
  });

  test('the metrics ClusterRoleBinding grants the metrics role to that ServiceAccount', () => {
    const binding = findObject(objects, 'ClusterRoleBinding', 'default.inference-gateway-sa-metrics-reader-role-binding');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'inference-gateway-sa-metrics-reader', namespace: 'default' }]);
    expect(binding.roleRef).toEqual({ kind: 'ClusterRole', name: 'default.inference-gateway-metrics-reader', apiGroup: 'rbac.authorization.k8s.io' });
  });

  test('Secret inference-gateway-sa-metrics-reader-secret is a service-account-token Secret for that ServiceAccount, holding no data', () => {
    const secret = findObject(objects, 'Secret', 'inference-gateway-sa-metrics-reader-secret');
    expect(secret.type).toBe('kubernetes.io/service-account-token');
    expect(secret.metadata.annotations?.['kubernetes.io/service-account.name']).toBe('inference-gateway-sa-metrics-reader');
    expect(secret.data).toBeUndefined();
    expect(secret.stringData).toBeUndefined();
  });

  test('the token Secret is applied after its ServiceAccount: depends-on for Pulumi and Config Sync, a later sync wave for Argo CD, a later place in the file', () => {
    const secret = findObject(objects, 'Secret', 'inference-gateway-sa-metrics-reader-secret');
    expect(secret.metadata.annotations?.['config.kubernetes.io/depends-on']).toBe('/namespaces/default/ServiceAccount/inference-gateway-sa-metrics-reader');
    expect(secret.metadata.annotations?.['argocd.argoproj.io/sync-wave']).toBe('1');
    const order = objects.map((object) => object.kind);
    expect(order.indexOf('ServiceAccount')).toBeLessThan(order.indexOf('Secret'));
  });

  test('Role inference-gateway-sa-metrics-reader-secret-read, in the Secret\'s namespace, allows get, list and watch on that Secret only', () => {
    const role = findObject(objects, 'Role', 'inference-gateway-sa-metrics-reader-secret-read');
    expect(role.metadata.namespace).toBe('default');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'], resourceNames: ['inference-gateway-sa-metrics-reader-secret'] },
    ]);
  });

  test('RoleBinding gmp-system:collector:... grants the secret-read Role to ServiceAccount collector in gmp-system, in namespace default only', () => {
    const binding = findObject(objects, 'RoleBinding', 'gmp-system:collector:inference-gateway-sa-metrics-reader-secret-read');
    expect(binding.metadata.namespace).toBe('default');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'collector', namespace: 'gmp-system' }]);
    expect(binding.roleRef).toEqual({ kind: 'Role', name: 'inference-gateway-sa-metrics-reader-secret-read', apiGroup: 'rbac.authorization.k8s.io' });
  });

  test('no object grants the collector anything cluster-wide', () => {
    const clusterBindings = findAll(objects, 'ClusterRoleBinding');
    expect(clusterBindings.flatMap((binding) => binding.subjects.map((subject: { name: string }) => subject.name))).toEqual(['inference-gateway-sa-metrics-reader']);
  });

  test('every binding names roleRef.apiGroup rbac.authorization.k8s.io', () => {
    const bindings = [...findAll(objects, 'ClusterRoleBinding'), ...findAll(objects, 'RoleBinding')];
    expect(bindings).toHaveLength(2);
    expect(bindings.map((binding) => binding.roleRef.apiGroup)).toEqual(['rbac.authorization.k8s.io', 'rbac.authorization.k8s.io']);
  });

  test('on Autopilot (collectorNamespace gke-gmp-system) the collector binding names gke-gmp-system', () => {
    const autopilot = synthConstruct((chart) => {
      new MetricsReader(chart, 'MetricsReader', { namespace: 'default', names: guideMetricsReader('default', 'gke-gmp-system'), collectorNamespace: 'gke-gmp-system' });
    });
    const binding = findObject(autopilot, 'RoleBinding', 'gke-gmp-system:collector:inference-gateway-sa-metrics-reader-secret-read');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'collector', namespace: 'gke-gmp-system' }]);
  });
});
