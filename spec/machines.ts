/**
 * Whether a container's requests fit one node of a Compute Engine machine type once GKE has reserved its
 * share (GKE "Standard cluster architecture", node allocatable resources) and the system DaemonSets of a
 * GKE node (kube-proxy, logging, metadata server, Managed Prometheus collector) have theirs.
 */

/** vCPUs and GiB of memory of a machine type, for the families whose shape its name encodes. */
export function machineShape(machineType: string): { readonly cpus: number; readonly memoryGiB: number } | undefined {
  const shared: Record<string, { cpus: number; memoryGiB: number }> = {
    'e2-micro': { cpus: 2, memoryGiB: 1 },
    'e2-small': { cpus: 2, memoryGiB: 2 },
    'e2-medium': { cpus: 2, memoryGiB: 4 },
  };
  if (shared[machineType]) return shared[machineType];
  const match = /^(e2|n1|n2|n2d|n4|c2|c2d|c3|c3d|c4|c4a|c4d|t2d|t2a)-(standard|highmem|highcpu)-(\d+)$/.exec(machineType);
  if (!match) return undefined;
  const [, family, shape, count] = match;
  const perCpu = family === 'n1' ? { standard: 3.75, highmem: 6.5, highcpu: 0.9 } : { standard: 4, highmem: 8, highcpu: family === 'c2d' ? 2 : 1 };
  const cpus = Number(count);
  return { cpus, memoryGiB: cpus * perCpu[shape as keyof typeof perCpu] };
}

/** CPU GKE reserves for the kubelet and the system: 6% of the first core, 1% of the next, 0.5% of the next two, 0.25% above four. */
function reservedCpu(cpus: number): number {
  const tiers: [number, number][] = [[1, 0.06], [1, 0.01], [2, 0.005], [Infinity, 0.0025]];
  let left = cpus;
  let reserved = 0;
  for (const [size, share] of tiers) {
    const part = Math.min(left, size);
    reserved += part * share;
    left -= part;
  }
  return reserved;
}

/** Memory GKE reserves: 25% of the first 4 GiB, 20% of the next 4, 10% of the next 8, 6% up to 128, 2% above; plus 100 MiB for eviction. */
function reservedMemoryGiB(memoryGiB: number): number {
  if (memoryGiB < 1) return 255 / 1024;
  const tiers: [number, number][] = [[4, 0.25], [4, 0.2], [8, 0.1], [112, 0.06], [Infinity, 0.02]];
  let left = memoryGiB;
  let reserved = 100 / 1024;
  for (const [size, share] of tiers) {
    const part = Math.min(left, size);
    reserved += part * share;
    left -= part;
  }
  return reserved;
}

/** What GKE's own DaemonSets request on every node, roughly; a node is never all ours. */
const SYSTEM_PODS = { cpus: 0.5, memoryGiB: 1 };

/** Cores in a Kubernetes CPU quantity (`500m`, `1.5`, `4`). */
export function parseCpu(quantity: string): number {
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity);
}

/** A memory quantity with a binary suffix, the only kind the spec accepts (`512Mi`, `24Gi`). */
const MEMORY_QUANTITY = /^(\d+)(Ki|Mi|Gi|Ti)$/;

/** GiB in a Kubernetes memory quantity with a binary suffix (`512Mi`, `24Gi`). */
export function parseMemoryGiB(quantity: string): number {
  const units: Record<string, number> = { Ki: 1 / 1024 ** 2, Mi: 1 / 1024, Gi: 1, Ti: 1024 };
  const match = MEMORY_QUANTITY.exec(quantity);
  return match ? Number(match[1]) * units[match[2]] : NaN;
}

/** `factor` times a memory quantity, in the same unit (`2Gi` x 2 = `4Gi`). */
export function scaleMemory(quantity: string, factor: number): string {
  const match = MEMORY_QUANTITY.exec(quantity);
  if (!match) throw new Error(`not a memory quantity: ${quantity}`);
  return `${Number(match[1]) * factor}${match[2]}`;
}

/** Whether the requests fit one node, with what is left there; undefined for an unknown machine type. */
export function fitsMachine(machineType: string, cpu: string, memory: string): { readonly fits: boolean; readonly allocatable: string } | undefined {
  const shape = machineShape(machineType);
  if (shape === undefined) return undefined;
  const cpus = shape.cpus - reservedCpu(shape.cpus) - SYSTEM_PODS.cpus;
  const memoryGiB = shape.memoryGiB - reservedMemoryGiB(shape.memoryGiB) - SYSTEM_PODS.memoryGiB;
  return {
    fits: parseCpu(cpu) <= cpus && parseMemoryGiB(memory) <= memoryGiB,
    allocatable: `${cpus.toFixed(2)} CPU and ${memoryGiB.toFixed(1)} GiB`,
  };
}
