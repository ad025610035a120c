/**
 * The cold-start budget of a new model server replica (docs/performance.md): how long each stage takes on
 * the slowest path the spec allows and on the fastest, with where each figure comes from. The probes and
 * Pulumi's wait are checked against it in tests, so a slower path cannot outgrow them unnoticed.
 *
 * Figures marked `assumption` are not published anywhere we could cite; they are stated so a reader can
 * replace them with their own measurement.
 */

export interface ColdStartStage {
  readonly stage: string;
  /** Seconds on the slowest path: a new GPU node, the image from Docker Hub, the model from Hugging Face. */
  readonly slowest: number;
  /** Seconds on the fastest path this project offers: a warm node, image streaming, weights from the bucket. */
  readonly fastest: number;
  /** Whether the stage runs inside the container, where the startup probe is counting. */
  readonly inContainer: boolean;
  readonly source: string;
}

export const COLD_START_STAGES: readonly ColdStartStage[] = [
  {
    stage: 'GPU node: create the VM, boot, join the cluster',
    slowest: 180,
    fastest: 0,
    inContainer: false,
    source: 'assumption (Spot and Flex-start capacity may take far longer or not come at all); fastest: a node with a free GPU',
  },
  {
    stage: 'GPU node: driver installed, nvidia.com/gpu allocatable',
    slowest: 900,
    fastest: 0,
    inContainer: false,
    source: 'cluster-autoscaler utils/gpu/gpu.go: "it can take up to 15 minutes" after the node is Ready',
  },
  {
    stage: 'vLLM image on the node',
    slowest: 300,
    fastest: 5,
    inContainer: false,
    source:
      'slowest: assumption, a several-GB image pulled and unpacked from Docker Hub; fastest: GKE image streaming from Artifact Registry, "a couple of seconds (irrespective of container size)" (Google Cloud blog, Introducing GKE image streaming, 2021), reads then stream lazily',
  },
  {
    stage: 'Model weights reach the node (16 GB)',
    slowest: 320,
    fastest: 0,
    inContainer: true,
    source: 'slowest: assumption, Hugging Face at 50 MB/s; fastest: the streamer reads the bucket while loading (next row)',
  },
  {
    stage: 'Weights loaded onto the GPU',
    slowest: 48,
    fastest: 5,
    inContainer: true,
    source:
      'Run:ai Model Streamer benchmarks (docs/src/benchmarks.md, Llama-3-8B, 15 GB, one A10G): Hugging Face safetensors loader 47.99 s from a GP3 SSD; Run:ai streamer 4.88 s from S3 in-region at concurrency 32 (Cloud Storage not measured there)',
  },
  {
    stage: 'vLLM engine start: KV-cache profiling, CUDA graphs, compilation',
    slowest: 120,
    fastest: 18,
    inContainer: true,
    source:
      'Run:ai benchmarks, vLLM 0.5.5: 66.13 s until vLLM is ready with the safetensors loader from SSD (18 s beyond the load) and 23.18 s with the streamer from S3; slowest: assumption for newer vLLM releases that compile',
  },
];

/** Seconds from a pending pod to a Ready one, on each path. */
export function coldStartSeconds(path: 'slowest' | 'fastest', stages: readonly ColdStartStage[] = COLD_START_STAGES): number {
  return stages.reduce((total, stage) => total + stage[path], 0);
}

/** Seconds of the slowest path the startup probe sees: from container start to vLLM serving /health. */
export function inContainerSlowestSeconds(stages: readonly ColdStartStage[] = COLD_START_STAGES): number {
  return stages.filter((stage) => stage.inContainer).reduce((total, stage) => total + stage.slowest, 0);
}
