import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { compareGkeVersions, type ClusterSpec } from '../spec';
import type { Network } from './network';
import type { NodeIdentity } from './node-identity';
import { childOptions, invokeOptions } from './options';
import { afterChecks, precondition } from './preconditions';

export interface ClusterArgs {
  /** The spec's `cluster`: name, region, version, release channel, deletion protection. */
  readonly cluster: ClusterSpec;
  /** Project that runs the cluster (the service project with Shared VPC). */
  readonly project: string;
  /** The VPC-native network the cluster joins; its ids carry the host project with Shared VPC. */
  readonly network: Network;
  /** The nodes' service account: the default node pool runs as it for the minutes it exists. */
  readonly identity: NodeIdentity;
  /**
   * Checks that must pass before the cluster is created (the GPU quota read): the cluster takes them as
   * an input, so its create waits for them and a failed check stops `pulumi preview` and `up` first.
   */
  readonly preconditions?: readonly pulumi.Output<void>[];
}

/**
 * The version to create the cluster at: the release channel's current default in the region, unless
 * the spec's minimum is newer. Asking for the minimum itself would fail once the channel stops offering
 * it (the guide's 1.32.3 has long left RAPID), while the channel default is always creatable.
 */
export function creationVersion(channelDefault: string | undefined, minimum: string): string {
  return channelDefault !== undefined && compareGkeVersions(channelDefault, minimum) >= 0 ? channelDefault : minimum;
}

/**
 * The cluster inputs a later `pulumi up` leaves alone (see the Cluster's `ignoreChanges`). `nodeConfig`
 * is the removed default pool's: the provider's node_config fields such as service_account are ForceNew
 * on the cluster, so adding it to a stack made before it existed would otherwise replace the cluster.
 */
export const CREATION_ONLY_INPUTS = ['minMasterVersion', 'nodeConfig'] as const;

/** The newest version a region offers on a channel (`getEngineVersions`), or undefined when unknown. */
export function newestOffered(latestPerChannel: Readonly<Record<string, string>> | undefined, valid: readonly string[] | undefined, channel: string): string | undefined {
  const candidates = [...(latestPerChannel?.[channel] !== undefined ? [latestPerChannel[channel]] : (valid ?? []))];
  return candidates.sort(compareGkeVersions).at(-1);
}

/**
 * The version gate: the region must offer, on the cluster's release channel, a version at or above the
 * spec's minimum (1.34.0-gke.1626000 for the GA profile, whose InferencePool v1 GKE installs). Otherwise
 * the create would fail late, or, for an older profile's minimum, the objects would. One line, naming both.
 */
export function versionProblem(minimum: string, newest: string | undefined, region: string, channel: string): string | undefined {
  if (newest === undefined || compareGkeVersions(newest, minimum) >= 0) return undefined;
  return `cluster.version: ${region} offers GKE ${newest} at most on the ${channel} channel, but this deployment needs ${minimum} or later; choose another region or release channel (gcloud container get-server-config --region ${region})`;
}

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
  /** Fails with a RunError when the region offers no GKE version at or above the spec's minimum. */
  readonly versionGate: pulumi.Output<void>;
  /** Every check the cluster's create waits for: the version gate and the caller's preconditions. */
  readonly preconditions: readonly pulumi.Output<void>[];

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('inference-gateway:infra:Cluster', name, {}, opts);
    const spec = args.cluster;
    const network = args.network;
    // Waits for the Kubernetes Engine API like every other call to it (invokeOptions).
    const offered = gcp.container.getEngineVersionsOutput({ project: args.project, location: spec.region }, invokeOptions(this, opts));

    // The version gate, read from the same lookup.
    this.versionGate = precondition(pulumi.all([offered.releaseChannelLatestVersion, offered.validMasterVersions]), ([latest, valid]) =>
      versionProblem(spec.version, newestOffered(latest, valid, spec.releaseChannel), spec.region, spec.releaseChannel),
    );
    this.preconditions = [this.versionGate, ...(args.preconditions ?? [])];
    const dependencies = childOptions(this, opts, [...network.resources, args.identity.account]);

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
        minMasterVersion: offered.releaseChannelDefaultVersion.apply((defaults) => creationVersion(defaults?.[spec.releaseChannel], spec.version)),
        releaseChannel: { channel: spec.releaseChannel },
        network: network.networkId,
        subnetwork: network.nodeSubnet.id,
        // The Gateway API works only on VPC-native clusters.
        networkingMode: 'VPC_NATIVE',
        ipAllocationPolicy: {
          clusterSecondaryRangeName: network.podRangeName,
          servicesSecondaryRangeName: network.serviceRangeName,
        },
        // Private nodes: no node gets an external address, which the organisation policy
        // constraints/compute.vmExternalIpAccess refuses (the default pool included, so the create itself
        // would fail). Egress goes through the network's Cloud NAT. Without masterIpv4CidrBlock GKE
        // reaches the nodes over Private Service Connect. The public endpoint stays unless
        // controlPlane.privateEndpoint. (enablePrivateNodes and enablePrivateEndpoint update in place:
        // terraform-provider-google-beta v7.45.0 resource_container_cluster.go.)
        privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: spec.controlPlane.privateEndpoint },
        ...(spec.controlPlane.authorizedNetworks.length > 0
          ? { masterAuthorizedNetworksConfig: { cidrBlocks: spec.controlPlane.authorizedNetworks.map((cidrBlock) => ({ cidrBlock, displayName: cidrBlock })) } }
          : {}),
        // Installs the Gateway API CRDs, GKE's GatewayClasses and policy CRDs, and runs the controller.
        gatewayApiConfig: { channel: 'CHANNEL_STANDARD' },
        // The GKE Gateway controller requires the HttpLoadBalancing add-on.
        addonsConfig: { httpLoadBalancing: { disabled: false } },
        workloadIdentityConfig: { workloadPool: `${args.project}.svc.id.goog` },
        // Managed Prometheus installs the ClusterPodMonitoring CRD and the collector that scrapes the
        // endpoint picker with the metrics reader's token.
        monitoringConfig: { managedPrometheus: { enabled: true } },
        // GKE cannot create a cluster without a node pool; this one is deleted right after creation. Until
        // then it runs as the nodes' own account, never the Compute Engine default account.
        removeDefaultNodePool: true,
        initialNodeCount: 1,
        nodeConfig: { serviceAccount: args.identity.email, oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'] },
        // Always explicit: the provider refuses to destroy a protected cluster, so teardown is a
        // deliberate two-step change (see docs/deploy.md).
        deletionProtection: spec.deletionProtection,
      },
      {
        // Depends on everything network-side (with Shared VPC the cluster can only use the host's subnet
        // once the grants exist), so destroy removes Kubernetes objects, pools and cluster first.
        // The checks are part of dependsOn: Pulumi awaits an Output there before the create (also during
        // preview, where invokes run), and a check that throws a RunError fails the run with its message
        // alone. As a resource input the message would be prefixed with the property's name.
        ...dependencies,
        dependsOn: afterChecks(this.preconditions, dependencies.dependsOn),
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
