import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import type { NetworkSpec } from '../spec';
import { childOptions, invokeOptions } from './options';

export interface NetworkArgs {
  /** The spec's `cluster.network`: names and CIDR ranges. */
  readonly network: NetworkSpec;
  /**
   * Prefix of the node subnet and its secondary ranges: the cluster name, so that clusters of several
   * stacks can share one VPC.
   */
  readonly subnetPrefix: string;
  /** Region of the cluster; both subnets must live there (regional load balancers use the region's subnets). */
  readonly region: string;
  /** Project that runs the cluster. */
  readonly project: string;
  /**
   * Shared VPC host project: the network and its subnets are created there, and the service project's
   * GKE agent is allowed to use them.
   * @default no Shared VPC: the network lives in `project`
   */
  readonly hostProject?: string;
}

/** Node subnet and secondary range names; GKE's ipAllocationPolicy refers to the ranges by name. */
export const nodeSubnetName = (prefix: string): string => `${prefix}-nodes`;
export const podRangeName = (prefix: string): string => `${prefix}-pods`;
export const serviceRangeName = (prefix: string): string => `${prefix}-services`;

/**
 * A custom-mode VPC for a VPC-native cluster (the Gateway API works only on VPC-native clusters), the
 * node subnet with its pod and service secondary ranges, and the region's proxy-only subnet.
 *
 * The proxy-only subnet is needed by BOTH supported GatewayClasses: gke-l7-regional-external-managed and
 * gke-l7-rilb are Envoy-based regional load balancers whose proxies take their addresses from the
 * region's REGIONAL_MANAGED_PROXY subnet; without it GKE cannot program either Gateway. Only one such
 * subnet may exist per region and network, so `createProxyOnlySubnet: false` reuses one made elsewhere.
 *
 * With `createNetwork: false` the VPC is looked up by name instead (for example the first stack's), and
 * only this cluster's node subnet is added to it: a second stack then shares the network and, with
 * `createProxyOnlySubnet: false`, the first stack's proxy-only subnet.
 */
export class Network extends pulumi.ComponentResource {
  /** Undefined when the spec reuses an existing VPC. */
  readonly vpc?: gcp.compute.Network;
  /** The VPC's id, created here or looked up. */
  readonly networkId: pulumi.Output<string>;
  readonly nodeSubnet: gcp.compute.Subnetwork;
  /** Undefined when the spec reuses an existing proxy-only subnet. */
  readonly proxyOnlySubnet?: gcp.compute.Subnetwork;
  /** Names of the node subnet's secondary ranges, for the cluster's ipAllocationPolicy. */
  readonly podRangeName: string;
  readonly serviceRangeName: string;
  /** Shared VPC grants the cluster must wait for; empty without Shared VPC. */
  readonly sharedVpcGrants: readonly pulumi.Resource[];
  /**
   * Everything this component creates. The cluster depends on all of it, so `pulumi destroy` deletes the
   * Kubernetes objects, the node pools and the cluster before any of the network: the Gateway's load
   * balancer uses the proxy-only subnet, which the cluster does not otherwise refer to.
   */
  readonly resources: readonly pulumi.Resource[];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super('inference-gateway:infra:Network', name, {}, opts);
    const child = childOptions(this, opts);
    const spec = args.network;
    const networkProject = args.hostProject ?? args.project;
    this.podRangeName = podRangeName(args.subnetPrefix);
    this.serviceRangeName = serviceRangeName(args.subnetPrefix);

    if (spec.createNetwork) {
      this.vpc = new gcp.compute.Network(
        spec.name,
        // Custom mode: auto mode would create a subnet in every region from 10.128.0.0/9, which can
        // overlap the ranges of the spec.
        { name: spec.name, project: networkProject, autoCreateSubnetworks: false },
        child,
      );
      this.networkId = this.vpc.id;
    } else {
      this.networkId = gcp.compute.getNetworkOutput({ name: spec.name, project: networkProject }, invokeOptions(this, opts)).id;
    }

    const subnetName = nodeSubnetName(args.subnetPrefix);
    this.nodeSubnet = new gcp.compute.Subnetwork(
      subnetName,
      {
        name: subnetName,
        project: networkProject,
        region: args.region,
        network: this.networkId,
        ipCidrRange: spec.nodeCidr,
        secondaryIpRanges: [
          { rangeName: this.podRangeName, ipCidrRange: spec.podCidr },
          { rangeName: this.serviceRangeName, ipCidrRange: spec.serviceCidr },
        ],
        // Nodes pull images and reach Google APIs without external addresses.
        privateIpGoogleAccess: true,
      },
      child,
    );

    if (spec.createProxyOnlySubnet) {
      this.proxyOnlySubnet = new gcp.compute.Subnetwork(
        `${spec.name}-proxy-only`,
        {
          name: `${spec.name}-proxy-only`,
          project: networkProject,
          region: args.region,
          network: this.networkId,
          ipCidrRange: spec.proxyOnlyCidr,
          purpose: 'REGIONAL_MANAGED_PROXY',
          role: 'ACTIVE',
        },
        child,
      );
    }

    this.sharedVpcGrants = args.hostProject === undefined ? [] : this.grantSharedVpc(args.subnetPrefix, args.project, args.hostProject, args.region, child, opts);
    this.resources = [...(this.vpc ? [this.vpc] : []), this.nodeSubnet, ...(this.proxyOnlySubnet ? [this.proxyOnlySubnet] : []), ...this.sharedVpcGrants];

    this.registerOutputs({
      networkId: this.networkId,
      nodeSubnetId: this.nodeSubnet.id,
      proxyOnlySubnetId: this.proxyOnlySubnet?.id,
    });
  }

  /**
   * Shared VPC: the guide requires the Compute Network User role in the host project for the service
   * project's GKE service account. We grant it on the node subnet only (least privilege), plus the Host
   * Service Agent User role GKE needs to manage host-project resources. The Google APIs service agent
   * creates the node VMs' managed instance groups, so it needs the subnet as well.
   *
   * Host Service Agent User may only read firewall rules (compute.firewalls.get). The GKE Gateway
   * controller creates the load balancer's health-check firewall rules in the network's project, so the
   * GKE agent also gets Compute Security Admin on the host project, the role GKE's Shared VPC
   * documentation names for "create and manage the firewall resources in your host project" (a custom
   * role with compute.firewalls.* and compute.networks.updatePolicy would do as well).
   */
  private grantSharedVpc(
    subnetPrefix: string,
    serviceProject: string,
    hostProject: string,
    region: string,
    child: pulumi.CustomResourceOptions,
    opts: pulumi.ComponentResourceOptions | undefined,
  ): pulumi.Resource[] {
    const projectNumber = gcp.organizations.getProjectOutput({ projectId: serviceProject }, invokeOptions(this, opts)).number;
    const gkeAgent = pulumi.interpolate`serviceAccount:service-${projectNumber}@container-engine-robot.iam.gserviceaccount.com`;
    const apisAgent = pulumi.interpolate`serviceAccount:${projectNumber}@cloudservices.gserviceaccount.com`;
    const subnetUser = (resourceName: string, member: pulumi.Input<string>) =>
      new gcp.compute.SubnetworkIAMMember(
        resourceName,
        { project: hostProject, region, subnetwork: this.nodeSubnet.name, role: 'roles/compute.networkUser', member },
        child,
      );
    const hostRole = (resourceName: string, role: string) => new gcp.projects.IAMMember(resourceName, { project: hostProject, role, member: gkeAgent }, child);
    return [
      subnetUser(`${subnetPrefix}-nodes-gke-network-user`, gkeAgent),
      subnetUser(`${subnetPrefix}-nodes-apis-network-user`, apisAgent),
      hostRole(`${subnetPrefix}-gke-host-service-agent-user`, 'roles/container.hostServiceAgentUser'),
      hostRole(`${subnetPrefix}-gke-host-firewall-admin`, SHARED_VPC_FIREWALL_ROLE),
    ];
  }
}

/** The host-project role that lets GKE write the Gateway's firewall rules (see grantSharedVpc). */
export const SHARED_VPC_FIREWALL_ROLE = 'roles/compute.securityAdmin';
