/**
 * InferencePools of both API groups and what refers to them: the endpoint picker Service, the model server
 * pods and their ports, and whether InferenceModels, InferenceObjectives and InferenceModelRewrites name a
 * pool that exists and models its pods serve.
 *
 * The two pool APIs spell the same things differently: v1alpha2 (`inference.networking.x-k8s.io`) has
 * `targetPortNumber`, a bare label map as `selector` and `extensionRef.portNumber` (9002 when left out);
 * v1 (`inference.networking.k8s.io`) has `targetPorts[].number`, `selector.matchLabels` and
 * `endpointPickerRef.port.number`. `poolView` reads either into one shape, so each check is written once.
 */
import { stringMap, type Entry, type ObjectSet, type PodTemplate } from '../object-set';
import { asArray, asRecord, asString, childPath } from '../types';
import { DEFAULT_EXTENSION_PORT, INFERENCE_GROUPS, type CheckContext } from './context';
import { checkServicePort, containerPorts, servicePods } from './services';
import { notServedReason, servedBy, type ServedModels } from './vllm';

export const V1_POOL_GROUP = 'inference.networking.k8s.io';

export function isInferencePool(entry: Entry): boolean {
  return entry.kind === 'InferencePool' && INFERENCE_GROUPS.includes(entry.group);
}

export interface TargetPort {
  readonly number: unknown;
  readonly path: string;
}

export interface PickerRef {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  /** Undefined when a v1 ref leaves the port out (its CRD rule reports that). */
  readonly port: number | undefined;
  readonly namePath: string;
  readonly portPath: string;
}

export interface PoolView {
  readonly entry: Entry;
  /** Label pairs the pool selects its model server pods by. */
  readonly selector: Readonly<Record<string, string>>;
  readonly targetPorts: readonly TargetPort[];
  /** How the pool's ports read in a message: `targetPortNumber 8000` or `targetPorts 8000, 8001`. */
  readonly portsText: string;
  readonly picker?: PickerRef;
}

const views = new WeakMap<Entry, PoolView>();

export function poolView(pool: Entry): PoolView {
  const cached = views.get(pool);
  if (cached) return cached;
  const spec = asRecord(pool.object.spec);
  let view: PoolView;
  if (pool.group === V1_POOL_GROUP) {
    const ref = asRecord(spec.endpointPickerRef);
    const targetPorts = asArray(spec.targetPorts).map((p, i) => ({ number: asRecord(p).number, path: `spec.targetPorts[${i}].number` }));
    const port = asRecord(ref.port).number;
    view = {
      entry: pool,
      selector: stringMap(asRecord(spec.selector).matchLabels),
      targetPorts,
      portsText: `targetPorts ${targetPorts.map((p) => String(p.number)).join(', ')}`,
      picker: Object.keys(ref).length === 0 ? undefined : {
        group: asString(ref.group) ?? '',
        kind: asString(ref.kind) ?? 'Service',
        name: asString(ref.name) ?? '',
        port: typeof port === 'number' ? port : undefined,
        namePath: 'spec.endpointPickerRef.name',
        portPath: 'spec.endpointPickerRef.port.number',
      },
    };
  } else {
    const ref = asRecord(spec.extensionRef);
    view = {
      entry: pool,
      selector: stringMap(spec.selector),
      targetPorts: [{ number: spec.targetPortNumber, path: 'spec.targetPortNumber' }],
      portsText: `targetPortNumber ${String(spec.targetPortNumber)}`,
      picker: Object.keys(ref).length === 0 ? undefined : {
        group: asString(ref.group) ?? '',
        kind: asString(ref.kind) ?? 'Service',
        name: asString(ref.name) ?? '',
        port: typeof ref.portNumber === 'number' ? ref.portNumber : DEFAULT_EXTENSION_PORT,
        namePath: 'spec.extensionRef.name',
        portPath: 'spec.extensionRef.portNumber',
      },
    };
  }
  views.set(pool, view);
  return view;
}

const podsByPool = new WeakMap<Entry, PodTemplate[]>();

/** The model server pod templates a pool selects (computed once per pool). */
export function poolPods(ctx: CheckContext, pool: Entry): PodTemplate[] {
  let pods = podsByPool.get(pool);
  if (pods === undefined) {
    pods = ctx.set.podsSelectedBy(poolView(pool).selector, pool.namespace);
    podsByPool.set(pool, pods);
  }
  return pods;
}

const modelsByPool = new WeakMap<Entry, ServedModels>();

/** The model names a pool's pods serve (computed once per pool). */
export function poolModels(ctx: CheckContext, pool: Entry): ServedModels {
  let models = modelsByPool.get(pool);
  if (models === undefined) {
    models = servedBy(poolPods(ctx, pool), ctx.set);
    modelsByPool.set(pool, models);
  }
  return models;
}

interface FoundFlag {
  /** The flag as written, without its value: `-poolName`, `--pool-name`. */
  readonly flag: string;
  readonly value: string;
  readonly path: string;
}

/** Reads `-name value`, `--name value` or `--name=value` (Go's flag package takes one or two dashes). */
function readFlag(container: Record<string, unknown>, names: readonly string[], base: string): FoundFlag | undefined {
  for (const field of ['command', 'args'] as const) {
    const list = asArray(container[field]);
    for (let i = 0; i < list.length; i++) {
      const arg = list[i];
      if (typeof arg !== 'string' || !arg.startsWith('-')) continue;
      const eq = arg.indexOf('=');
      const flag = eq >= 0 ? arg.slice(0, eq) : arg;
      if (!names.includes(flag.replace(/^--?/, ''))) continue;
      if (eq >= 0) return { flag, value: arg.slice(eq + 1), path: `${base}.${field}[${i}]` };
      const next = list[i + 1];
      if (typeof next === 'string') return { flag, value: next, path: `${base}.${field}[${i + 1}]` };
    }
  }
  return undefined;
}

/** The endpoint picker's own flags must name the pool whose reference points at its Service. */
function checkPickerFlags(ctx: CheckContext, pool: Entry, picker: PodTemplate): void {
  const expected: [readonly string[], string, string][] = [
    [['poolName', 'pool-name'], pool.name, 'name'],
    [['poolNamespace', 'pool-namespace'], pool.namespace ?? 'default', 'namespace'],
    [['poolGroup', 'pool-group'], pool.group, 'API group'],
  ];
  asArray(picker.spec.containers).forEach((raw, index) => {
    for (const [names, want, what] of expected) {
      const found = readFlag(asRecord(raw), names, `${picker.path}.containers[${index}]`);
      if (found && found.value !== want) {
        ctx.report(picker.owner, found.path, `${found.flag} ${found.value}: this endpoint picker serves InferencePool "${pool.name}", whose ${what} is ${want}; it would watch a pool whose traffic it never sees`);
      }
    }
  });
}

function checkPicker(ctx: CheckContext, view: PoolView): void {
  const { picker, entry: pool } = view;
  if (!picker) return;
  const service = ctx.set.find(picker.group, picker.kind, picker.name, pool.namespace);
  if (!service || picker.kind !== 'Service' || picker.group !== '') {
    ctx.report(pool, picker.namePath, `endpoint picker ${picker.kind} "${picker.name}" is not in namespace ${pool.namespace ?? 'default'} of the manifests`);
    return;
  }
  if (picker.port !== undefined) checkServicePort(ctx, { owner: pool, namePath: picker.namePath, portPath: picker.portPath, role: 'endpoint picker' }, service, picker.port);
  for (const pod of servicePods(ctx, service)) checkPickerFlags(ctx, pool, pod);
}

export function checkInferencePools(ctx: CheckContext): void {
  for (const group of INFERENCE_GROUPS) {
    for (const pool of ctx.set.ofKind(group, 'InferencePool')) {
      const view = poolView(pool);
      const pods = poolPods(ctx, pool);
      if (pods.length === 0) ctx.report(pool, 'spec.selector', `selects no model server pods in namespace ${pool.namespace ?? 'default'}`);
      for (const pod of pods) {
        const { numbers } = containerPorts(pod);
        for (const port of view.targetPorts) {
          if (!numbers.has(port.number as number)) ctx.report(pool, port.path, `${String(port.number)} is not a containerPort of ${pod.owner.kind}/${pod.owner.name}'s pods`);
        }
      }
      checkPicker(ctx, view);
    }
  }
}

/** The pool a `poolRef` names, or the most specific wrong field and why. */
export type PoolRefLookup = { readonly pool: Entry } | { readonly pool?: undefined; readonly path: string; readonly message: string };

/**
 * The pool an object's `poolRef` names, by group, kind, name and the object's namespace (group and kind
 * already defaulted by the CRD), reporting nothing: a same-named pool of the other API group is not it.
 * When there is none, the most specific wrong field, with the group a same-named pool does have.
 */
export function lookupPoolRef(ctx: CheckContext, owner: Entry): PoolRefLookup {
  const ref = asRecord(asRecord(owner.object.spec).poolRef);
  const group = asString(ref.group) ?? owner.group;
  const kind = asString(ref.kind) ?? 'InferencePool';
  const name = asString(ref.name) ?? '';
  const pool = ctx.set.find(group, kind, name, owner.namespace);
  if (pool && isInferencePool(pool)) return { pool };
  if (pool) return { path: 'spec.poolRef.kind', message: `${kind} "${name}" is not an InferencePool` };
  const other = INFERENCE_GROUPS.map((g) => ctx.set.find(g, 'InferencePool', name, owner.namespace)).find((e) => e !== undefined);
  if (other && kind === 'InferencePool') return { path: 'spec.poolRef.group', message: `InferencePool "${name}" is in group ${other.group}, not ${group}` };
  return { path: 'spec.poolRef.name', message: `${kind} "${name}" (group ${group}) is not in namespace ${owner.namespace ?? 'default'} of the manifests` };
}

/** The pool a `poolRef` names (see lookupPoolRef), or undefined after reporting why not. */
function resolvePoolRef(ctx: CheckContext, owner: Entry): Entry | undefined {
  const found = lookupPoolRef(ctx, owner);
  if (found.pool === undefined) ctx.report(owner, found.path, found.message);
  return found.pool;
}

/** InferenceModel `targetModels` (or `modelName`) must be served by the pool's pods. */
export function checkInferenceModels(ctx: CheckContext): void {
  for (const group of INFERENCE_GROUPS) {
    for (const model of ctx.set.ofKind(group, 'InferenceModel')) {
      const pool = resolvePoolRef(ctx, model);
      if (!pool || poolPods(ctx, pool).length === 0) continue; // no pods: reported on the pool
      const spec = asRecord(model.object.spec);
      const targets = asArray(spec.targetModels).map(asRecord);
      const wanted = targets.length > 0
        ? targets.map((t, i) => ({ name: asString(t.name) ?? '', path: `spec.targetModels[${i}].name` }))
        : [{ name: asString(spec.modelName) ?? '', path: 'spec.modelName' }];
      const models = poolModels(ctx, pool);
      for (const { name, path } of wanted) {
        const reason = notServedReason(name, pool.name, models);
        if (reason) ctx.report(model, path, reason);
      }
    }
  }
}

/** Groups the objective and rewrite kinds are served in: llm-d's, and the inference extension's before it moved. */
export const OBJECTIVE_GROUPS = ['llm-d.ai', 'inference.networking.x-k8s.io'];

/** InferenceObjectives name a pool that exists; the EPP ignores an objective whose pool it does not serve. */
export function checkInferenceObjectives(ctx: CheckContext): void {
  for (const group of OBJECTIVE_GROUPS) for (const objective of ctx.set.ofKind(group, 'InferenceObjective')) resolvePoolRef(ctx, objective);
}

/** InferenceModelRewrites name a pool that exists, and every rewrite target is a model its pods serve. */
export function checkInferenceModelRewrites(ctx: CheckContext): void {
  for (const group of OBJECTIVE_GROUPS) {
    for (const rewrite of ctx.set.ofKind(group, 'InferenceModelRewrite')) {
      const pool = resolvePoolRef(ctx, rewrite);
      if (!pool || poolPods(ctx, pool).length === 0) continue;
      const models = poolModels(ctx, pool);
      asArray(asRecord(rewrite.object.spec).rules).forEach((rule, ri) => {
        asArray(asRecord(rule).targets).forEach((target, ti) => {
          const name = asString(asRecord(target).modelRewrite) ?? '';
          const reason = notServedReason(name, pool.name, models);
          if (reason) ctx.report(rewrite, childPath(`spec.rules[${ri}].targets[${ti}]`, 'modelRewrite'), reason);
        });
      });
    }
  }
}

/** `group/namespace/name` of a pool, as a poolRef (already defaulted by its CRD) names it. */
function poolKey(group: string, namespace: string | undefined, name: string): string {
  return `${group}/${namespace ?? ''}/${name}`;
}

const requestNamesBySet = new WeakMap<ObjectSet, Map<string, Set<string>>>();

/**
 * Model names requests may carry for each pool besides what its pods serve: InferenceModel `modelName`s
 * and InferenceModelRewrite matches (the endpoint picker rewrites those). Gathered in one pass per run.
 */
function requestNames(ctx: CheckContext): Map<string, Set<string>> {
  let byPool = requestNamesBySet.get(ctx.set);
  if (byPool) return byPool;
  byPool = new Map();
  const add = (owner: Entry, name: string | undefined) => {
    if (!name) return;
    const ref = asRecord(asRecord(owner.object.spec).poolRef);
    const key = poolKey(asString(ref.group) ?? owner.group, owner.namespace, asString(ref.name) ?? '');
    byPool?.set(key, (byPool.get(key) ?? new Set()).add(name));
  };
  for (const group of INFERENCE_GROUPS) {
    for (const model of ctx.set.ofKind(group, 'InferenceModel')) add(model, asString(asRecord(model.object.spec).modelName));
  }
  for (const group of OBJECTIVE_GROUPS) {
    for (const rewrite of ctx.set.ofKind(group, 'InferenceModelRewrite')) {
      for (const rule of asArray(asRecord(rewrite.object.spec).rules)) {
        for (const match of asArray(asRecord(rule).matches)) add(rewrite, asString(asRecord(asRecord(match).model).value));
      }
    }
  }
  requestNamesBySet.set(ctx.set, byPool);
  return byPool;
}

/** Model names a pool answers to: what its pods serve, and the names InferenceModels and rewrites map onto them. */
export function poolAcceptedModels(ctx: CheckContext, pool: Entry): ReadonlySet<string> {
  const extra = requestNames(ctx).get(poolKey(pool.group, pool.namespace, pool.name)) ?? [];
  return new Set([...poolModels(ctx, pool).served, ...extra]);
}
