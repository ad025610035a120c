/** The two acceptance specs for accelerators beyond H100, shared by the spec and infra tests. */

export const POOL = 'vllm-llama3-8b-instruct';

/**
 * The L4 spec: g2-standard-24 (2 x L4), 2 GPUs per pod, tensor parallelism 2, in the default region
 * us-central1 with no zones written (they come from spec/regions.ts).
 */
export const L4_SPEC = {
  cluster: { gpuPool: { machineType: 'g2-standard-24', acceleratorCount: 2, maxNodes: 4 } },
  pools: [{ name: POOL, modelServer: { accelerator: 'nvidia-l4', gpus: 2, tensorParallelSize: 2 } }],
};

/** The H200 spec: a3-ultragpu-8g (8 x H200), on Spot (it has no plain on-demand), zones not written. */
export const H200_SPEC = {
  cluster: { gpuPool: { machineType: 'a3-ultragpu-8g', acceleratorCount: 8 } },
  pools: [{ name: POOL, modelServer: { accelerator: 'nvidia-h200-141gb' } }],
};
