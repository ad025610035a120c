/** RBAC bindings: the API group the API server insists on, a role that exists, and ServiceAccounts that exist. */
import type { Entry } from '../object-set';
import { asArray, asRecord, asString } from '../types';
import { RBAC_API_GROUP } from '../../charts-gen/well-known';
import type { CheckContext } from './context';

/** Roles every cluster has, which the manifests need not carry. */
export function isWellKnownClusterRole(name: string): boolean {
  return ['cluster-admin', 'admin', 'edit', 'view'].includes(name) || name.startsWith('system:');
}

/**
 * Objects the control plane creates in kube-system: the Role that lets aggregated API servers read the
 * client-CA ConfigMap (the API server's bootstrap RBAC policy), and the ServiceAccount the
 * kube-controller-manager runs the HPA controller as (--use-service-account-credentials).
 */
const BUILT_IN_ROLES = new Set(['kube-system/extension-apiserver-authentication-reader']);
const BUILT_IN_SERVICE_ACCOUNTS = new Set(['kube-system/horizontal-pod-autoscaler']);

/**
 * ServiceAccount subjects in a namespace the manifests write to must be among the manifests: a typo
 * there binds the role to nobody. Namespaces the manifests do not touch (gmp-system's collector) are
 * someone else's, and `default` exists everywhere.
 */
function checkSubjects(ctx: CheckContext, binding: Entry, namespaces: ReadonlySet<string>): void {
  asArray(binding.object.subjects).forEach((raw, index) => {
    const subject = asRecord(raw);
    if (subject.kind !== 'ServiceAccount') return;
    const name = asString(subject.name) ?? '';
    const namespace = asString(subject.namespace) ?? binding.namespace;
    if (name === 'default' || namespace === undefined || !namespaces.has(namespace) || BUILT_IN_SERVICE_ACCOUNTS.has(`${namespace}/${name}`)) return;
    if (!ctx.set.find('', 'ServiceAccount', name, namespace)) {
      ctx.report(binding, `subjects[${index}].name`, `ServiceAccount "${name}" is not in namespace ${namespace} of the manifests; the binding grants its role to nobody`);
    }
  });
}

export function checkBindings(ctx: CheckContext): void {
  const namespaces = new Set(ctx.set.entries.map((e) => e.namespace).filter((n): n is string => n !== undefined));
  for (const binding of [...ctx.set.ofKind(RBAC_API_GROUP, 'RoleBinding'), ...ctx.set.ofKind(RBAC_API_GROUP, 'ClusterRoleBinding')]) {
    checkSubjects(ctx, binding, namespaces);
    const roleRef = asRecord(binding.object.roleRef);
    if (roleRef.apiGroup !== RBAC_API_GROUP) {
      ctx.report(binding, 'roleRef.apiGroup', `must be ${RBAC_API_GROUP}; got ${JSON.stringify(roleRef.apiGroup) ?? 'nothing'} (the API server rejects the binding)`);
    }
    const kind = asString(roleRef.kind);
    const name = asString(roleRef.name) ?? '';
    if (kind === 'ClusterRole') {
      if (!ctx.set.find(RBAC_API_GROUP, 'ClusterRole', name, undefined) && !isWellKnownClusterRole(name)) {
        ctx.report(binding, 'roleRef.name', `ClusterRole "${name}" is neither in the manifests nor a built-in role`);
      }
    } else if (kind === 'Role') {
      if (binding.kind === 'ClusterRoleBinding') ctx.report(binding, 'roleRef.kind', 'a ClusterRoleBinding can only refer to a ClusterRole');
      else if (!ctx.set.find(RBAC_API_GROUP, 'Role', name, binding.namespace) && !BUILT_IN_ROLES.has(`${binding.namespace}/${name}`)) {
        ctx.report(binding, 'roleRef.name', `Role "${name}" is not in namespace ${binding.namespace ?? 'default'} of the manifests`);
      }
    } else {
      ctx.report(binding, 'roleRef.kind', `must be Role or ClusterRole; got ${JSON.stringify(roleRef.kind) ?? 'nothing'}`);
    }
  }
}
