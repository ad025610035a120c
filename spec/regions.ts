/**
 * Where Compute Engine offers each GPU machine series: the zones the GPU pool defaults to in each region,
 * so that changing only `cluster.region` (or `cluster.gpuPool.machineType`) moves the GPU zones too.
 *
 * Source: SkyPilot's GCP catalog, generated from the Compute Engine API (machineTypes.list per zone):
 * skypilot-org/skypilot-catalog catalogs/v8/gcp/vms.csv at commit 006059e0f18acb1341e22a27751e9f80df6ba92f,
 * the rows whose InstanceType is the machine type, read 2026-11-26 (A3 High) and 2026-12-05 (the other
 * series). Every size of a series has the same zones there, except where an entry lists `machineTypes`.
 * Google's own table is https://cloud.google.com/compute/docs/gpus/gpu-regions-zones (not readable from
 * here); availability changes, so check a region before relying on it:
 *   gcloud compute machine-types list --filter="name=<machine type>" --zones=<region>-a,<region>-b,<region>-c
 * A region missing here is not an error by itself: set `cluster.gpuPool.nodeLocations` to its zones.
 * Every machine type in spec/machines.ts names its series here, so none needs `nodeLocations` written
 * except in a region this table does not list.
 */
export interface SeriesRegion {
  /** Zone suffixes (`a`, `b`, ...) that offer the series. */
  readonly zones: readonly string[];
  /** The machine types of the series offered there; all of them unless listed. */
  readonly machineTypes?: readonly string[];
}

type ZoneTable = Readonly<Record<string, SeriesRegion>>;

/** G2 (g2-standard-4 ... -96, NVIDIA L4). */
const G2: ZoneTable = {
  'asia-east1': { zones: ['a', 'b', 'c'] },
  'asia-northeast1': { zones: ['a', 'b', 'c'] },
  'asia-northeast3': { zones: ['a', 'b'] },
  'asia-south1': { zones: ['a', 'b', 'c'] },
  'asia-southeast1': { zones: ['a', 'b', 'c'] },
  'europe-west1': { zones: ['b', 'c'] },
  'europe-west2': { zones: ['a', 'b'] },
  'europe-west3': { zones: ['a', 'b'] },
  'europe-west4': { zones: ['a', 'b', 'c'] },
  'europe-west6': { zones: ['b', 'c'] },
  'me-central2': { zones: ['a', 'c'] },
  'northamerica-northeast1': { zones: ['b', 'c'] },
  'northamerica-northeast2': { zones: ['a', 'b'] },
  'us-central1': { zones: ['a', 'b', 'c'] },
  'us-east1': { zones: ['b', 'c', 'd'] },
  'us-east4': { zones: ['a', 'c'] },
  'us-west1': { zones: ['a', 'b', 'c'] },
  'us-west4': { zones: ['a', 'c'] },
};

/** A2 Standard, a2-highgpu-1g ... -8g (NVIDIA A100 40GB). */
const A2_HIGHGPU: ZoneTable = {
  'asia-northeast1': { zones: ['a', 'c'] },
  'asia-northeast3': { zones: ['a', 'b'] },
  'asia-southeast1': { zones: ['a', 'b', 'c'] },
  'europe-west4': { zones: ['a', 'b'] },
  'me-west1': { zones: ['a', 'c'] },
  'us-central1': { zones: ['a', 'b', 'c', 'f'] },
  'us-east1': { zones: ['b'] },
  'us-west1': { zones: ['b'] },
  'us-west3': { zones: ['b'] },
  'us-west4': { zones: ['b'] },
};

/** A2 Standard, a2-megagpu-16g (16 x NVIDIA A100 40GB): fewer zones than the smaller A2 Standard types. */
const A2_MEGAGPU: ZoneTable = {
  'asia-southeast1': { zones: ['a', 'c'] },
  'europe-west4': { zones: ['a', 'b'] },
  'us-central1': { zones: ['a', 'b', 'c', 'f'] },
};

/** A2 Ultra, a2-ultragpu-1g ... -8g (NVIDIA A100 80GB). */
const A2_ULTRAGPU: ZoneTable = {
  'asia-southeast1': { zones: ['c'] },
  'europe-west4': { zones: ['a'] },
  'us-central1': { zones: ['a', 'c'] },
  'us-east4': { zones: ['c'] },
  'us-east5': { zones: ['a', 'b'] },
};

/** A3 High, a3-highgpu-1g ... -8g (NVIDIA H100 80GB). */
const A3_HIGHGPU: ZoneTable = {
  'us-central1': { zones: ['a', 'b', 'c'] },
  'us-east4': { zones: ['a', 'b', 'c'] },
  'us-east5': { zones: ['a'] },
  'us-west1': { zones: ['a', 'b'] },
  'us-west4': { zones: ['a'] },
  'europe-west1': { zones: ['b', 'c'] },
  'europe-west3': { zones: ['c'] },
  'europe-west4': { zones: ['b', 'c'] },
  'europe-west8': { zones: ['c'], machineTypes: ['a3-highgpu-1g', 'a3-highgpu-2g', 'a3-highgpu-4g'] },
  'europe-west9': { zones: ['c'] },
  'europe-north1': { zones: ['c'] },
  'asia-east1': { zones: ['c'] },
  'asia-northeast1': { zones: ['b'] },
  'asia-south1': { zones: ['c'] },
  'asia-south2': { zones: ['b'] },
  'asia-southeast1': { zones: ['b', 'c'] },
  'australia-southeast1': { zones: ['c'] },
};

/** A3 Mega, a3-megagpu-8g (NVIDIA H100 80GB Mega). */
const A3_MEGAGPU: ZoneTable = {
  'asia-east1': { zones: ['c'] },
  'asia-northeast1': { zones: ['b'] },
  'asia-southeast1': { zones: ['b', 'c'] },
  'australia-southeast1': { zones: ['c'] },
  'europe-north1': { zones: ['c'] },
  'europe-west1': { zones: ['b', 'c'] },
  'europe-west3': { zones: ['c'] },
  'europe-west4': { zones: ['b', 'c'] },
  'us-central1': { zones: ['a', 'b', 'c'] },
  'us-east4': { zones: ['a', 'b', 'c'] },
  'us-east5': { zones: ['a'] },
  'us-west1': { zones: ['a', 'b'] },
  'us-west4': { zones: ['a'] },
};

/** A3 Ultra, a3-ultragpu-8g (NVIDIA H200 141GB). */
const A3_ULTRAGPU: ZoneTable = {
  'asia-south1': { zones: ['b'] },
  'asia-south2': { zones: ['c'] },
  'europe-west1': { zones: ['b'] },
  'europe-west4': { zones: ['a'] },
  'us-central1': { zones: ['b'] },
  'us-east4': { zones: ['b'] },
  'us-east5': { zones: ['a'] },
  'us-south1': { zones: ['b'] },
  'us-west1': { zones: ['c'] },
};

/** A4, a4-highgpu-8g (NVIDIA B200). */
const A4_HIGHGPU: ZoneTable = {
  'asia-northeast1': { zones: ['b'] },
  'asia-southeast1': { zones: ['b'] },
  'europe-north1': { zones: ['b'] },
  'europe-west4': { zones: ['b'] },
  'us-central1': { zones: ['b'] },
  'us-east1': { zones: ['b'] },
  'us-east4': { zones: ['b'] },
  'us-south1': { zones: ['b'] },
  'us-west2': { zones: ['c'] },
  'us-west3': { zones: ['b', 'c'] },
};

/** Zones per region of each machine series, keyed by the machine type's name without its size. */
export const SERIES_ZONES = {
  'g2-standard': G2,
  'a2-highgpu': A2_HIGHGPU,
  'a2-megagpu': A2_MEGAGPU,
  'a2-ultragpu': A2_ULTRAGPU,
  'a3-highgpu': A3_HIGHGPU,
  'a3-megagpu': A3_MEGAGPU,
  'a3-ultragpu': A3_ULTRAGPU,
  'a4-highgpu': A4_HIGHGPU,
} as const satisfies Readonly<Record<string, ZoneTable>>;

export type MachineSeries = keyof typeof SERIES_ZONES;
