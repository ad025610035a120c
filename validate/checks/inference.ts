/**
 * InferencePool and InferenceModel references: the endpoint picker Service, the model server pods and
 * their port, and whether each InferenceModel's targets are served by the pool's pods.
 */
import type { Entry, PodTemplate } from '../object-set';
import { asArray, asRecord, asString } from '../types';
import { DEFAULT_EXTENSION_PORT, INFERENCE_GROUPS, type CheckContext } from './context';
import { adapterConfigs, servedNames } from './vllm';

function containerPorts(pod: PodTemplate): { numbers: Set<number>; names: Map<string, number> } {
  const numbers = new Set<number>();
  const names = new Map<string, number>();
  for (const container of asArray(pod.spec.containers)) {
    for (const raw of asArray(asRecord(container).ports)) {
      const port = asRecord(raw);
      if (typeof port.containerPort !== 'number') continue;
      numbers.add(port.containerPort);
      if (typeof port.name === 'string') names.set(port.name, port.containerPort);
    }
  }
  return { numbers, names };
}

function poolPods(ctx: CheckContext, pool: Entry): PodTemplate[] {
  return ctx.set.podsSelectedBy(asRecord(pool.object.spec).selector, pool.namespace);
}

function checkExtension(ctx: CheckContext, pool: Entry): void {
  const ref = asRecord(asRecord(pool.object.spec).extensionRef);
  if (Object.keys(ref).length === 0) return;
  const group = asString(ref.group) ?? '';
  const kind = asString(ref.kind) ?? 'Service';
  const name = asString(ref.name) ?? '';
  const service = ctx.set.find(group, kind, name, pool.namespace);
  if (!service || kind !== 'Service' || group !== '') {
    ctx.report(pool, 'spec.extensionRef.name', `endpoint picker ${kind} "${name}" is not in namespace ${pool.namespace ?? 'default'} of the manifests`);
    return;
  }
  const portNumber = typeof ref.portNumber === 'number' ? ref.portNumber : DEFAULT_EXTENSION_PORT;
  const ports = asArray(asRecord(service.object.spec).ports).map(asRecord);
  const port = ports.find((p) => p.port === portNumber);
  if (!port) {
    ctx.report(pool, 'spec.extensionRef.portNumber', `Service "${name}" has no port ${portNumber} (ports: ${ports.map((p) => String(p.port)).join(', ')})`);
  }
  const pickers = ctx.set.podsSelectedBy(asRecord(service.object.spec).selector, service.namespace);
  if (pickers.length === 0) {
    ctx.report(pool, 'spec.extensionRef.name', `Service "${name}" selects no endpoint picker pods`);
    return;
  }
  if (port) {
    const target = port.targetPort ?? port.port;
    for (const picker of pickers) {
      const { numbers, names } = containerPorts(picker);
      const resolved = typeof target === 'string' ? names.get(target) : target;
      if (typeof resolved !== 'number' || !numbers.has(resolved)) {
        ctx.report(pool, 'spec.extensionRef.portNumber', `Service "${name}" port ${portNumber} forwards to ${String(target)}, which ${picker.owner.kind}/${picker.owner.name}'s pods do not expose`);
      }
    }
  }
}

export function checkInferencePools(ctx: CheckContext): void {
  for (const pool of INFERENCE_GROUPS.flatMap((group) => ctx.set.ofKind(group, 'InferencePool'))) {
    const spec = asRecord(pool.object.spec);
    const pods = poolPods(ctx, pool);
    if (pods.length === 0) {
      ctx.report(pool, 'spec.selector', `selects no model server pods in namespace ${pool.namespace ?? 'default'}`);
    }
    for (const pod of pods) {
      if (!containerPorts(pod).numbers.has(spec.targetPortNumber as number)) {
        ctx.report(pool, 'spec.targetPortNumber', `${String(spec.targetPortNumber)} is not a containerPort of ${pod.owner.kind}/${pod.owner.name}'s pods`);
      }
    }
    checkExtension(ctx, pool);
  }
}

export function checkInferenceModels(ctx: CheckContext): void {
  for (const model of INFERENCE_GROUPS.flatMap((group) => ctx.set.ofKind(group, 'InferenceModel'))) {
    const spec = asRecord(model.object.spec);
    const ref = asRecord(spec.poolRef);
    const group = asString(ref.group) ?? model.group;
    const kind = asString(ref.kind) ?? 'InferencePool';
    const name = asString(ref.name) ?? '';
    const pool = ctx.set.find(group, kind, name, model.namespace);
    if (!pool) {
      ctx.report(model, 'spec.poolRef.name', `${kind} "${name}" (group ${group}) is not in namespace ${model.namespace ?? 'default'} of the manifests`);
      continue;
    }
    const pods = poolPods(ctx, pool);
    if (pods.length === 0) continue; // reported on the pool
    const served = new Set<string>();
    for (const pod of pods) {
      for (const name of servedNames(pod)) served.add(name);
      for (const config of adapterConfigs(pod, ctx.set)) for (const id of config.ids) served.add(id);
    }
    const targets = asArray(spec.targetModels).map(asRecord);
    const wanted = targets.length > 0
      ? targets.map((t, i) => ({ name: asString(t.name) ?? '', path: `spec.targetModels[${i}].name` }))
      : [{ name: asString(spec.modelName) ?? '', path: 'spec.modelName' }];
    for (const { name: target, path } of wanted) {
      if (!served.has(target)) {
        ctx.report(model, path, `"${target}" is neither the base model nor an adapter served by InferencePool "${pool.name}" (served: ${[...served].join(', ') || 'nothing'})`);
      }
    }
  }
}
