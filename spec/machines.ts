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

/**
 * How Compute Engine sells a GPU machine type. The spec's `cluster.gpuPool.provisioning` chooses among
 * on-demand, Spot and flex-start; `reservation` is recorded so the table says why on-demand is missing.
 */
export type GpuSale = 'on-demand' | 'spot' | 'flex-start' | 'reservation';

/** One GPU model as GKE names it (`cloud.google.com/gke-accelerator`, node pool `guest_accelerator.type`). */
export interface AcceleratorInfo {
  /** Memory of one GPU, in GB. */
  readonly gpuMemoryGB: number;
  /** Spot and flex-start VMs count against this regional quota (Cloud Quotas API, compute.googleapis.com). */
  readonly preemptibleQuotaId: string;
  /** The `gpu_family` dimension of the on-demand quota GPUS-PER-GPU-FAMILY-per-project-region. */
  readonly gpuFamily: string;
  /**
   * The per-model on-demand quota, for the older GPUs that have one (L4, A100): they are not counted in
   * the family quota. H100 has none; its on-demand GPUs count in GPUS-PER-GPU-FAMILY with gpu_family.
   */
  readonly onDemandQuotaId?: string;
}

/**
 * GPU models of the accelerator-optimized machine family. Names and memory from Google's "GPU machine
 * types" page (https://cloud.google.com/compute/docs/gpus); quota ids and families from "Allocation
 * quotas", GPU quota (https://cloud.google.com/compute/resource-usage#gpu_quota), and the quota ids a
 * project lists in the Cloud Quotas API (quotaInfos.list, compute.googleapis.com): Spot and flex-start VMs
 * consume the preemptible quota
 * (https://cloud.google.com/blog/products/compute/introducing-flex-start-vms-for-the-compute-engine-instance-api).
 */
export const ACCELERATORS: Readonly<Record<string, AcceleratorInfo>> = {
  'nvidia-l4': { gpuMemoryGB: 24, preemptibleQuotaId: 'PREEMPTIBLE-NVIDIA-L4-GPUS-per-project-region', gpuFamily: 'NVIDIA_L4', onDemandQuotaId: 'NVIDIA-L4-GPUS-per-project-region' },
  'nvidia-tesla-a100': { gpuMemoryGB: 40, preemptibleQuotaId: 'PREEMPTIBLE-NVIDIA-A100-GPUS-per-project-region', gpuFamily: 'NVIDIA_A100', onDemandQuotaId: 'NVIDIA-A100-GPUS-per-project-region' },
  'nvidia-a100-80gb': {
    gpuMemoryGB: 80,
    preemptibleQuotaId: 'PREEMPTIBLE-NVIDIA-A100-80GB-GPUS-per-project-region',
    gpuFamily: 'NVIDIA_A100_80GB',
    onDemandQuotaId: 'NVIDIA-A100-80GB-GPUS-per-project-region',
  },
  'nvidia-h100-80gb': { gpuMemoryGB: 80, preemptibleQuotaId: 'PREEMPTIBLE-NVIDIA-H100-GPUS-per-project-region', gpuFamily: 'NVIDIA_H100' },
  'nvidia-h100-mega-80gb': { gpuMemoryGB: 80, preemptibleQuotaId: 'PREEMPTIBLE-NVIDIA-H100-MEGA-GPUS-per-project-region', gpuFamily: 'NVIDIA_H100_MEGA' },
  'nvidia-h200-141gb': { gpuMemoryGB: 141, preemptibleQuotaId: 'PREEMPTIBLE-NVIDIA-H200-GPUS-per-project-region', gpuFamily: 'NVIDIA_H200' },
  'nvidia-b200': { gpuMemoryGB: 180, preemptibleQuotaId: 'PREEMPTIBLE-NVIDIA-B200-GPUS-per-project-region', gpuFamily: 'NVIDIA_B200' },
};

/** A machine type with GPUs attached by the machine type itself. */
export interface GpuMachine {
  readonly accelerator: keyof typeof ACCELERATORS & string;
  /** GPUs per machine: the node pool's acceleratorCount must equal it. */
  readonly gpus: number;
  /** Local SSDs (375 GB) bundled with the machine; asking for another number fails node creation. 0: none bundled. */
  readonly localSsdCount: number;
  readonly sold: readonly GpuSale[];
  /**
   * Zones per region that offer it, where a source was read; absent, `cluster.gpuPool.nodeLocations`
   * is required (spec/regions.ts holds the A3 High zones and their source).
   */
  readonly zonesFrom?: 'a3-high';
}

const ALL_SALES: readonly GpuSale[] = ['on-demand', 'spot', 'flex-start', 'reservation'];
/** A3 Mega, A3 Ultra and A4 come from reservations, Spot or flex-start; no plain on-demand. */
const NO_ON_DEMAND: readonly GpuSale[] = ['spot', 'flex-start', 'reservation'];

/**
 * Every GPU machine type the spec accepts. GPUs per machine and bundled local SSDs from Google's
 * "Accelerator-optimized machine family" page (https://cloud.google.com/compute/docs/accelerator-optimized-machines);
 * how each is sold from its "Provisioning models" section and "GPU consumption options"
 * (https://cloud.google.com/compute/docs/gpus/choose-consumption-option). G2 and A2 Standard bundle no
 * local SSD (it is optional there), so their pools ask for none.
 */
export const GPU_MACHINES: Readonly<Record<string, GpuMachine>> = {
  'g2-standard-4': { accelerator: 'nvidia-l4', gpus: 1, localSsdCount: 0, sold: ALL_SALES },
  'g2-standard-8': { accelerator: 'nvidia-l4', gpus: 1, localSsdCount: 0, sold: ALL_SALES },
  'g2-standard-12': { accelerator: 'nvidia-l4', gpus: 1, localSsdCount: 0, sold: ALL_SALES },
  'g2-standard-16': { accelerator: 'nvidia-l4', gpus: 1, localSsdCount: 0, sold: ALL_SALES },
  'g2-standard-24': { accelerator: 'nvidia-l4', gpus: 2, localSsdCount: 0, sold: ALL_SALES },
  'g2-standard-32': { accelerator: 'nvidia-l4', gpus: 1, localSsdCount: 0, sold: ALL_SALES },
  'g2-standard-48': { accelerator: 'nvidia-l4', gpus: 4, localSsdCount: 0, sold: ALL_SALES },
  'g2-standard-96': { accelerator: 'nvidia-l4', gpus: 8, localSsdCount: 0, sold: ALL_SALES },
  'a2-highgpu-1g': { accelerator: 'nvidia-tesla-a100', gpus: 1, localSsdCount: 0, sold: ALL_SALES },
  'a2-highgpu-2g': { accelerator: 'nvidia-tesla-a100', gpus: 2, localSsdCount: 0, sold: ALL_SALES },
  'a2-highgpu-4g': { accelerator: 'nvidia-tesla-a100', gpus: 4, localSsdCount: 0, sold: ALL_SALES },
  'a2-highgpu-8g': { accelerator: 'nvidia-tesla-a100', gpus: 8, localSsdCount: 0, sold: ALL_SALES },
  'a2-megagpu-16g': { accelerator: 'nvidia-tesla-a100', gpus: 16, localSsdCount: 0, sold: ALL_SALES },
  'a2-ultragpu-1g': { accelerator: 'nvidia-a100-80gb', gpus: 1, localSsdCount: 1, sold: ALL_SALES },
  'a2-ultragpu-2g': { accelerator: 'nvidia-a100-80gb', gpus: 2, localSsdCount: 2, sold: ALL_SALES },
  'a2-ultragpu-4g': { accelerator: 'nvidia-a100-80gb', gpus: 4, localSsdCount: 4, sold: ALL_SALES },
  'a2-ultragpu-8g': { accelerator: 'nvidia-a100-80gb', gpus: 8, localSsdCount: 8, sold: ALL_SALES },
  // a3-highgpu-1g, -2g and -4g exist only as Spot or flex-start VMs.
  'a3-highgpu-1g': { accelerator: 'nvidia-h100-80gb', gpus: 1, localSsdCount: 2, sold: ['spot', 'flex-start'], zonesFrom: 'a3-high' },
  'a3-highgpu-2g': { accelerator: 'nvidia-h100-80gb', gpus: 2, localSsdCount: 4, sold: ['spot', 'flex-start'], zonesFrom: 'a3-high' },
  'a3-highgpu-4g': { accelerator: 'nvidia-h100-80gb', gpus: 4, localSsdCount: 8, sold: ['spot', 'flex-start'], zonesFrom: 'a3-high' },
  'a3-highgpu-8g': { accelerator: 'nvidia-h100-80gb', gpus: 8, localSsdCount: 16, sold: ALL_SALES, zonesFrom: 'a3-high' },
  'a3-megagpu-8g': { accelerator: 'nvidia-h100-mega-80gb', gpus: 8, localSsdCount: 16, sold: NO_ON_DEMAND },
  'a3-ultragpu-8g': { accelerator: 'nvidia-h200-141gb', gpus: 8, localSsdCount: 32, sold: NO_ON_DEMAND },
  'a4-highgpu-8g': { accelerator: 'nvidia-b200', gpus: 8, localSsdCount: 32, sold: NO_ON_DEMAND },
};

/** The table's entry for a machine type, or undefined (own keys only). */
export function gpuMachine(machineType: string): GpuMachine | undefined {
  return Object.prototype.hasOwnProperty.call(GPU_MACHINES, machineType) ? GPU_MACHINES[machineType] : undefined;
}

/** The machine types carrying an accelerator, for error messages. */
export function machinesOf(accelerator: string): string[] {
  return Object.entries(GPU_MACHINES)
    .filter(([, machine]) => machine.accelerator === accelerator)
    .map(([name]) => name);
}

/**
 * Billions of parameters in a model id that states them (`meta-llama/Llama-3.1-8B-Instruct` -> 8,
 * `Qwen/Qwen2.5-0.5B` -> 0.5); undefined when the name does not say. Mixture-of-experts names
 * (`8x7B`) multiply.
 */
export function modelBillions(modelId: string): number | undefined {
  const name = modelId.split('/').pop() ?? modelId;
  const moe = /(?:^|[^a-z0-9.])(\d+)x(\d+(?:\.\d+)?)b(?![a-z])/i.exec(name);
  if (moe) return Number(moe[1]) * Number(moe[2]);
  const match = /(?:^|[^a-z0-9.])(\d+(?:\.\d+)?)b(?![a-z])/i.exec(name);
  return match ? Number(match[1]) : undefined;
}

/** GB of weights in bf16 (2 bytes a parameter), the model server's default dtype for these models. */
export function bf16WeightsGB(billions: number): number {
  return billions * 2;
}

/**
 * vLLM takes `--gpu-memory-utilization` (default 0.9) of each GPU for weights plus KV cache. Weights over
 * this share of that budget leave too little KV cache for the model's full context (128K tokens for
 * Llama 3.1), and vLLM refuses to start unless `--max-model-len` is lowered.
 */
export const VLLM_MEMORY_UTILIZATION = 0.9;
export const FULL_CONTEXT_WEIGHT_SHARE = 0.5;
