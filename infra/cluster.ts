import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { compareGkeVersions, type ClusterSpec } from '../spec';
import type { Network } from './network';
import { childOptions, invokeOptions } from './options';

export interface ClusterArgs {
  /** The spec's `cluster`: name, region, version, release channel, deletion protection. */
  readonly cluster: ClusterSpec;
  /** Project that runs the cluster (the service project with Shared VPC). */
  readonly project: string;
  /** The VPC-native network the cluster joins; its ids carry the host project with Shared VPC. */
  readonly network: Network;
}

/**
 * The version to create the cluster at: the release channel's current default in the region, unless
 * the spec's minimum is newer. Asking for the minimum itself would fail once the channel stops offering
 * it (the guide's 1.32.3 has long left RAPID), while the channel default is always creatable.
 */
export function creationVersion(channelDefault: string | undefined, minimum: string): string {
  return channelDefault !== undefined && compareGkeVersions(channelDefault, minimum) >= 0 ? channelDefault : minimum;
}

/** The cluster input a later `pulumi up` leaves alone (see the Cluster's `ignoreChanges`). */
export const CREATION_ONLY_INPUTS = ['minMasterVersion'] as const;

/**
 * A regional, VPC-native GKE Standard cluster with everything the Inference Gateway needs from the
 * control plane: the GKE Gateway controller (Gateway API, standard channel), the HttpLoadBalancing
 * add-on, Workload Identity and Managed Prometheus (the endpoint picker's ClusterPodMonitoring).
 *
 * The default node pool is removed: the system and GPU pools are managed as their own resources, so
 * changing them never replaces the cluster.
 */
export class Cluster extends pulumi.ComponentResource {
  readonly cluster: gcp.container.Cluster;
  /** The cluster's name, for node pools and the kubeconfig. */
  readonly name: pulumi.Output<string>;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('inference-gateway:infra:Cluster', name, {}, opts);
    const spec = args.cluster;
    const network = args.network;
    // Waits for the Kubernetes Engine API like every other call to it (invokeOptions).
    const offered = gcp.container.getEngineVersionsOutput({ project: args.project, location: spec.region }, invokeOptions(this, opts));

    this.cluster = new gcp.container.Cluster(
      spec.name,
      {
        name: spec.name,
        project: args.project,
        // Regional: the control plane and the nodes span the region's zones, and the regional load
        // balancers of both GatewayClasses live in the same region.
        location: spec.region,
        // At least spec.version (the spec guarantees >= 1.32.3, the oldest version whose Gateway
        // controller accepts InferencePool backends); the release channel upgrades it from there.
        minMasterVersion: offered.releaseChannelDefaultVersion.apply((defaults) =>
          creationVersion(defaults?.[spec.releaseChannel], spec.version),
        ),
        releaseChannel: { channel: spec.releaseChannel },
        network: network.networkId,
        subnetwork: network.nodeSubnet.id,
        // The Gateway API works only on VPC-native clusters.
        networkingMode: 'VPC_NATIVE',
        ipAllocationPolicy: {
          clusterSecondaryRangeName: network.podRangeName,
          servicesSecondaryRangeName: network.serviceRangeName,
        },
        // Installs the Gateway API CRDs, GKE's GatewayClasses and policy CRDs, and runs the controller.
        gatewayApiConfig: { channel: 'CHANNEL_STANDARD' },
        // The GKE Gateway controller requires the HttpLoadBalancing add-on.
        addonsConfig: { httpLoadBalancing: { disabled: false } },
        workloadIdentityConfig: { workloadPool: `${args.project}.svc.id.goog` },
        // Managed Prometheus installs the ClusterPodMonitoring CRD and the collector that scrapes the
        // endpoint picker with the metrics reader's token.
        monitoringConfig: { managedPrometheus: { enabled: true } },
        // GKE cannot create a cluster without a node pool; this one is deleted right after creation.
        removeDefaultNodePool: true,
        initialNodeCount: 1,
        // Always explicit: the provider refuses to destroy a protected cluster, so teardown is a
        // deliberate two-step change (see docs/deploy.md).
        deletionProtection: spec.deletionProtection,
      },
      {
        // Depends on everything network-side (with Shared VPC the cluster can only use the host's subnet
        // once the grants exist), so destroy removes Kubernetes objects, pools and cluster first.
        ...childOptions(this, opts, network.resources),
        // The channel default moves every few weeks: read at creation only. A later `pulumi up` must not
        // upgrade the control plane because getEngineVersions answered something newer; the release
        // channel upgrades it, and docs/deploy.md says how to raise the version deliberately.
        ignoreChanges: [...CREATION_ONLY_INPUTS],
        // The provider's deletionProtection stops only the cluster's own delete, after `pulumi destroy`
        // already deleted every workload and pool. Pulumi's protect fails the destroy before anything
        // is deleted, so the two are set together.
        protect: spec.deletionProtection,
      },
    );
    this.name = this.cluster.name;
    this.registerOutputs({ name: this.name, endpoint: this.cluster.endpoint });
  }
}
