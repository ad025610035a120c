/**
 * Services and the pods behind them: whether a port a reference names exists on the Service, and whether
 * the pods the Service selects listen where it forwards. Shared by the InferencePool endpoint picker,
 * GCPRoutingExtension backends and HealthCheckPolicies on Services.
 */
import type { Entry, PodTemplate } from '../object-set';
import { asArray, asRecord } from '../types';
import type { CheckContext } from './context';

export interface ContainerPorts {
  readonly numbers: ReadonlySet<number>;
  readonly names: ReadonlyMap<string, number>;
}

const portsByPod = new WeakMap<PodTemplate, ContainerPorts>();

/** The container ports of a pod template's (non-init) containers, by number and by name. */
export function containerPorts(pod: PodTemplate): ContainerPorts {
  const cached = portsByPod.get(pod);
  if (cached) return cached;
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
  const ports = { numbers, names };
  portsByPod.set(pod, ports);
  return ports;
}

/** `Deployment/x exposes 9004, 9005` for messages. */
export function describePorts(pods: readonly PodTemplate[]): string {
  return pods.map((pod) => `${pod.owner.kind}/${pod.owner.name} exposes ${[...containerPorts(pod).numbers].join(', ') || 'no ports'}`).join('; ');
}

/** The pod templates a Service's selector picks. */
export function servicePods(ctx: CheckContext, service: Entry): PodTemplate[] {
  return ctx.set.podsSelectedBy(asRecord(service.object.spec).selector, service.namespace);
}

export interface ServicePortRef {
  /** The object whose field names the Service, and the paths of its name and port fields. */
  readonly owner: Entry;
  readonly namePath: string;
  readonly portPath: string;
  /** What the selected pods are, for messages: "endpoint picker", "routing extension". */
  readonly role: string;
}

/**
 * Reports when `service` has no port `portNumber`, selects no pods, or forwards that port to a target the
 * selected pods do not expose: each means the caller's traffic reaches nothing.
 */
export function checkServicePort(ctx: CheckContext, ref: ServicePortRef, service: Entry, portNumber: number): void {
  const ports = asArray(asRecord(service.object.spec).ports).map(asRecord);
  const port = ports.find((p) => p.port === portNumber);
  if (!port) {
    ctx.report(ref.owner, ref.portPath, `Service "${service.name}" has no port ${portNumber} (ports: ${ports.map((p) => String(p.port)).join(', ')})`);
  }
  const pods = servicePods(ctx, service);
  if (pods.length === 0) {
    ctx.report(ref.owner, ref.namePath, `Service "${service.name}" selects no ${ref.role} pods`);
    return;
  }
  if (!port) return;
  const target = port.targetPort ?? port.port;
  for (const pod of pods) {
    const { numbers, names } = containerPorts(pod);
    const resolved = typeof target === 'string' ? names.get(target) : target;
    if (typeof resolved !== 'number' || !numbers.has(resolved)) {
      ctx.report(ref.owner, ref.portPath, `Service "${service.name}" port ${portNumber} forwards to ${String(target)}, which ${pod.owner.kind}/${pod.owner.name}'s pods do not expose`);
    }
  }
}
