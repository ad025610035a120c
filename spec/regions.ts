/**
 * Where Compute Engine offers A3 High machines (a3-highgpu-1g/2g/4g/8g, NVIDIA H100 80GB): the zones the
 * GPU pool defaults to in each region, so that changing only `cluster.region` moves the GPU zones too.
 *
 * Source: SkyPilot's GCP catalog, generated from the Compute Engine API (skypilot-org/skypilot-catalog
 * catalogs/v8/gcp/vms.csv at commit 006059e0f18acb1341e22a27751e9f80df6ba92f, read 2026-11-26), rows
 * a3-highgpu-*. Google's own table is https://cloud.google.com/compute/docs/gpus/gpu-regions-zones;
 * availability changes, so check a region before relying on it:
 *   gcloud compute machine-types list --filter="name~^a3-highgpu" --zones=<region>-a,<region>-b,<region>-c
 * A region missing here is not an error by itself: set `cluster.gpuPool.nodeLocations` to its zones.
 */
export interface A3HighRegion {
  /** Zone suffixes (`a`, `b`, ...) that offer A3 High machines. */
  readonly zones: readonly string[];
  /** GPUs per node (machine types) offered; all four unless listed. */
  readonly gpusPerNode?: readonly number[];
}

export const A3_HIGH_REGIONS: Readonly<Record<string, A3HighRegion>> = {
  'us-central1': { zones: ['a', 'b', 'c'] },
  'us-east4': { zones: ['a', 'b', 'c'] },
  'us-east5': { zones: ['a'] },
  'us-west1': { zones: ['a', 'b'] },
  'us-west4': { zones: ['a'] },
  'europe-west1': { zones: ['b', 'c'] },
  'europe-west3': { zones: ['c'] },
  'europe-west4': { zones: ['b', 'c'] },
  'europe-west8': { zones: ['c'], gpusPerNode: [1, 2, 4] },
  'europe-west9': { zones: ['c'] },
  'europe-north1': { zones: ['c'] },
  'asia-east1': { zones: ['c'] },
  'asia-northeast1': { zones: ['b'] },
  'asia-south1': { zones: ['c'] },
  'asia-south2': { zones: ['b'] },
  'asia-southeast1': { zones: ['b', 'c'] },
  'australia-southeast1': { zones: ['c'] },
};

/**
 * The zones of `region` that offer A3 High machines with `gpusPerNode` GPUs, or an empty list when the
 * table knows none (the spec rules then ask for `cluster.gpuPool.nodeLocations`).
 */
export function a3HighZones(region: string, gpusPerNode: number): string[] {
  const entry = Object.prototype.hasOwnProperty.call(A3_HIGH_REGIONS, region) ? A3_HIGH_REGIONS[region] : undefined;
  if (entry === undefined || (entry.gpusPerNode !== undefined && !entry.gpusPerNode.includes(gpusPerNode))) return [];
  return entry.zones.map((zone) => `${region}-${zone}`);
}

/** Regions where A3 High machines with `gpusPerNode` GPUs are offered, for error messages. */
export function a3HighRegions(gpusPerNode: number): string[] {
  return Object.keys(A3_HIGH_REGIONS).filter((region) => a3HighZones(region, gpusPerNode).length > 0);
}
