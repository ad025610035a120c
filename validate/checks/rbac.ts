/** RBAC bindings: the API group the API server insists on, and a role that exists. */
import { asRecord, asString } from '../types';
import { RBAC_API_GROUP } from '../../charts-gen/well-known';
import type { CheckContext } from './context';

/** Roles every cluster has, which the manifests need not carry. */
export function isWellKnownClusterRole(name: string): boolean {
  return ['cluster-admin', 'admin', 'edit', 'view'].includes(name) || name.startsWith('system:');
}

export function checkBindings(ctx: CheckContext): void {
  for (const binding of [...ctx.set.ofKind(RBAC_API_GROUP, 'RoleBinding'), ...ctx.set.ofKind(RBAC_API_GROUP, 'ClusterRoleBinding')]) {
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
      else if (!ctx.set.find(RBAC_API_GROUP, 'Role', name, binding.namespace)) {
        ctx.report(binding, 'roleRef.name', `Role "${name}" is not in namespace ${binding.namespace ?? 'default'} of the manifests`);
      }
    } else {
      ctx.report(binding, 'roleRef.kind', `must be Role or ClusterRole; got ${JSON.stringify(roleRef.kind) ?? 'nothing'}`);
    }
  }
}
