/**
 * Model weights from Cloud Storage (`modelServer.weightsFrom: gcs`): where they live, who may read and
 * write them, and which vLLM can stream them.
 *
 * vLLM reads the bucket itself with the Run:ai Model Streamer (`--load-format runai_streamer` on a
 * `gs://` model), rather than through a Cloud Storage FUSE volume:
 * - it reads safetensors shards concurrently straight into GPU memory, with no copy on the node's disk
 *   (Run:ai's published benchmark: Llama-3-8B, 15 GB, loads several times faster than the safetensors
 *   loader from the same object store; docs/performance.md);
 * - it needs no CSI driver add-on on the cluster, no sidecar in the model server pod, and no local-SSD file
 *   cache to size; the pod only needs Workload Identity read access to the bucket.
 * Its cost: only vLLM releases whose image ships the streamer's GCS backend read `gs://` (vLLM PR 26464,
 * "install runai-model-streamer[gcs]", in the 0.11.1 release; vLLM 0.8.5's loader recognises `s3://` only).
 * The guide profile's vLLM 0.8.5 therefore cannot, and a spec asking for it is refused (rules.ts).
 */
import type { PoolSpec } from './types';
import { compareVllmVersions } from './versions';

/** The first vLLM release whose image streams `gs://` models (runai-model-streamer[gcs]). */
export const VLLM_GCS_STREAMING_SINCE = '0.11.1';

/** Whether a vLLM release can stream its model from Cloud Storage. */
export function vllmStreamsFromGcs(vllmVersion: string): boolean {
  return compareVllmVersions(vllmVersion, VLLM_GCS_STREAMING_SINCE) >= 0;
}

/** `gs://<bucket>/<org>/<name>`: the base model's files in the bucket, laid out like its repository. */
export function weightsUri(pool: PoolSpec): string {
  if (pool.modelServer.weightsBucket === undefined) throw new Error(`pools.${pool.name}: weightsFrom gcs without weightsBucket; the spec rules should have refused it`);
  return `gs://${pool.modelServer.weightsBucket}/${pool.modelServer.baseModel}`;
}

/** Whether a pool's vLLM streams its weights from a bucket. */
export function weightsFromGcs(pool: PoolSpec): boolean {
  return pool.modelServer.weightsFrom === 'gcs';
}

/**
 * Kubernetes service accounts of a pool that reads its weights from a bucket: the model server's (reads the
 * bucket) and the fill Job's (downloads from Hugging Face with the token and writes the bucket). Their
 * Workload Identity principals get the bucket roles in `pulumi up`.
 */
export function weightsServiceAccounts(pool: PoolSpec): { readonly modelServer: string; readonly fill: string } {
  return { modelServer: pool.name, fill: `${pool.name}-fill` };
}

/** The bucket roles: reading and listing objects, and (for the fill Job) writing them too. */
export const WEIGHTS_BUCKET_ROLES = { modelServer: 'roles/storage.objectViewer', fill: 'roles/storage.objectUser' } as const;

/** The Cloud SDK image the fill Job uploads with (`gcloud storage rsync`); from gcr.io, so not mirrored. */
export const CLOUD_SDK_IMAGE = 'gcr.io/google.com/cloudsdktool/google-cloud-cli:525.0.0-slim';
