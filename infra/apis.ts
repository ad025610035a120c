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
}

/**
 * The APIs a first run in an empty project calls: the guide's three ("准备工作"), plus IAM for the
 * nodes' service account and Resource Manager for project IAM grants and the project-number lookup.
 * Projects often have the last two on already, but a new project need not.
 */
export const REQUIRED_APIS = [API.container, API.compute, API.networkServices, API.iam, API.resourceManager] as const;
export const MODEL_ARMOR_API = API.modelArmor;
export const CERTIFICATE_MANAGER_API = API.certificateManager;
/**
 * APIs the host project of a Shared VPC needs: Kubernetes Engine and Compute Engine (GKE's Shared VPC
 * setup), and Resource Manager for the IAM grants this program makes on the host project.
 */
export const HOST_PROJECT_APIS = [API.container, API.compute, API.resourceManager] as const;

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
    const enable = (project: string, service: string, resourceName: string): gcp.projects.Service =>
      new gcp.projects.Service(
        resourceName,
        { project, service, disableOnDestroy: false, disableDependentServices: false },
        { parent: this },
      );
    const shortName = (service: string): string => service.split('.')[0];

    const services = [...REQUIRED_APIS, ...(args.enableModelArmor ? [MODEL_ARMOR_API] : []), ...(args.enableCertificateManager ? [CERTIFICATE_MANAGER_API] : [])];
    const enabled = services.map((service) => enable(args.project, service, `${args.namePrefix}-${shortName(service)}`));
    if (args.hostProject !== undefined) {
      enabled.push(...HOST_PROJECT_APIS.map((service) => enable(args.hostProject as string, service, `${args.namePrefix}-host-${shortName(service)}`)));
    }
    this.services = enabled;
    this.registerOutputs({ services: enabled.map((service) => service.service) });
  }
}
