import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { A3_MACHINE_TYPES, type ClusterSpec, type GpuPoolSpec } from '../spec';
import type { Cluster } from './cluster';
import { childOptions } from './options';

export interface NodePoolsArgs {
  /** The spec's `cluster`: the system pool, the GPU pool, the cluster name and region. */
  readonly cluster: ClusterSpec;
  /** Project that runs the cluster. */
  readonly project: string;
  /** The cluster the pools join. */
  readonly gkeCluster: Cluster;
}

/**
 * Local SSDs bundled with each A3 High machine type (375 GB each): two per GPU, so 1g has 2, 2g 4, 4g 8,
 * 8g 16, per the Compute Engine accelerator-optimized machine table. The count is fixed by the machine
 * type, so asking for another number fails node creation.
 */
export const A3_LOCAL_SSD_COUNT: Readonly<Record<string, number>> = Object.fromEntries(
  Object.entries(A3_MACHINE_TYPES).map(([gpus, machineType]) => [machineType, 2 * Number(gpus)]),
);

/** Scopes of the node service account; access is then governed by IAM alone. */
const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
/** Pods see only their own Workload Identity, never the node's service account. */
const WORKLOAD_METADATA = { mode: 'GKE_METADATA' };

/** Node pool settings that follow from how the GPU nodes are obtained. */
export function provisioningSettings(gpu: GpuPoolSpec): {
  readonly nodeConfig: Pick<gcp.types.input.container.NodePoolNodeConfig, 'spot' | 'flexStart' | 'maxRunDuration' | 'reservationAffinity'>;
  readonly locationPolicy?: string;
} {
  switch (gpu.provisioning) {
    case 'spot':
      // a3-highgpu-1g/2g/4g exist only as Spot or Flex-start VMs.
      return { nodeConfig: { spot: true } };
    case 'flex-start':
      return {
        nodeConfig: {
          flexStart: true,
          // Flex-start nodes live at most this long (7 days at most); GKE then drains and replaces them.
          maxRunDuration: `${gpu.maxRunDurationSeconds}s`,
          // Flex-start capacity comes from the Dynamic Workload Scheduler, never from a reservation.
          reservationAffinity: { consumeReservationType: 'NO_RESERVATION' },
        },
        // Take capacity from whichever zone has it, rather than balancing zones.
        locationPolicy: 'ANY',
      };
    case 'on-demand':
      // Only a3-highgpu-8g; the spec rejects on-demand with fewer GPUs per node.
      return { nodeConfig: {} };
  }
}

/**
 * The cluster's two node pools. The system pool runs the endpoint picker and cluster add-ons; its
 * existence also makes GKE taint the GPU nodes with `nvidia.com/gpu=present:NoSchedule`, so only pods
 * that request GPUs land on them. The GPU pool runs vLLM on A3 High machines with H100 GPUs whose
 * drivers GKE installs.
 */
export class NodePools extends pulumi.ComponentResource {
  readonly systemPool: gcp.container.NodePool;
  readonly gpuPool: gcp.container.NodePool;

  constructor(name: string, args: NodePoolsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('inference-gateway:infra:NodePools', name, {}, opts);
    const spec = args.cluster;
    const child = childOptions(this, opts);
    const common = {
      project: args.project,
      cluster: args.gkeCluster.name,
      location: spec.region,
      management: { autoRepair: true, autoUpgrade: true },
    };

    const system = spec.systemPool;
    this.systemPool = new gcp.container.NodePool(
      `${spec.name}-system`,
      {
        ...common,
        name: 'system',
        // One node per zone to start; the autoscaler then keeps the total within the spec's bounds.
        initialNodeCount: 1,
        autoscaling: { totalMinNodeCount: system.minNodes, totalMaxNodeCount: system.maxNodes },
        nodeConfig: {
          machineType: system.machineType,
          oauthScopes: [CLOUD_PLATFORM_SCOPE],
          workloadMetadataConfig: WORKLOAD_METADATA,
          labels: { 'inference-gateway/node-pool': 'system' },
          resourceLabels: { 'inference-gateway': spec.name },
        },
      },
      child,
    );

    const gpu = spec.gpuPool;
    const provisioning = provisioningSettings(gpu);
    const localSsdCount = A3_LOCAL_SSD_COUNT[gpu.machineType];
    this.gpuPool = new gcp.container.NodePool(
      `${spec.name}-gpu`,
      {
        ...common,
        name: 'gpu',
        nodeLocations: [...gpu.nodeLocations],
        // Start empty: the autoscaler adds nodes when model server pods are pending, which is also how
        // Spot and Flex-start capacity is obtained.
        initialNodeCount: 0,
        autoscaling: { totalMinNodeCount: gpu.minNodes, totalMaxNodeCount: gpu.maxNodes, locationPolicy: provisioning.locationPolicy },
        nodeConfig: {
          machineType: gpu.machineType,
          guestAccelerators: [
            {
              type: gpu.accelerator,
              count: gpu.acceleratorCount,
              gpuDriverInstallationConfig: { gpuDriverVersion: gpu.gpuDriverVersion },
            },
          ],
          ...provisioning.nodeConfig,
          // emptyDir volumes (vLLM's model cache under /data) go to the bundled local SSDs instead of the
          // boot disk: an 8B model is 16 GB and reloads on every pod start.
          ephemeralStorageLocalSsdConfig: localSsdCount === undefined ? undefined : { localSsdCount },
          oauthScopes: [CLOUD_PLATFORM_SCOPE],
          workloadMetadataConfig: WORKLOAD_METADATA,
          labels: { 'inference-gateway/node-pool': 'gpu' },
          resourceLabels: { 'inference-gateway': spec.name },
        },
      },
      child,
    );

    this.registerOutputs({ systemPool: this.systemPool.name, gpuPool: this.gpuPool.name });
  }
}
