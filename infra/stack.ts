/**
 * The whole deployment as one function of the validated spec, so the Pulumi program (index.ts), the
 * offline plan (plan.ts) and the tests all run the same code without re-importing any module.
 */
import * as pulumi from '@pulumi/pulumi';
import { exposureWarnings, HTTPS_PORT, type DeploymentSpec } from '../spec';
import { Apis } from './apis';
import { completionsRequest, curl } from './curl';
import { Cluster } from './cluster';
import { GatewaySecurity, type DnsRecord } from './gateway-security';
import { KubernetesWorkloads } from './kubernetes';
import { chartObjects } from './manifests';
import { Network } from './network';
import { NodeIdentity } from './node-identity';
import { NodePools } from './node-pools';
import { Observability } from './observability';
import { checkGpuQuota } from './quota';
import { ImageMirror } from './image-mirror';
import { WorkloadAccess } from './workload-access';

export { completionsRequest, curl, shellQuote, type CompletionsRequest } from './curl';

export interface StackSettings {
  /** The validated deployment spec. */
  readonly spec: DeploymentSpec;
  /** Project that runs the cluster (`gcp:project`). */
  readonly project: string;
  /** Hugging Face token (`inference-gateway:hfToken`), a secret. */
  readonly hfToken: pulumi.Output<string>;
}

export interface StackOutputs {
  readonly apis: Apis;
  readonly network: Network;
  readonly cluster: Cluster;
  readonly nodeIdentity: NodeIdentity;
  readonly nodePools: NodePools;
  readonly gatewaySecurity: GatewaySecurity;
  /** Artifact Registry remote repositories, when `cluster.images.streaming` is on. */
  readonly imageMirror?: ImageMirror;
  /** Google Cloud access of the workloads' Kubernetes service accounts (Workload Identity). */
  readonly workloadAccess: WorkloadAccess;
  readonly kubernetes: KubernetesWorkloads;
  readonly observability: Observability;
  readonly clusterName: pulumi.Output<string>;
  /** The checks that must pass before the cluster is created (GPU quota, version gate). */
  readonly preconditions: readonly pulumi.Output<void>[];
  readonly gatewayAddress: pulumi.Output<string | undefined>;
  /** A ready-to-run request to the first pool through the gateway, as in the guide's last step. */
  readonly curlCommand: pulumi.Output<string>;
  /**
   * DNS records to create: Certificate Manager's authorization records and an A record per domain to the
   * Gateway's address. Empty without `gateway.tls.domains`.
   */
  readonly dnsRecords: pulumi.Output<DnsRecord[]>;
  /** What an open external Gateway exposes (spec/exposure.ts); empty once it has TLS and access control. */
  readonly exposure: readonly string[];
}

/** Creates every resource of the deployment, APIs first and the Kubernetes objects last. */
export function deploy(settings: StackSettings): StackOutputs {
  const { spec, project } = settings;
  const prefix = spec.cluster.name;
  const hostProject = spec.cluster.sharedVpc?.hostProject;

  // Every component below, and each of its resources and invokes, waits for the APIs (childOptions,
  // invokeOptions): nothing calls an API before it is enabled (service-apis.ts).
  const apis = new Apis(prefix, {
    project,
    namePrefix: prefix,
    enableModelArmor: spec.gateway.modelArmor.enabled,
    enableCertificateManager: (spec.gateway.tls?.domains ?? []).length > 0,
    hostProject,
    imageStreaming: spec.cluster.images.streaming,
    storage: spec.pools.some((pool) => pool.modelServer.weightsFrom === 'gcs'),
  });
  const afterApis = { dependsOn: [apis] };
  const network = new Network(
    prefix,
    {
      network: spec.cluster.network,
      subnetPrefix: spec.cluster.name,
      region: spec.cluster.region,
      project,
      hostProject,
      attachServiceProject: spec.cluster.sharedVpc?.attachServiceProject,
    },
    afterApis,
  );
  const nodeIdentity = new NodeIdentity(prefix, { clusterName: spec.cluster.name, project }, afterApis);
  // Read before the cluster is created: a GPU pool the project has no quota for would otherwise fail
  // only as a silent scale-up while `pulumi up` waits for the model servers.
  const gpuQuota = checkGpuQuota(spec.cluster.gpuPool, spec.cluster.region, project, { dependsOn: [apis] });
  const cluster = new Cluster(prefix, { cluster: spec.cluster, project, network, identity: nodeIdentity, preconditions: [gpuQuota] }, afterApis);
  const imageMirror = spec.cluster.images.streaming ? new ImageMirror(prefix, { cluster: spec.cluster, project }, afterApis) : undefined;
  const nodePools = new NodePools(prefix, { cluster: spec.cluster, project, gkeCluster: cluster, identity: nodeIdentity }, afterApis);
  const gatewaySecurity = new GatewaySecurity(`${prefix}-gateway`, { spec, project }, afterApis);
  // Grants to Kubernetes service accounts name the cluster's Workload Identity pool, which exists once
  // the cluster does.
  const workloadAccess = new WorkloadAccess(prefix, { spec, project }, { dependsOn: [apis, cluster] });
  // The Kubernetes objects wait for the node pools (the endpoint picker needs the system pool, and Pulumi
  // waits for each Deployment to become ready) and for their access in Google Cloud. They also wait for
  // the certificate, the Cloud Armor policy and the Model Armor template (and its grants) that the
  // Gateway, its GCPBackendPolicies and its GCPTrafficExtension name: GKE's controller programs the load
  // balancer from them as soon as it sees them.
  const kubernetes = new KubernetesWorkloads(
    prefix,
    { spec, cluster, charts: chartObjects(spec), hfToken: settings.hfToken },
    { dependsOn: [nodePools, workloadAccess, ...(imageMirror ? [imageMirror] : []), ...gatewaySecurity.resources] },
  );

  // The dashboard and alerts read Managed Prometheus series by name; they need the Monitoring API only.
  const observability = new Observability(prefix, { spec, project, namePrefix: prefix }, afterApis);

  const request = completionsRequest(spec);
  const domains = spec.gateway.tls?.domains ?? [];
  // With TLS the request goes to https on 443 (plain HTTP only redirects), by name when pulumi up made
  // the certificate for one.
  const curlCommand = kubernetes.gatewayAddress.apply((address) =>
    spec.gateway.tls === undefined
      ? curl(address ?? '<gateway address>', spec.gateway.listenerPort, request)
      : curl(domains[0] ?? address ?? '<gateway address>', HTTPS_PORT, request, 'https'),
  );
  const dnsRecords = pulumi
    .all([gatewaySecurity.dnsRecords, kubernetes.gatewayAddress])
    .apply(([records, address]) => [...records, ...domains.map((domain) => ({ name: `${domain}.`, type: 'A', data: address ?? '<gateway address>' }))]);
  return {
    apis,
    network,
    cluster,
    nodeIdentity,
    nodePools,
    imageMirror,
    workloadAccess,
    gatewaySecurity,
    kubernetes,
    observability,
    clusterName: cluster.name,
    preconditions: cluster.preconditions,
    gatewayAddress: kubernetes.gatewayAddress,
    curlCommand,
    dnsRecords,
    exposure: exposureWarnings(spec),
  };
}
