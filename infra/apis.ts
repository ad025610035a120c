import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { API } from './service-apis';

export interface ApisArgs {
  /** Project that runs the cluster (the service project with Shared VPC). */
  readonly project: string;
  /** Prefix of the resource names, so two stacks in one Pulumi project do not collide. */
  readonly namePrefix: string;
  /**
   * Enable the Model Armor API as well. The guide enables it "as needed": only when a Model Armor
   * traffic extension is attached to the gateway (`gateway.modelArmor.enabled`).
   * @default false
   */
  readonly enableModelArmor?: boolean;
  /** Enable Certificate Manager as well, for the certificate of `gateway.tls.domains`. @default false */
  readonly enableCertificateManager?: boolean;
  /**
   * Shared VPC host project. GKE's Shared VPC setup needs the Kubernetes Engine and Compute Engine APIs
   * in the host project too (the host's GKE agent manages firewall rules and the subnets' IAM there).
   * @default no host project: everything lives in `project`
   */
  readonly hostProject?: string;
  /**
   * Enable Artifact Registry and the Container File System API, for the image mirror and GKE image streaming.
   * @default false
   */
  readonly imageStreaming?: boolean;
  /**
   * Enable Cloud Storage, for a bucket of model weights.
   * @default false
   */
  readonly storage?: boolean;
}

/**
 * Enabled before every other API: the provider reads and enables each `google_project_service` through
 * the Service Usage API and checks the project through Cloud Resource Manager (terraform-provider-google-beta
 * v7.45.0 google-beta/services/resourcemanager/resource_google_project_service.go), and Resource Manager
 * also serves the project IAM grants and the project-number lookup. Service Usage is on in every project
 * created through the console or gcloud; Resource Manager need not be.
 */
export const BOOTSTRAP_APIS = [API.serviceUsage, API.resourceManager] as const;

/**
 * The APIs a first run in an empty project calls: the guide's three ("准备工作"), IAM for the nodes'
 * service account, Logging and Monitoring (the nodes' logs and metrics, Managed Prometheus samples, the
 * load balancer's logs; GKE's logging and monitoring integrations write nowhere without them) and the
 * Cloud Quotas API for the GPU quota read (quota.ts).
 */
export const REQUIRED_APIS = [API.container, API.compute, API.networkServices, API.iam, API.logging, API.monitoring, API.cloudQuotas] as const;
export const MODEL_ARMOR_API = API.modelArmor;
export const CERTIFICATE_MANAGER_API = API.certificateManager;
/** APIs image streaming from an Artifact Registry mirror calls. */
export const IMAGE_STREAMING_APIS = [API.artifactRegistry, API.containerFilesystem] as const;
/**
 * APIs the host project of a Shared VPC needs: Kubernetes Engine and Compute Engine (GKE's Shared VPC
 * setup), after Service Usage and Resource Manager (the IAM grants this program makes on the host project).
 */
export const HOST_PROJECT_APIS = [API.container, API.compute] as const;

/**
 * Enables the Google Cloud APIs the deployment uses. Every other component depends on this one, and
 * every invoke too (options.ts `invokeOptions`), so the first `pulumi up` in an empty project calls no
 * API before it is enabled.
 *
 * The APIs stay enabled on `pulumi destroy` (`disableOnDestroy: false`): other workloads in the project
 * may use them, and disabling Compute Engine or Kubernetes Engine would tear down resources this stack
 * does not own. `disableDependentServices: false` likewise never touches APIs we did not enable.
 */
export class Apis extends pulumi.ComponentResource {
  /** The enabled services; pass the component itself as `dependsOn` to wait for all of them. */
  readonly services: readonly gcp.projects.Service[];

  constructor(name: string, args: ApisArgs, opts?: pulumi.ComponentResourceOptions) {
    super('inference-gateway:infra:Apis', name, {}, opts);
    const enable = (project: string, service: string, resourceName: string, after: readonly gcp.projects.Service[] = []): gcp.projects.Service =>
      new gcp.projects.Service(
        resourceName,
        { project, service, disableOnDestroy: false, disableDependentServices: false },
        { parent: this, dependsOn: [...after] },
      );
    const shortName = (service: string): string => service.split('.')[0];

    // Every other API waits for Service Usage and Resource Manager in its project (BOOTSTRAP_APIS).
    const enableAll = (project: string, prefix: string, services: readonly string[]): gcp.projects.Service[] => {
      const first = BOOTSTRAP_APIS.map((service) => enable(project, service, `${prefix}-${shortName(service)}`));
      return [...first, ...services.map((service) => enable(project, service, `${prefix}-${shortName(service)}`, first))];
    };
    const services = [
      ...REQUIRED_APIS,
      ...(args.enableModelArmor ? [MODEL_ARMOR_API] : []),
      ...(args.enableCertificateManager ? [CERTIFICATE_MANAGER_API] : []),
      ...(args.imageStreaming ? IMAGE_STREAMING_APIS : []),
      ...(args.storage ? [API.storage] : []),
    ];
    const enabled = enableAll(args.project, args.namePrefix, services);
    if (args.hostProject !== undefined) enabled.push(...enableAll(args.hostProject, `${args.namePrefix}-host`, HOST_PROJECT_APIS));
    this.services = enabled;
    this.registerOutputs({ services: enabled.map((service) => service.service) });
  }
}
