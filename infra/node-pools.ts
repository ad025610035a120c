import { createHash } from 'node:crypto';
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { A3_MACHINE_TYPES, type ClusterSpec, type GpuPoolSpec } from '../spec';
import { GPU_RESOURCE } from '../charts-gen/well-known';
import { gpuMachine } from '../spec/machines';
import type { Cluster } from './cluster';
import { GCP_FORCE_NEW } from '../plan/force-new';
import type { NodeIdentity } from './node-identity';
import { childOptions } from './options';

export interface NodePoolsArgs {
  /** The spec's `cluster`: the system pool, the GPU pool, the cluster name and region. */
  readonly cluster: ClusterSpec;
  /** Project that runs the cluster. */
  readonly project: string;
  /** The cluster the pools join. */
  readonly gkeCluster: Cluster;
  /** The service account the nodes run as; the pools wait for its roles. */
  readonly identity: NodeIdentity;
}

/**
 * Local SSDs bundled with each A3 High machine type (375 GB each): two per GPU, so 1g has 2, 2g 4, 4g 8,
 * 8g 16. Read from the one machine table (spec/machines.ts), which holds every GPU machine type's count.
 */
export const A3_LOCAL_SSD_COUNT: Readonly<Record<string, number>> = Object.fromEntries(
  Object.values(A3_MACHINE_TYPES).map((machineType) => [machineType, gpuMachine(machineType)?.localSsdCount ?? 0]),
);

/** The bundled local SSDs of a GPU machine type; undefined where none are bundled (G2, A2 Standard). */
export function bundledLocalSsdCount(machineType: string): number | undefined {
  const count = gpuMachine(machineType)?.localSsdCount;
  return count === undefined || count === 0 ? undefined : count;
}

/** Scopes of the node service account; access is then governed by IAM alone. */
const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
/** Pods see only their own Workload Identity, never the node's service account. */
const WORKLOAD_METADATA = { mode: 'GKE_METADATA' };

/** Node pool settings that follow from how the GPU nodes are obtained. */
export function provisioningSettings(gpu: GpuPoolSpec): {
  readonly nodeConfig: Pick<gcp.types.input.container.NodePoolNodeConfig, 'spot' | 'flexStart' | 'maxRunDuration' | 'reservationAffinity'>;
  readonly locationPolicy?: string;
  /** Whether GKE may recreate unhealthy nodes. */
  readonly autoRepair: boolean;
  /** Upgrade settings to send; undefined leaves the strategy to GKE. */
  readonly upgradeSettings?: typeof GPU_UPGRADE_SETTINGS;
} {
  switch (gpu.provisioning) {
    case 'spot':
      // a3-highgpu-1g/2g/4g exist only as Spot or Flex-start VMs.
      return { nodeConfig: { spot: true }, autoRepair: true, upgradeSettings: GPU_UPGRADE_SETTINGS };
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
        // Advice, not an API rule: Google's flex-start guide creates its pools with
        // --no-enable-autorepair (a repair would recreate the VM outside the Dynamic Workload Scheduler
        // request that obtained it), while the provider's own acceptance test creates a flex-start pool
        // with auto-repair left on (terraform-provider-google-beta v7.45.0
        // resource_container_node_pool_test.go, TestAccContainerNodePool_withFlexStart). We follow the guide.
        autoRepair: false,
        // No upgrade settings: GKE upgrades flex-start pools with its SHORT_LIVED strategy (Google's
        // "Node upgrade strategies" page; NodePoolUpdateStrategy.SHORT_LIVED in the GKE API). The
        // provider accepts only SURGE or BLUE_GREEN and defaults `strategy` to SURGE whenever the
        // upgrade_settings block is present, but sends nothing when the block is absent (Optional +
        // Computed; resource_container_node_pool.go v7.45.0, expandNodePool), so leaving it out is the
        // only way not to ask for surge upgrades on such a pool.
        upgradeSettings: undefined,
      };
    case 'on-demand':
      // Only machine types sold on demand (spec/machines.ts); the spec rejects the others.
      return { nodeConfig: {}, autoRepair: true, upgradeSettings: GPU_UPGRADE_SETTINGS };
  }
}

/**
 * GKE's taint for GPU nodes. GKE adds it by itself only when a GPU pool joins a cluster that already
 * has a non-GPU pool; our two pools are created side by side, so it is set here. Pods that request
 * nvidia.com/gpu get the matching toleration from GKE (ExtendedResourceToleration), so only they run there.
 */
export const GPU_TAINT = { key: GPU_RESOURCE, value: 'present', effect: 'NO_SCHEDULE' } as const;

/**
 * Upgrade the GPU pool one node at a time without surge: a surge node needs one more H100 node, which
 * Spot and Flex-start capacity rarely has, and which on-demand quota usually does not allow.
 */
export const GPU_UPGRADE_SETTINGS = { strategy: 'SURGE', maxSurge: 0, maxUnavailable: 1 } as const;

/**
 * Deleting a node pool drains its nodes by deleting their pods, ignoring PodDisruptionBudgets, unless
 * the pool asks otherwise (NodeDrainConfig.respectPdbDuringNodePoolDeletion in the GKE API; the provider's
 * node_drain_config block, updated in place, terraform-provider-google-beta v7.45.0
 * resource_container_node_pool.go). When a replaced pool is deleted, its model servers then leave one at a
 * time as the vLLM PodDisruptionBudget allows, each after its replacement is ready on the new pool.
 */
export const NODE_DRAIN_CONFIG = { respectPdbDuringNodePoolDeletion: true } as const;

/**
 * How long `pulumi up` waits for the old GPU pool's deletion. With PodDisruptionBudgets respected it lasts
 * as long as moving every model server one by one: a new H100 node, the image and the model each time.
 * The provider's default for a node pool delete is 30 minutes.
 */
export const GPU_POOL_DELETE_TIMEOUT = '3h';

type NodePoolInputs = Omit<gcp.container.NodePoolArgs, 'name'>;

const NODE_POOL_FORCE_NEW = GCP_FORCE_NEW['gcp:container/nodePool:NodePool'].paths.filter((path) => path !== 'name' && path !== 'namePrefix');

/**
 * A node pool name that changes exactly when an input that forces replacement changes (force-new.ts).
 *
 * Why not a fixed name: for a resource whose name the program sets, the Pulumi Terraform bridge asks for
 * delete-before-replace (`nameRequiresDeleteBeforeReplace`), so a fixed-name GPU pool would be deleted
 * before its replacement exists and serving would stop until new H100s are found. Why not Pulumi's
 * autonaming: it appends 8 characters to the resource name, which passes GKE's 40-character limit for
 * long cluster names. Why not `namePrefix`: the bridge would still autoname `name` (the provider declares
 * no conflict between them) and the provider refuses both. A name derived from the replacement-forcing
 * inputs, with `deleteBeforeReplace: false` set explicitly (the program's choice overrides the bridge's),
 * makes every replacement create the new pool first; inputs known only at deploy time (the cluster name)
 * are left out, and what they stand for is passed as `identity`. Adding a path the pools set to the
 * NodePool table in force-new.ts changes these names, so the next `pulumi up` replaces the pools (new
 * first); first-run.test.ts pins the default names so that this never happens unnoticed.
 */
export function nodePoolName(kind: string, inputs: NodePoolInputs, identity: Readonly<Record<string, string>>): string {
  const valueAt = (path: string): unknown =>
    path.split('.').reduce<unknown>((at, key) => (at !== null && typeof at === 'object' && !pulumi.Output.isInstance(at) ? (at as Record<string, unknown>)[key] : undefined), inputs);
  const known = NODE_POOL_FORCE_NEW.map((path) => [path, valueAt(path)] as const).filter(([, value]) => value !== undefined && !pulumi.Output.isInstance(value));
  const hash = createHash('sha256').update(JSON.stringify([known, identity])).digest('hex').slice(0, 8);
  return `${kind}-${hash}`;
}

/**
 * The cluster's two node pools, running as the nodes' own service account. The system pool runs the
 * endpoint picker and cluster add-ons. The GPU pool runs vLLM on A3 High machines with H100 GPUs whose
 * drivers GKE installs, tainted so that only pods requesting GPUs land there.
 *
 * Both pools are replaced, never deleted first: each name follows the inputs that force replacement
 * (`nodePoolName`) and `deleteBeforeReplace` is false, so the new pool exists before GKE drains the old
 * one. The system pool gets the same treatment because the endpoint picker runs there.
 */
export class NodePools extends pulumi.ComponentResource {
  readonly systemPool: gcp.container.NodePool;
  readonly gpuPool: gcp.container.NodePool;

  constructor(name: string, args: NodePoolsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('inference-gateway:infra:NodePools', name, {}, opts);
    const spec = args.cluster;
    const poolOptions: pulumi.CustomResourceOptions = { ...childOptions(this, opts, args.identity.grants), deleteBeforeReplace: false };
    const identity = { cluster: spec.name, serviceAccount: args.identity.accountId };
    const common = {
      project: args.project,
      cluster: args.gkeCluster.name,
      location: spec.region,
      // Private nodes in every pool, not only by the cluster's default: no node has an external address
      // (constraints/compute.vmExternalIpAccess); egress goes through Cloud NAT.
      networkConfig: { enablePrivateNodes: true },
      nodeDrainConfigs: [{ ...NODE_DRAIN_CONFIG }],
    };
    const nodeIdentity = {
      serviceAccount: args.identity.email,
      oauthScopes: [CLOUD_PLATFORM_SCOPE],
      workloadMetadataConfig: WORKLOAD_METADATA,
    };

    const system = spec.systemPool;
    const systemInputs: NodePoolInputs = {
      ...common,
      management: { autoRepair: true, autoUpgrade: true },
      // One node per zone to start; the autoscaler then keeps the total within the spec's bounds.
      initialNodeCount: 1,
      autoscaling: { totalMinNodeCount: system.minNodes, totalMaxNodeCount: system.maxNodes },
      nodeConfig: {
        machineType: system.machineType,
        ...nodeIdentity,
        labels: { 'inference-gateway/node-pool': 'system' },
        resourceLabels: { 'inference-gateway': spec.name },
      },
    };
    this.systemPool = new gcp.container.NodePool(`${spec.name}-system`, { ...systemInputs, name: nodePoolName('system', systemInputs, identity) }, poolOptions);

    const gpu = spec.gpuPool;
    const provisioning = provisioningSettings(gpu);
    const localSsdCount = bundledLocalSsdCount(gpu.machineType);
    const gpuInputs: NodePoolInputs = {
      ...common,
      management: { autoRepair: provisioning.autoRepair, autoUpgrade: true },
      ...(provisioning.upgradeSettings === undefined ? {} : { upgradeSettings: { ...provisioning.upgradeSettings } }),
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
        taints: [{ ...GPU_TAINT }],
        // Image streaming: containers start while their image is still arriving, for images stored in
        // Artifact Registry (cluster.images). Not ForceNew (force-new.ts): switching it keeps the pool and
        // its name; GKE applies it to running nodes through a node update, which may recreate them.
        gcfsConfig: { enabled: spec.images.streaming },
        ...nodeIdentity,
        labels: { 'inference-gateway/node-pool': 'gpu' },
        resourceLabels: { 'inference-gateway': spec.name },
      },
    };
    this.gpuPool = new gcp.container.NodePool(
      `${spec.name}-gpu`,
      { ...gpuInputs, name: nodePoolName('gpu', gpuInputs, identity) },
      { ...poolOptions, customTimeouts: { delete: GPU_POOL_DELETE_TIMEOUT } },
    );

    this.registerOutputs({ systemPool: this.systemPool.name, gpuPool: this.gpuPool.name });
  }
}
