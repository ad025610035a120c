import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import type { NetworkSpec } from '../spec';
import { childOptions, invokeOptions, type ChildOptions } from './options';
import { API } from './service-apis';

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
  /**
   * With Shared VPC, attach the service project to the host project here (`compute.projects.enableXpnResource`
   * on the host, which needs the Shared VPC Admin role).
   * @default false: a Shared VPC Admin attached it beforehand (docs/deploy.md)
   */
  readonly attachServiceProject?: boolean;
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
  /** The Cloud Router and Cloud NAT of the node subnet; undefined with `createNat: false`. */
  readonly nat?: { readonly router: gcp.compute.Router; readonly nat: gcp.compute.RouterNat };
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

    if (spec.createNat) this.nat = this.createNat(args.subnetPrefix, networkProject, args.region, child);

    this.sharedVpcGrants =
      args.hostProject === undefined ? [] : this.grantSharedVpc(args.subnetPrefix, args.project, args.hostProject, args.region, args.attachServiceProject ?? false, child, opts);
    this.resources = [
      ...(this.vpc ? [this.vpc] : []),
      this.nodeSubnet,
      ...(this.proxyOnlySubnet ? [this.proxyOnlySubnet] : []),
      ...(this.nat ? [this.nat.router, this.nat.nat] : []),
      ...this.sharedVpcGrants,
    ];

    this.registerOutputs({
      networkId: this.networkId,
      nodeSubnetId: this.nodeSubnet.id,
      proxyOnlySubnetId: this.proxyOnlySubnet?.id,
    });
  }

  /**
   * Egress for nodes without external addresses (private nodes, which the organisation policy
   * constraints/compute.vmExternalIpAccess usually demands): Private Google Access covers Google APIs and
   * Artifact Registry, but vLLM pulls its image from Docker Hub and the model from Hugging Face. The NAT
   * covers only this cluster's node subnet (primary and secondary ranges), so a second stack in the same
   * VPC adds its own NAT next to this one; a NAT that covers ALL_SUBNETWORKS of the region would refuse
   * every other NAT there. Addresses are allocated by Cloud NAT (AUTO_ONLY); errors are logged.
   * @see https://cloud.google.com/nat/docs/gke-example
   */
  private createNat(prefix: string, project: string, region: string, child: pulumi.CustomResourceOptions): { router: gcp.compute.Router; nat: gcp.compute.RouterNat } {
    const router = new gcp.compute.Router(`${prefix}-nat-router`, { name: `${prefix}-nat-router`, project, region, network: this.networkId }, child);
    const nat = new gcp.compute.RouterNat(
      `${prefix}-nat`,
      {
        name: `${prefix}-nat`,
        project,
        region,
        router: router.name,
        natIpAllocateOption: 'AUTO_ONLY',
        sourceSubnetworkIpRangesToNat: 'LIST_OF_SUBNETWORKS',
        subnetworks: [{ name: this.nodeSubnet.selfLink, sourceIpRangesToNats: ['ALL_IP_RANGES'] }],
        logConfig: { enable: true, filter: 'ERRORS_ONLY' },
      },
      child,
    );
    return { router, nat };
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
   *
   * The GKE service agent (`service-<number>@container-engine-robot`) is created by Google some time after
   * the Kubernetes Engine API is enabled, not by the enablement itself: a grant to it right after the
   * enablement fails with "service account ... does not exist". `gcp.projects.ServiceIdentity` creates it
   * (services.generateServiceIdentity), and every grant to it waits for that resource. The member is built
   * from the project number rather than read from the identity's `email`, which the provider sets only when
   * the API returns one (terraform-provider-google-beta v7.45.0 resource_project_service_identity.go).
   * The Google APIs service agent (`<number>@cloudservices`) exists from the project's creation.
   * @see https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-shared-vpc
   */
  private grantSharedVpc(
    subnetPrefix: string,
    serviceProject: string,
    hostProject: string,
    region: string,
    attach: boolean,
    child: ChildOptions,
    opts: pulumi.ComponentResourceOptions | undefined,
  ): pulumi.Resource[] {
    const projectNumber = gcp.organizations.getProjectOutput({ projectId: serviceProject }, invokeOptions(this, opts)).number;
    const gkeIdentity = new gcp.projects.ServiceIdentity(`${subnetPrefix}-gke-service-agent`, { project: serviceProject, service: API.container }, child);
    const gkeAgent = pulumi.interpolate`serviceAccount:service-${projectNumber}@container-engine-robot.iam.gserviceaccount.com`;
    const apisAgent = pulumi.interpolate`serviceAccount:${projectNumber}@cloudservices.gserviceaccount.com`;
    const afterAgent = (member: pulumi.Input<string>): ChildOptions => (member === gkeAgent ? { ...child, dependsOn: [...child.dependsOn, gkeIdentity] } : child);
    const subnetUser = (resourceName: string, member: pulumi.Input<string>) =>
      new gcp.compute.SubnetworkIAMMember(
        resourceName,
        { project: hostProject, region, subnetwork: this.nodeSubnet.name, role: 'roles/compute.networkUser', member },
        afterAgent(member),
      );
    const hostRole = (resourceName: string, role: string) => new gcp.projects.IAMMember(resourceName, { project: hostProject, role, member: gkeAgent }, afterAgent(gkeAgent));
    // Attaching lets the service project's resources use the host's subnets at all; without it the
    // cluster create fails whatever the grants say.
    const attachment = attach ? [new gcp.compute.SharedVPCServiceProject(`${subnetPrefix}-shared-vpc-attachment`, { hostProject, serviceProject }, child)] : [];
    return [
      gkeIdentity,
      ...attachment,
      subnetUser(`${subnetPrefix}-nodes-gke-network-user`, gkeAgent),
      subnetUser(`${subnetPrefix}-nodes-apis-network-user`, apisAgent),
      hostRole(`${subnetPrefix}-gke-host-service-agent-user`, 'roles/container.hostServiceAgentUser'),
      hostRole(`${subnetPrefix}-gke-host-firewall-admin`, SHARED_VPC_FIREWALL_ROLE),
    ];
  }
}

/** The host-project role that lets GKE write the Gateway's firewall rules (see grantSharedVpc). */
export const SHARED_VPC_FIREWALL_ROLE = 'roles/compute.securityAdmin';
