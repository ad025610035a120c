import { SERIES_ZONES, type MachineSeries, type SeriesRegion } from './regions';

/**
 * Whether a container's requests fit one node of a Compute Engine machine type once GKE has reserved its
 * share (GKE "Standard cluster architecture", node allocatable resources) and the system DaemonSets of a
 * GKE node (kube-proxy, logging, metadata server, Managed Prometheus collector) have theirs.
 */

/**
 * GiB of memory per vCPU of the families whose shape a machine type's name encodes. The newer families
 * give highcpu types 2 GiB a vCPU, not the 1 of N2 and N2D (SkyPilot's GCP catalog, skypilot-org/skypilot-catalog
 * catalogs/v8/gcp/vms.csv at 006059e0f18acb1341e22a27751e9f80df6ba92f: c2d-standard-4 16 GiB, c3d-highcpu-8
 * 16 GiB, c3d-highmem-16 128 GiB, c3-standard-4 16 GiB; its largest c3d-highcpu types have slightly less,
 * 118 GiB for 60 vCPUs). A shape not read from a source is left out (C3 highcpu and highmem, C4A and N4
 * beyond standard, all of C4 and C4D, whose standard is not 4 GiB a vCPU), so a pool on it gets no fit
 * check rather than a wrong one.
 */
const MEMORY_PER_CPU: Readonly<Record<string, Partial<Record<'standard' | 'highmem' | 'highcpu', number>>>> = {
  n1: { standard: 3.75, highmem: 6.5, highcpu: 0.9 },
  e2: { standard: 4, highmem: 8, highcpu: 1 },
  n2: { standard: 4, highmem: 8, highcpu: 1 },
  n2d: { standard: 4, highmem: 8, highcpu: 1 },
  c2: { standard: 4, highmem: 8, highcpu: 1 },
  t2d: { standard: 4, highmem: 8, highcpu: 1 },
  t2a: { standard: 4, highmem: 8, highcpu: 1 },
  c2d: { standard: 4, highmem: 8, highcpu: 2 },
  c3: { standard: 4 },
  c3d: { standard: 4, highmem: 8, highcpu: 2 },
  c4a: { standard: 4 },
  n4: { standard: 4 },
};

/** vCPUs and GiB of memory of a machine type, for the families whose shape its name encodes. */
export function machineShape(machineType: string): { readonly cpus: number; readonly memoryGiB: number } | undefined {
  const shared: Record<string, { cpus: number; memoryGiB: number }> = {
    'e2-micro': { cpus: 2, memoryGiB: 1 },
    'e2-small': { cpus: 2, memoryGiB: 2 },
    'e2-medium': { cpus: 2, memoryGiB: 4 },
  };
  if (shared[machineType]) return shared[machineType];
  const match = /^([a-z0-9]+)-(standard|highmem|highcpu)-(\d+)$/.exec(machineType);
  const family = match !== null && Object.prototype.hasOwnProperty.call(MEMORY_PER_CPU, match[1]) ? MEMORY_PER_CPU[match[1]] : undefined;
  const perCpu = match === null ? undefined : family?.[match[2] as 'standard' | 'highmem' | 'highcpu'];
  if (match === null || perCpu === undefined) return undefined;
  const cpus = Number(match[3]);
  return { cpus, memoryGiB: cpus * perCpu };
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
  /**
   * Memory of one GPU: the catalog's MiB / 1024 (GiB). The model-size check compares it with weights
   * counted in 10^9 bytes, so it errs on the side of "does not fit".
   */
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
 * GPU models of the accelerator-optimized machine family.
 *
 * Memory: SkyPilot's GCP catalog (skypilot-org/skypilot-catalog catalogs/v8/gcp/vms.csv at commit
 * 006059e0f18acb1341e22a27751e9f80df6ba92f, read 2026-12-05), GpuInfo MemoryInfo.SizeInMiB of the
 * accelerator rows: L4 24576, A100 40960, A100-80GB, H100 and H100-MEGA 81920, H200 144384, B200 184320.
 *
 * Quota ids: not confirmed from Google's page ("Allocation quotas", GPU quota,
 * https://cloud.google.com/compute/resource-usage#gpu_quota, not readable from here). The preemptible
 * ids, NVIDIA-L4- and NVIDIA-A100-GPUS-per-project-region, and GPUS-PER-GPU-FAMILY-per-project-region
 * with gpu_family NVIDIA_H100 match public records of Cloud Quotas API output (quotaInfos.list) found by
 * text search, whose repositories the search does not name. NVIDIA-A100-80GB-GPUS-per-project-region
 * appears only in third-party test fixtures, and the gpu_family values other than NVIDIA_H100 follow its
 * spelling without a source: unconfirmed. That Spot and flex-start VMs consume the preemptible quota:
 * AI Hypercomputer "Consumption options" (https://cloud.google.com/ai-hypercomputer/docs/consumption-models,
 * "Preemptible quota is charged" for both).
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
   * The machine series (the name without its size), whose zones per region spec/regions.ts cites; the GPU
   * pool's `nodeLocations` default to them. Required, so a machine type cannot join the table without a
   * cited zone list.
   */
  readonly series: MachineSeries;
}

const ALL_SALES: readonly GpuSale[] = ['on-demand', 'spot', 'flex-start', 'reservation'];
/** A3 Mega, A3 Ultra and A4 come from reservations, Spot or flex-start; no plain on-demand. */
const NO_ON_DEMAND: readonly GpuSale[] = ['spot', 'flex-start', 'reservation'];

/**
 * Every GPU machine type the spec accepts, with where each fact comes from.
 *
 * GPUs per machine (every row): SkyPilot's GCP offerings (skypilot-org/skypilot sky/catalog/gcp_catalog.py
 * at commit 005261080a6b8102f3d95ff2147a855250f40272, `_ACC_INSTANCE_TYPE_DICTS`, read 2026-12-05), which
 * pairs each of these machine types with its GPU model and count.
 *
 * Bundled local SSDs: a3-highgpu-8g and a3-megagpu-8g 16, a3-ultragpu-8g and a4-highgpu-8g 32 from Google's
 * Cluster Toolkit (GoogleCloudPlatform/cluster-toolkit modules/compute/gke-node-pool/disk_definitions.tf at
 * commit 1047080375afbb44da4b596be314634e7486af4a, read 2026-12-05), which sets them as the GKE node pool's
 * ephemeral-storage local SSDs. Not confirmed from a source read here: a3-highgpu-1g/2g/4g (2, 4, 8) and
 * a2-ultragpu-1g/2g/4g/8g (1, 2, 4, 8), from Google's "Accelerator-optimized machine family" page
 * (https://cloud.google.com/compute/docs/accelerator-optimized-machines) as remembered, not re-read; and
 * that G2 and A2 Standard bundle none (local SSD optional there).
 *
 * How each is sold: Spot and flex-start for every machine here (AI Hypercomputer "Consumption options",
 * https://cloud.google.com/ai-hypercomputer/docs/consumption-models: "Any GPU machine except A4X" for
 * both; "About Flex-start VMs", https://cloud.google.com/compute/docs/instances/about-flex-start-vms: all
 * accelerator-optimized machine types except A4X and G4); reservations for all GPU machine types (the same
 * page's earlier revision). No on-demand for A3 Mega, A3 Ultra and A4: Cluster Director's "Choose a
 * consumption option" (https://docs.cloud.google.com/cluster-director/docs/choose-consumption-option)
 * offers on-demand only for N2 among A4, A3 Ultra, A3 Mega and N2. Not confirmed from a source read here:
 * on-demand for G2, A2 and a3-highgpu-8g, and that a3-highgpu-1g/2g/4g are Spot or flex-start only.
 *
 * Zones: spec/regions.ts.
 */
export const GPU_MACHINES: Readonly<Record<string, GpuMachine>> = {
  'g2-standard-4': { accelerator: 'nvidia-l4', gpus: 1, localSsdCount: 0, sold: ALL_SALES, series: 'g2-standard' },
  'g2-standard-8': { accelerator: 'nvidia-l4', gpus: 1, localSsdCount: 0, sold: ALL_SALES, series: 'g2-standard' },
  'g2-standard-12': { accelerator: 'nvidia-l4', gpus: 1, localSsdCount: 0, sold: ALL_SALES, series: 'g2-standard' },
  'g2-standard-16': { accelerator: 'nvidia-l4', gpus: 1, localSsdCount: 0, sold: ALL_SALES, series: 'g2-standard' },
  'g2-standard-24': { accelerator: 'nvidia-l4', gpus: 2, localSsdCount: 0, sold: ALL_SALES, series: 'g2-standard' },
  'g2-standard-32': { accelerator: 'nvidia-l4', gpus: 1, localSsdCount: 0, sold: ALL_SALES, series: 'g2-standard' },
  'g2-standard-48': { accelerator: 'nvidia-l4', gpus: 4, localSsdCount: 0, sold: ALL_SALES, series: 'g2-standard' },
  'g2-standard-96': { accelerator: 'nvidia-l4', gpus: 8, localSsdCount: 0, sold: ALL_SALES, series: 'g2-standard' },
  'a2-highgpu-1g': { accelerator: 'nvidia-tesla-a100', gpus: 1, localSsdCount: 0, sold: ALL_SALES, series: 'a2-highgpu' },
  'a2-highgpu-2g': { accelerator: 'nvidia-tesla-a100', gpus: 2, localSsdCount: 0, sold: ALL_SALES, series: 'a2-highgpu' },
  'a2-highgpu-4g': { accelerator: 'nvidia-tesla-a100', gpus: 4, localSsdCount: 0, sold: ALL_SALES, series: 'a2-highgpu' },
  'a2-highgpu-8g': { accelerator: 'nvidia-tesla-a100', gpus: 8, localSsdCount: 0, sold: ALL_SALES, series: 'a2-highgpu' },
  'a2-megagpu-16g': { accelerator: 'nvidia-tesla-a100', gpus: 16, localSsdCount: 0, sold: ALL_SALES, series: 'a2-megagpu' },
  'a2-ultragpu-1g': { accelerator: 'nvidia-a100-80gb', gpus: 1, localSsdCount: 1, sold: ALL_SALES, series: 'a2-ultragpu' },
  'a2-ultragpu-2g': { accelerator: 'nvidia-a100-80gb', gpus: 2, localSsdCount: 2, sold: ALL_SALES, series: 'a2-ultragpu' },
  'a2-ultragpu-4g': { accelerator: 'nvidia-a100-80gb', gpus: 4, localSsdCount: 4, sold: ALL_SALES, series: 'a2-ultragpu' },
  'a2-ultragpu-8g': { accelerator: 'nvidia-a100-80gb', gpus: 8, localSsdCount: 8, sold: ALL_SALES, series: 'a2-ultragpu' },
  // a3-highgpu-1g, -2g and -4g exist only as Spot or flex-start VMs (unconfirmed, see above).
  'a3-highgpu-1g': { accelerator: 'nvidia-h100-80gb', gpus: 1, localSsdCount: 2, sold: ['spot', 'flex-start'], series: 'a3-highgpu' },
  'a3-highgpu-2g': { accelerator: 'nvidia-h100-80gb', gpus: 2, localSsdCount: 4, sold: ['spot', 'flex-start'], series: 'a3-highgpu' },
  'a3-highgpu-4g': { accelerator: 'nvidia-h100-80gb', gpus: 4, localSsdCount: 8, sold: ['spot', 'flex-start'], series: 'a3-highgpu' },
  'a3-highgpu-8g': { accelerator: 'nvidia-h100-80gb', gpus: 8, localSsdCount: 16, sold: ALL_SALES, series: 'a3-highgpu' },
  'a3-megagpu-8g': { accelerator: 'nvidia-h100-mega-80gb', gpus: 8, localSsdCount: 16, sold: NO_ON_DEMAND, series: 'a3-megagpu' },
  'a3-ultragpu-8g': { accelerator: 'nvidia-h200-141gb', gpus: 8, localSsdCount: 32, sold: NO_ON_DEMAND, series: 'a3-ultragpu' },
  'a4-highgpu-8g': { accelerator: 'nvidia-b200', gpus: 8, localSsdCount: 32, sold: NO_ON_DEMAND, series: 'a4-highgpu' },
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

/** The cited zones of `region` that offer `machineType`, or an empty list when spec/regions.ts knows none. */
export function machineZones(machineType: string, region: string): string[] {
  const machine = gpuMachine(machineType);
  if (machine === undefined) return [];
  const table: Readonly<Record<string, SeriesRegion>> = SERIES_ZONES[machine.series];
  const entry = Object.prototype.hasOwnProperty.call(table, region) ? table[region] : undefined;
  if (entry === undefined || (entry.machineTypes !== undefined && !entry.machineTypes.includes(machineType))) return [];
  return entry.zones.map((zone) => `${region}-${zone}`);
}

/** Regions with cited zones offering `machineType`, for error messages. */
export function machineRegions(machineType: string): string[] {
  const machine = gpuMachine(machineType);
  if (machine === undefined) return [];
  return Object.keys(SERIES_ZONES[machine.series]).filter((region) => machineZones(machineType, region).length > 0);
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
