/**
 * The guide's six metrics-reader objects (step 5 of "prepare the environment"), with the guide's names.
 */
import { MetricsReader } from '../../charts-gen/metrics-reader';
import { findAll, findObject, inventory, synthConstruct } from './helpers';

const objects = synthConstruct((chart) => {
  new MetricsReader(chart, 'MetricsReader', { namespace: 'default' });
});

describe('the metrics reader', () => {
  test("is exactly the guide's six objects", () => {
    expect(inventory(objects)).toEqual([
      'ClusterRole/inference-gateway-metrics-reader',
      'ClusterRole/inference-gateway-sa-metrics-reader-secret-read',
      'ClusterRoleBinding/gmp-system:collector:inference-gateway-sa-metrics-reader-secret-read',
      'ClusterRoleBinding/inference-gateway-sa-metrics-reader-role-binding',
      'Secret/inference-gateway-sa-metrics-reader-secret',
      'ServiceAccount/inference-gateway-sa-metrics-reader',
    ]);
  });

  test('ClusterRole inference-gateway-metrics-reader allows GET on the non-resource URL /metrics', () => {
    const role = findObject(objects, 'ClusterRole', 'inference-gateway-metrics-reader');
    expect(role.apiVersion).toBe('rbac.authorization.k8s.io/v1');
    // The API server reads `nonResourceURLs`; a misspelt key would be dropped and grant nothing.
    expect(role.rules).toEqual([{ nonResourceURLs: ['/metrics'], verbs: ['get'] }]);
  });

  test('ServiceAccount inference-gateway-sa-metrics-reader lives in namespace default', () => {
    expect(findObject(objects, 'ServiceAccount', 'inference-gateway-sa-metrics-reader').metadata).toEqual({
      name: 'inference-gateway-sa-metrics-reader',
      namespace: 'default',
    });
  });

  test('ClusterRoleBinding inference-gateway-sa-metrics-reader-role-binding grants the metrics role to that ServiceAccount', () => {
    const binding = findObject(objects, 'ClusterRoleBinding', 'inference-gateway-sa-metrics-reader-role-binding');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'inference-gateway-sa-metrics-reader', namespace: 'default' }]);
    expect(binding.roleRef).toEqual({ kind: 'ClusterRole', name: 'inference-gateway-metrics-reader', apiGroup: 'rbac.authorization.k8s.io' });
  });

  test('Secret inference-gateway-sa-metrics-reader-secret is a service-account-token Secret for that ServiceAccount, holding no data', () => {
    const secret = findObject(objects, 'Secret', 'inference-gateway-sa-metrics-reader-secret');
    expect(secret.type).toBe('kubernetes.io/service-account-token');
    expect(secret.metadata).toEqual({
      name: 'inference-gateway-sa-metrics-reader-secret',
      namespace: 'default',
      annotations: { 'kubernetes.io/service-account.name': 'inference-gateway-sa-metrics-reader' },
    });
    expect(secret.data).toBeUndefined();
    expect(secret.stringData).toBeUndefined();
  });

  test('ClusterRole inference-gateway-sa-metrics-reader-secret-read allows get, list and watch on that Secret only', () => {
    expect(findObject(objects, 'ClusterRole', 'inference-gateway-sa-metrics-reader-secret-read').rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'], resourceNames: ['inference-gateway-sa-metrics-reader-secret'] },
    ]);
  });

  test('ClusterRoleBinding gmp-system:collector:... grants the secret-read role to ServiceAccount collector in gmp-system', () => {
    const binding = findObject(objects, 'ClusterRoleBinding', 'gmp-system:collector:inference-gateway-sa-metrics-reader-secret-read');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'collector', namespace: 'gmp-system' }]);
    expect(binding.roleRef).toEqual({ kind: 'ClusterRole', name: 'inference-gateway-sa-metrics-reader-secret-read', apiGroup: 'rbac.authorization.k8s.io' });
  });

  test('every ClusterRoleBinding names roleRef.apiGroup rbac.authorization.k8s.io', () => {
    const bindings = findAll(objects, 'ClusterRoleBinding');
    expect(bindings).toHaveLength(2);
    expect(bindings.map((binding) => binding.roleRef.apiGroup)).toEqual(['rbac.authorization.k8s.io', 'rbac.authorization.k8s.io']);
  });

  test('on Autopilot (collectorNamespace gke-gmp-system) the collector binding names gke-gmp-system', () => {
    const autopilot = synthConstruct((chart) => {
      new MetricsReader(chart, 'MetricsReader', { namespace: 'default', collectorNamespace: 'gke-gmp-system' });
    });
    const binding = findObject(autopilot, 'ClusterRoleBinding', 'gke-gmp-system:collector:inference-gateway-sa-metrics-reader-secret-read');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'collector', namespace: 'gke-gmp-system' }]);
  });
});
