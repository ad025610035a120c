/**
 * Gateway API and GKE policy references: HTTPRoute parents and backends, policy targets, and the
 * health check each InferencePool needs exactly once, on the port its model servers listen on.
 */
import type { Entry } from '../object-set';
import { asArray, asRecord, asString } from '../types';
import { GATEWAY_GROUP, INFERENCE_GROUPS, type CheckContext } from './context';

function describeRef(group: string, kind: string, name: string): string {
  return `${kind}${group ? `.${group}` : ''} "${name}"`;
}

export function checkRoutes(ctx: CheckContext): void {
  for (const route of ctx.set.ofKind(GATEWAY_GROUP, 'HTTPRoute')) {
    const spec = asRecord(route.object.spec);
    asArray(spec.parentRefs).forEach((raw, index) => {
      const ref = asRecord(raw);
      const group = asString(ref.group) ?? GATEWAY_GROUP;
      const kind = asString(ref.kind) ?? 'Gateway';
      const name = asString(ref.name) ?? '';
      const namespace = asString(ref.namespace) ?? route.namespace;
      const path = `spec.parentRefs[${index}]`;
      const gateway = ctx.set.find(group, kind, name, namespace);
      if (!gateway || kind !== 'Gateway') {
        ctx.report(route, `${path}.name`, `${describeRef(group, kind, name)} in namespace ${namespace} is not in the manifests (no Gateway would accept this route)`);
        return;
      }
      const listeners = asArray(asRecord(gateway.object.spec).listeners).map(asRecord);
      const section = asString(ref.sectionName);
      if (section && !listeners.some((l) => l.name === section)) {
        ctx.report(route, `${path}.sectionName`, `Gateway "${name}" has no listener "${section}" (listeners: ${listeners.map((l) => String(l.name)).join(', ')})`);
      }
      if (typeof ref.port === 'number' && !listeners.some((l) => l.port === ref.port)) {
        ctx.report(route, `${path}.port`, `Gateway "${name}" has no listener on port ${ref.port}`);
      }
    });
    asArray(spec.rules).forEach((rawRule, ri) => {
      asArray(asRecord(rawRule).backendRefs).forEach((raw, bi) => {
        const ref = asRecord(raw);
        const group = asString(ref.group) ?? '';
        const kind = asString(ref.kind) ?? 'Service';
        const name = asString(ref.name) ?? '';
        const namespace = asString(ref.namespace) ?? route.namespace;
        const path = `spec.rules[${ri}].backendRefs[${bi}]`;
        const target = ctx.set.find(group, kind, name, namespace);
        if (!target) {
          const sameName = ctx.set.named(name, namespace).filter((e) => e.kind === kind);
          const where = sameName.length > 0 ? `${path}.group` : `${path}.name`;
          ctx.report(route, where, `backend ${describeRef(group, kind, name)} in namespace ${namespace} is not in the manifests${sameName.length > 0 ? ` (found it in group "${sameName[0].group}")` : ''}`);
          return;
        }
        if (kind === 'Service' && group === '') {
          const ports = asArray(asRecord(target.object.spec).ports).map((p) => asRecord(p).port);
          if (!ports.includes(ref.port)) ctx.report(route, `${path}.port`, `Service "${name}" has no port ${String(ref.port)} (ports: ${ports.join(', ')})`);
        }
      });
    });
  }
}

/** The objects a GKE policy's targetRef names, reported at the most specific wrong field. */
function resolveTarget(ctx: CheckContext, policy: Entry): Entry | undefined {
  const ref = asRecord(asRecord(policy.object.spec).targetRef);
  const group = asString(ref.group) ?? '';
  const kind = asString(ref.kind) ?? '';
  const name = asString(ref.name) ?? '';
  const namespace = asString(ref.namespace) ?? policy.namespace;
  const target = ctx.set.find(group, kind, name, namespace);
  if (target) return target;
  const sameName = ctx.set.named(name, namespace);
  const sameKind = sameName.find((e) => e.kind === kind);
  const [path, hint] = sameKind
    ? ['spec.targetRef.group', ` (${kind} "${name}" has group "${sameKind.group}")`]
    : sameName.length > 0
      ? ['spec.targetRef.kind', ` (objects named "${name}": ${sameName.map((e) => `${e.kind}.${e.group || 'core'}`).join(', ')})`]
      : ['spec.targetRef.name', ''];
  ctx.report(policy, path, `target ${describeRef(group, kind, name)} in namespace ${namespace} is not in the manifests${hint}`);
  return undefined;
}

const HEALTH_CHECK_BLOCKS = ['httpHealthCheck', 'httpsHealthCheck', 'http2HealthCheck', 'grpcHealthCheck', 'tcpHealthCheck'];

export function checkPolicies(ctx: CheckContext): void {
  const healthChecks = new Map<Entry, Entry[]>();
  for (const policy of ctx.set.entries.filter((e) => e.group === 'networking.gke.io')) {
    if (policy.kind !== 'HealthCheckPolicy' && policy.kind !== 'GCPBackendPolicy') continue;
    const target = resolveTarget(ctx, policy);
    if (!target || policy.kind !== 'HealthCheckPolicy') continue;
    healthChecks.set(target, [...(healthChecks.get(target) ?? []), policy]);
    if (target.kind !== 'InferencePool') continue;
    const targetPort = asRecord(target.object.spec).targetPortNumber;
    const config = asRecord(asRecord(asRecord(policy.object.spec).default).config);
    for (const block of HEALTH_CHECK_BLOCKS) {
      const port = asRecord(config[block]).port;
      if (port !== undefined && port !== targetPort) {
        ctx.report(policy, `spec.default.config.${block}.port`, `${String(port)} is not InferencePool "${target.name}"'s targetPortNumber ${String(targetPort)}: the load balancer would probe a port the model server does not serve`);
      }
    }
  }
  for (const pool of ctx.set.entries.filter((e) => e.kind === 'InferencePool' && INFERENCE_GROUPS.includes(e.group))) {
    const policies = healthChecks.get(pool) ?? [];
    if (policies.length === 0) ctx.report(pool, 'metadata.name', 'no HealthCheckPolicy targets this InferencePool (GKE would probe the default path and mark pods unhealthy)');
    for (const extra of policies.slice(1)) {
      ctx.report(extra, 'spec.targetRef', `InferencePool "${pool.name}" has ${policies.length} HealthCheckPolicies (${policies.map((p) => p.name).join(', ')}); exactly one may target it`);
    }
  }
}
