/**
 * The GPU quota check that runs before the cluster is created. The GPU pool starts at 0 nodes, so a
 * missing quota does not fail any create: it shows up only as a scale-up the cluster autoscaler never
 * makes ("FailedScaleUp ... QUOTA_EXCEEDED" events) while `pulumi up` waits for the vLLM Deployment.
 * Reading the quotas through the Cloud Quotas API (`gcp.cloudquota.getSQuotaInfo`) turns that into one
 * line before anything costly exists. The read runs during `pulumi preview` once the APIs it waits for
 * exist; before that (a first run), @pulumi/pulumi returns an unknown result in preview
 * (runtime/invoke.js: a dependsOn resource whose id is unknown) and the check runs in `pulumi up`.
 */
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import type { GpuPoolSpec } from '../spec';
import { ACCELERATORS } from '../spec/machines';
import { precondition } from './preconditions';
import { API } from './service-apis';

/** The service whose quotas bound GPU VMs. */
export const COMPUTE_SERVICE = API.compute;

/**
 * Quota ids of each accelerator live in the one machine table (spec/machines.ts, `ACCELERATORS`): on-demand
 * GPUs count against their own regional quota where the GPU has one (L4, A100), else against the per-family
 * regional quota (dimension gpu_family, H100); Spot and Flex-start VMs against the preemptible regional quota. Keyed by the spec's `gpuPool.accelerator`.
 */
export const ACCELERATOR_QUOTAS: Readonly<Record<string, { readonly preemptibleQuotaId: string; readonly gpuFamily: string; readonly onDemandQuotaId?: string }>> = ACCELERATORS;
/** On-demand GPUs of every family, per region; the family is a dimension. */
export const FAMILY_QUOTA_ID = 'GPUS-PER-GPU-FAMILY-per-project-region';
/** Every GPU of the project in every region: 0 in new projects, whatever the regional quotas say. */
export const ALL_REGIONS_QUOTA_ID = 'GPUS-ALL-REGIONS-per-project';

/** One quota the GPU pool needs, and how much of it. */
export interface GpuQuotaNeed {
  readonly quotaId: string;
  /** The dimensions that pick the applicable value: region, gpu_family; none for a global quota. */
  readonly dimensions: Readonly<Record<string, string>>;
  /** GPUs the pool can hold at most: maxNodes x acceleratorCount. */
  readonly gpus: number;
}

/** The quotas a GPU pool at its largest uses, for its accelerator and provisioning model. */
export function gpuQuotaNeeds(gpu: GpuPoolSpec, region: string): GpuQuotaNeed[] {
  const gpus = gpu.maxNodes * gpu.acceleratorCount;
  const ids = Object.prototype.hasOwnProperty.call(ACCELERATOR_QUOTAS, gpu.accelerator) ? ACCELERATOR_QUOTAS[gpu.accelerator] : undefined;
  if (ids === undefined) return [{ quotaId: ALL_REGIONS_QUOTA_ID, dimensions: {}, gpus }];
  const regional: GpuQuotaNeed =
    gpu.provisioning !== 'on-demand'
      ? { quotaId: ids.preemptibleQuotaId, dimensions: { region }, gpus }
      : ids.onDemandQuotaId !== undefined
        ? { quotaId: ids.onDemandQuotaId, dimensions: { region }, gpus }
        : { quotaId: FAMILY_QUOTA_ID, dimensions: { region, gpu_family: ids.gpuFamily }, gpus };
  return [regional, { quotaId: ALL_REGIONS_QUOTA_ID, dimensions: {}, gpus }];
}

/** The part of a QuotaInfo the check reads (Cloud Quotas API v1 QuotaInfo.dimensionsInfos). */
export interface QuotaDimensionsInfo {
  readonly dimensions?: Readonly<Record<string, string>>;
  readonly details?: readonly { readonly value?: string }[] | { readonly value?: string };
}

/**
 * The value in effect for `dimensions`. The API lists dimensionsInfos "ordered by their dimensions from
 * more specific ones to less specific ones", and an entry without a dimension applies to every value of
 * it that no other entry names; so the first entry whose dimensions all match applies. A value of -1 means
 * unlimited; no applicable entry or value means 0 (regions never granted any quota).
 * @see https://cloud.google.com/docs/quotas/reference/rest/v1/projects.locations.services.quotaInfos
 */
export function quotaValue(infos: readonly QuotaDimensionsInfo[] | undefined, dimensions: Readonly<Record<string, string>>): number {
  const applies = (info: QuotaDimensionsInfo): boolean => Object.entries(info.dimensions ?? {}).every(([key, value]) => dimensions[key] === value);
  const info = (infos ?? []).find(applies);
  const details = Array.isArray(info?.details) ? info?.details[0] : info?.details;
  const value = Number(details?.value);
  if (details?.value === undefined || !Number.isFinite(value)) return 0;
  return value < 0 ? Infinity : value;
}

/** The one-line error for a quota below what the pool needs, or undefined when it suffices. */
export function quotaProblem(need: GpuQuotaNeed, project: string, available: number): string | undefined {
  if (available >= need.gpus) return undefined;
  const where = Object.entries(need.dimensions)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
  return (
    `GPU quota ${need.quotaId}${where ? ` (${where})` : ''} of project ${project} is ${available}, but cluster.gpuPool needs ${need.gpus} ` +
    `(maxNodes x acceleratorCount); request more at https://console.cloud.google.com/iam-admin/quotas?project=${project} or lower cluster.gpuPool.maxNodes`
  );
}

/**
 * Reads every quota the GPU pool needs and resolves once all suffice; otherwise it fails with a
 * `pulumi.RunError` naming each short quota (Pulumi prints a RunError as one message, no stack trace).
 * The cluster takes this Output as an input dependency, so it is not created before the check passed.
 */
export function checkGpuQuota(gpu: GpuPoolSpec, region: string, project: string, opts: pulumi.InvokeOutputOptions): pulumi.Output<void> {
  const needs = gpuQuotaNeeds(gpu, region);
  const reads = needs.map((need) => gcp.cloudquota.getSQuotaInfoOutput({ parent: `projects/${project}`, service: COMPUTE_SERVICE, quotaId: need.quotaId }, opts));
  return precondition(pulumi.all(reads.map((read) => read.dimensionsInfos)), (infos) => {
    const problems = needs.map((need, index) => quotaProblem(need, project, quotaValue(infos[index], need.dimensions))).filter((problem): problem is string => problem !== undefined);
    return problems.length > 0 ? problems.join('\n') : undefined;
  });
}
