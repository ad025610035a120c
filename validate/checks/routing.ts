/**
 * Gateway API and GKE references: HTTPRoute parents and backends (weighted, model-header rules, and
 * matches that several rules or routes claim), policy targets and the health check each InferencePool
 * needs exactly once on a port its model servers listen on, and GCPRoutingExtensions (body-based routing)
 * with the Gateway they attach to and the Service they call.
 */
import type { Entry } from '../object-set';
import { asArray, asRecord, asString, fieldPath } from '../types';
import { GATEWAY_GROUP, INFERENCE_GROUPS, MODEL_NAME_HEADER, OBJECTIVE_HEADER, type CheckContext } from './context';
import { isInferencePool, lookupPoolRef, OBJECTIVE_GROUPS, poolAcceptedModels, poolPods, poolView, V1_POOL_GROUP } from './inference';
import { checkServicePort, containerPorts, describePorts, servicePods } from './services';

function describeRef(group: string, kind: string, name: string): string {
  return `${kind}${group ? `.${group}` : ''} "${name}"`;
}

export const GKE_GROUP = 'networking.gke.io';

interface RouteBackend {
  readonly target: Entry;
  readonly weight: number;
  readonly index: number;
}

/** Resolves a rule's backendRefs, reporting those that name nothing; returns the ones that resolve. */
function routeBackends(ctx: CheckContext, route: Entry, rule: Record<string, unknown>, ri: number): RouteBackend[] {
  const out: RouteBackend[] = [];
  asArray(rule.backendRefs).forEach((raw, bi) => {
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
    out.push({ target, weight: typeof ref.weight === 'number' ? ref.weight : 1, index: bi });
  });
  return out;
}

/** Where a match was first seen, for the duplicate-match check. */
interface Claim {
  readonly route: Entry;
  readonly path: string;
}

/** One match in a canonical form: two rules whose keys are equal receive exactly the same requests. */
function matchKey(raw: unknown): string {
  const match = asRecord(raw);
  const path = asRecord(match.path);
  const sorted = (list: unknown, lower: boolean) =>
    asArray(list)
      .map(asRecord)
      .map((m) => [asString(m.type) ?? 'Exact', lower ? (asString(m.name) ?? '').toLowerCase() : asString(m.name), m.value])
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return JSON.stringify([asString(path.type) ?? 'PathPrefix', asString(path.value) ?? '/', match.method ?? null, sorted(match.headers, true), sorted(match.queryParams, false)]);
}

/**
 * The listeners a route attaches to, as `namespace/gateway#listener`: the one its `sectionName` names, or
 * every listener of the Gateway. Two rules compete for traffic only on a listener they share (an HTTPS
 * route and an HTTP redirect route on the same Gateway never do).
 */
function routeListeners(ctx: CheckContext, route: Entry): string[] {
  return asArray(asRecord(route.object.spec).parentRefs).flatMap((raw) => {
    const ref = asRecord(raw);
    const name = asString(ref.name) ?? '';
    const namespace = asString(ref.namespace) ?? route.namespace;
    const gateway = ctx.set.find(asString(ref.group) ?? GATEWAY_GROUP, asString(ref.kind) ?? 'Gateway', name, namespace);
    if (!gateway) return [];
    const section = asString(ref.sectionName);
    const listeners = asArray(asRecord(gateway.object.spec).listeners).map((l) => String(asRecord(l).name));
    return (section === undefined ? listeners : listeners.filter((l) => l === section)).map((l) => `${namespace}/${name}#${l}`);
  });
}

/** Gateways an HTTPRoute attaches to (only those in the manifests), keyed `namespace/name`. */
function routeGateways(ctx: CheckContext, route: Entry): string[] {
  const out: string[] = [];
  asArray(asRecord(route.object.spec).parentRefs).forEach((raw, index) => {
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
    out.push(`${namespace}/${name}`);
  });
  return out;
}

/** Gateways (`namespace/name`) that some GCPRoutingExtension attaches to, so their requests carry the model header. */
function gatewaysWithBodyRouting(ctx: CheckContext): Set<string> {
  const out = new Set<string>();
  for (const extension of ctx.set.ofKind(GKE_GROUP, 'GCPRoutingExtension')) {
    for (const raw of asArray(asRecord(extension.object.spec).targetRefs)) {
      const ref = asRecord(raw);
      if (ref.kind === 'Gateway') out.add(`${extension.namespace}/${String(ref.name)}`);
    }
  }
  return out;
}

function shortList(names: Iterable<string>): string {
  const all = [...names];
  return all.length === 0 ? 'nothing' : all.length > 10 ? `${all.slice(0, 10).join(', ')}, ...` : all.join(', ');
}

/** Rules that match on the model header must send each model to pools that answer to it. */
function checkModelHeaders(ctx: CheckContext, route: Entry, rule: Record<string, unknown>, ri: number, backends: readonly RouteBackend[], bodyRouted: boolean, gateways: readonly string[]): void {
  asArray(rule.matches).forEach((rawMatch, mi) => {
    asArray(asRecord(rawMatch).headers).forEach((rawHeader, hi) => {
      const header = asRecord(rawHeader);
      if ((asString(header.name) ?? '').toLowerCase() !== MODEL_NAME_HEADER.toLowerCase() || (header.type ?? 'Exact') !== 'Exact') return;
      const model = asString(header.value) ?? '';
      const path = fieldPath('spec', 'rules', ri, 'matches', mi, 'headers', hi, 'value');
      if (!bodyRouted) {
        ctx.report(route, path, `matches ${MODEL_NAME_HEADER}, but no GCPRoutingExtension on Gateway ${gateways.join(', ') || '(none)'} sets that header from the request body; only clients that set it themselves reach this rule`);
      }
      for (const backend of backends) {
        if (!isInferencePool(backend.target) || backend.weight === 0 || poolPods(ctx, backend.target).length === 0) continue; // no pods: reported on the pool
        const accepted = poolAcceptedModels(ctx, backend.target);
        if (!accepted.has(model)) {
          ctx.report(route, path, `model "${model}" is sent to InferencePool "${backend.target.name}" (backendRefs[${backend.index}]), which neither serves it nor maps it with an InferenceModel or InferenceModelRewrite (it answers to: ${shortList(accepted)})`);
        }
      }
    });
  });
}

/**
 * A rule that sets the objective header must name an InferenceObjective of each GA pool it sends to: the
 * GA picker runs a request whose objective it does not find at priority 0 (llm-d-router v0.10.0
 * requestcontrol/director.go getInferenceObjective), silently.
 */
function checkObjectiveHeaders(ctx: CheckContext, route: Entry, rule: Record<string, unknown>, ri: number, backends: readonly RouteBackend[]): void {
  asArray(rule.filters).forEach((rawFilter, fi) => {
    const filter = asRecord(rawFilter);
    if (filter.type !== 'RequestHeaderModifier') return;
    asArray(asRecord(filter.requestHeaderModifier).set).forEach((rawHeader, si) => {
      const header = asRecord(rawHeader);
      if ((asString(header.name) ?? '').toLowerCase() !== OBJECTIVE_HEADER) return;
      const objective = asString(header.value) ?? '';
      for (const backend of backends) {
        if (!isInferencePool(backend.target) || backend.target.group !== V1_POOL_GROUP || backend.weight === 0) continue;
        const pool = backend.target;
        // By the pool's group too: during a migration the x-k8s pool may share the v1 pool's name.
        const found = OBJECTIVE_GROUPS.some((group) => {
          const entry = ctx.set.find(group, 'InferenceObjective', objective, pool.namespace);
          return entry !== undefined && lookupPoolRef(ctx, entry).pool === pool;
        });
        if (!found) {
          ctx.report(
            route,
            fieldPath('spec', 'rules', ri, 'filters', fi, 'requestHeaderModifier', 'set', si, 'value'),
            `sets ${OBJECTIVE_HEADER} to "${objective}", but no InferenceObjective of that name refers to InferencePool "${pool.name}" (backendRefs[${backend.index}]): its picker runs these requests at priority 0`,
          );
        }
      }
    });
  });
}

export function checkRoutes(ctx: CheckContext): void {
  const bodyRouted = gatewaysWithBodyRouting(ctx);
  /** `gateway + hostnames + match` -> the rule that claimed it first. */
  const claims = new Map<string, Claim>();
  for (const route of ctx.set.ofKind(GATEWAY_GROUP, 'HTTPRoute')) {
    const spec = asRecord(route.object.spec);
    const gateways = routeGateways(ctx, route);
    const listeners = routeListeners(ctx, route);
    const hostnames = JSON.stringify(asArray(spec.hostnames).map(String).sort());
    asArray(spec.rules).forEach((rawRule, ri) => {
      const rule = asRecord(rawRule);
      const backends = routeBackends(ctx, route, rule, ri);
      const refs = asArray(rule.backendRefs);
      if (refs.length > 0 && refs.every((ref) => asRecord(ref).weight === 0)) {
        ctx.report(route, `spec.rules[${ri}].backendRefs`, 'every backendRef has weight 0: the Gateway answers 500 to every request this rule matches');
      }
      checkModelHeaders(ctx, route, rule, ri, backends, gateways.some((g) => bodyRouted.has(g)), gateways);
      checkObjectiveHeaders(ctx, route, rule, ri, backends);
      asArray(rule.matches).forEach((match, mi) => {
        const path = `spec.rules[${ri}].matches[${mi}]`;
        for (const listener of listeners) {
          const key = `${listener}\u0000${hostnames}\u0000${matchKey(match)}`;
          const first = claims.get(key);
          if (!first) {
            claims.set(key, { route, path });
          } else if (first.route !== route) {
            ctx.report(route, path, `HTTPRoute "${first.route.name}" ${first.path} has the same match on Gateway "${listener.split('/')[1].split('#')[0]}": only one of the two rules receives this traffic (the older route's)`);
          } else if (!first.path.startsWith(`spec.rules[${ri}].`)) {
            ctx.report(route, path, `${first.path} has the same match: the earlier rule takes all of this traffic`);
          }
        }
      });
    });
  }
}

/**
 * The object a reference names, reported at its most specific wrong field when absent: the group (with
 * the group a same-named object of that kind has), the kind (with the kinds of same-named objects) or the name.
 */
function resolveRef(ctx: CheckContext, owner: Entry, path: string, raw: unknown): Entry | undefined {
  const ref = asRecord(raw);
  const group = asString(ref.group) ?? '';
  const kind = asString(ref.kind) ?? '';
  const name = asString(ref.name) ?? '';
  const namespace = asString(ref.namespace) ?? owner.namespace;
  const target = ctx.set.find(group, kind, name, namespace);
  if (target) return target;
  const sameName = ctx.set.named(name, namespace);
  const sameKind = sameName.find((e) => e.kind === kind);
  const [field, hint] = sameKind
    ? ['group', ` (${kind} "${name}" has group "${sameKind.group}")`]
    : sameName.length > 0
      ? ['kind', ` (objects named "${name}": ${sameName.map((e) => `${e.kind}.${e.group || 'core'}`).join(', ')})`]
      : ['name', ''];
  ctx.report(owner, `${path}.${field}`, `target ${describeRef(group, kind, name)} in namespace ${namespace} is not in the manifests${hint}`);
  return undefined;
}

const HEALTH_CHECK_BLOCKS = ['httpHealthCheck', 'httpsHealthCheck', 'http2HealthCheck', 'grpcHealthCheck', 'tcpHealthCheck'];

/** The fixed ports a HealthCheckPolicy probes, with their paths. */
function healthCheckPorts(policy: Entry): { port: unknown; path: string }[] {
  const config = asRecord(asRecord(asRecord(policy.object.spec).default).config);
  return HEALTH_CHECK_BLOCKS.flatMap((block) => {
    const port = asRecord(config[block]).port;
    return port === undefined ? [] : [{ port, path: `spec.default.config.${block}.port` }];
  });
}

function checkHealthCheckPort(ctx: CheckContext, policy: Entry, target: Entry): void {
  for (const { port, path } of healthCheckPorts(policy)) {
    if (isInferencePool(target)) {
      const view = poolView(target);
      if (view.targetPorts.some((p) => p.number === port)) continue;
      const which = target.group === V1_POOL_GROUP ? `one of InferencePool "${target.name}"'s targetPorts (${view.targetPorts.map((p) => String(p.number)).join(', ')})` : `InferencePool "${target.name}"'s ${view.portsText}`;
      ctx.report(policy, path, `${String(port)} is not ${which}: the load balancer would probe a port the model server does not serve`);
    } else if (target.kind === 'Service' && target.group === '') {
      const pods = servicePods(ctx, target);
      if (pods.length === 0 || pods.every((pod) => containerPorts(pod).numbers.has(port as number))) continue;
      ctx.report(policy, path, `${String(port)} is not a containerPort of the pods Service "${target.name}" selects (${describePorts(pods)}): the load balancer would mark every endpoint unhealthy`);
    }
  }
}

export function checkPolicies(ctx: CheckContext): void {
  const byTarget = { HealthCheckPolicy: new Map<Entry, Entry[]>(), GCPBackendPolicy: new Map<Entry, Entry[]>() };
  for (const kind of ['HealthCheckPolicy', 'GCPBackendPolicy'] as const) {
    for (const policy of ctx.set.ofKind(GKE_GROUP, kind)) {
      const target = resolveRef(ctx, policy, 'spec.targetRef', asRecord(policy.object.spec).targetRef);
      if (!target) continue;
      byTarget[kind].set(target, [...(byTarget[kind].get(target) ?? []), policy]);
      if (kind === 'HealthCheckPolicy') checkHealthCheckPort(ctx, policy, target);
    }
  }
  for (const group of INFERENCE_GROUPS) {
    for (const pool of ctx.set.ofKind(group, 'InferencePool')) {
      if (!byTarget.HealthCheckPolicy.has(pool)) ctx.report(pool, 'metadata.name', 'no HealthCheckPolicy targets this InferencePool (GKE would probe the default path and mark pods unhealthy)');
    }
  }
  for (const [kind, targets] of Object.entries(byTarget)) {
    for (const [target, policies] of targets) {
      for (const extra of policies.slice(1)) {
        const plural = kind === 'HealthCheckPolicy' ? 'HealthCheckPolicies' : 'GCPBackendPolicies';
        const rule = isInferencePool(target) && kind === 'HealthCheckPolicy' ? 'exactly one may target it' : 'only one of them takes effect';
        ctx.report(extra, 'spec.targetRef', `${target.kind} "${target.name}" has ${policies.length} ${plural} (${policies.map((p) => p.name).join(', ')}); ${rule}`);
      }
    }
  }
}

/** GCPRoutingExtensions attach to a Gateway of the manifests and call a Service port whose pods listen. */
export function checkRoutingExtensions(ctx: CheckContext): void {
  for (const extension of ctx.set.ofKind(GKE_GROUP, 'GCPRoutingExtension')) {
    const spec = asRecord(extension.object.spec);
    asArray(spec.targetRefs).forEach((ref, i) => {
      const target = resolveRef(ctx, extension, `spec.targetRefs[${i}]`, ref);
      if (target && (target.kind !== 'Gateway' || target.group !== GATEWAY_GROUP)) {
        ctx.report(extension, `spec.targetRefs[${i}].kind`, `a GCPRoutingExtension attaches to a Gateway; got ${describeRef(target.group, target.kind, target.name)}`);
      }
    });
    const backendRefs: { ref: Record<string, unknown>; path: string }[] = [];
    asArray(spec.extensionChains).forEach((chain, ci) => {
      asArray(asRecord(chain).extensions).forEach((ext, ei) => {
        const ref = asRecord(asRecord(ext).backendRef);
        if (Object.keys(ref).length > 0) backendRefs.push({ ref, path: `spec.extensionChains[${ci}].extensions[${ei}].backendRef` });
      });
      asArray(asRecord(asRecord(chain).matchCondition).celExpressions).forEach((expression, xi) => {
        asArray(asRecord(expression).backendRefs).forEach((ref, bi) => {
          backendRefs.push({ ref: asRecord(ref), path: `spec.extensionChains[${ci}].matchCondition.celExpressions[${xi}].backendRefs[${bi}]` });
        });
      });
    });
    for (const { ref, path } of backendRefs) {
      const name = asString(ref.name) ?? '';
      const service = ctx.set.find('', 'Service', name, extension.namespace);
      if (!service) {
        ctx.report(extension, `${path}.name`, `Service "${name}" is not in namespace ${extension.namespace ?? 'default'} of the manifests`);
      } else if (typeof ref.port === 'number') {
        checkServicePort(ctx, { owner: extension, namePath: `${path}.name`, portPath: `${path}.port`, role: 'routing extension' }, service, ref.port);
      }
    }
  }
}
