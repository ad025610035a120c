/**
 * Which Google Cloud API serves each resource type and data source the program uses, and which project
 * it is called against. Google Cloud answers a call to an API that is not enabled in that project with
 * 403 SERVICE_DISABLED ("... API has not been used in project ... before or it is disabled"), so every
 * resource and invoke listed here must wait for that API's `gcp:projects/service:Service`. The program
 * wires those waits (apis.ts, stack.ts); the mocks (mocks.ts) check them against this table.
 *
 * No import here: the table is data that the program, the mocks and the plan share.
 */

export const API = {
  compute: 'compute.googleapis.com',
  container: 'container.googleapis.com',
  networkServices: 'networkservices.googleapis.com',
  /** IAM API: creating and reading service accounts. */
  iam: 'iam.googleapis.com',
  /** Resource Manager API: project IAM policies (IAMMember) and project lookups (getProject). */
  resourceManager: 'cloudresourcemanager.googleapis.com',
  modelArmor: 'modelarmor.googleapis.com',
  /** Service Usage API: enabling APIs and generating service agents (services.generateServiceIdentity). */
  serviceUsage: 'serviceusage.googleapis.com',
  /** Cloud Logging: the nodes' and the load balancer's logs. */
  logging: 'logging.googleapis.com',
  /** Cloud Monitoring: Managed Prometheus writes its samples here, GKE its system metrics. */
  monitoring: 'monitoring.googleapis.com',
  /** Cloud Quotas API: the GPU quota read before the cluster is created (quota.ts). */
  cloudQuotas: 'cloudquotas.googleapis.com',
  /** Artifact Registry: the remote repositories that mirror upstream registries. */
  artifactRegistry: 'artifactregistry.googleapis.com',
  /** Container File System API: GKE image streaming needs it on in the project (GKE image streaming page). */
  containerFilesystem: 'containerfilesystem.googleapis.com',
  /** Cloud Storage: the bucket of model weights and its IAM. */
  storage: 'storage.googleapis.com',
  /** Certificate Manager: the HTTPS listener's certificate and its DNS authorizations. */
  certificateManager: 'certificatemanager.googleapis.com',
} as const;

export type ApiName = (typeof API)[keyof typeof API];

/**
 * Pulumi type or invoke token prefix -> the API that serves it. The first matching prefix wins, so the
 * exact tokens come before the module prefixes.
 */
const SERVICE_BY_TOKEN: readonly (readonly [prefix: string, api: ApiName])[] = [
  // Project IAM and getProject go through Cloud Resource Manager (projects.getIamPolicy/setIamPolicy, projects.get).
  ['gcp:projects/iAMMember:IAMMember', API.resourceManager],
  ['gcp:organizations/getProject:getProject', API.resourceManager],
  // google_project_service_identity calls services.generateServiceIdentity (serviceusage v1beta1),
  // terraform-provider-google-beta v7.45.0 google-beta/services/resourcemanager/resource_project_service_identity.go.
  ['gcp:projects/serviceIdentity:ServiceIdentity', API.serviceUsage],
  // google_cloud_quotas_quota_info reads cloudquotas.googleapis.com/v1 .../quotaInfos/{quotaId}.
  ['gcp:cloudquota/', API.cloudQuotas],
  // Service accounts are IAM API objects (iam.projects.serviceAccounts.*).
  ['gcp:serviceaccount/', API.iam],
  // Networks, subnetworks, their IAM policies, network lookups and Cloud Armor policies are Compute Engine API calls.
  ['gcp:compute/', API.compute],
  // Clusters, node pools and getEngineVersions are Kubernetes Engine API calls.
  ['gcp:container/', API.container],
  ['gcp:networkservices/', API.networkServices],
  ['gcp:artifactregistry/', API.artifactRegistry],
  ['gcp:storage/', API.storage],
  ['gcp:certificatemanager/', API.certificateManager],
  ['gcp:modelarmor/', API.modelArmor],
  // Dashboards and alert policies are Cloud Monitoring API objects (projects.dashboards, projects.alertPolicies).
  ['gcp:monitoring/', API.monitoring],
];

/**
 * The API a resource type or invoke token calls, or undefined for what calls no Google Cloud API
 * (components, providers, Kubernetes objects) and for `gcp:projects/service:Service` itself, which goes
 * through the Service Usage API that every project has enabled.
 */
export function apiOf(typeOrToken: string): ApiName | undefined {
  return SERVICE_BY_TOKEN.find(([prefix]) => typeOrToken.startsWith(prefix))?.[1];
}

/**
 * The project whose API enablement a call needs: the resource's `project` (or `projectId` for
 * getProject, `hostProject` for attaching a Shared VPC service project, `parent` for the quota read). Google Cloud checks the API in the project that owns the resource for the APIs above; for
 * calls that name no project the provider uses `gcp:project`, passed as `defaultProject`.
 */
export function apiProjectOf(inputs: Readonly<Record<string, unknown>>, defaultProject: string): string {
  // The Cloud Quotas data source names its project as `parent: projects/<id>`.
  const parent = typeof inputs.parent === 'string' ? /^projects\/([^/]+)$/.exec(inputs.parent)?.[1] : undefined;
  const named = inputs.project ?? inputs.projectId ?? inputs.hostProject ?? parent;
  return typeof named === 'string' && named !== '' ? named : defaultProject;
}
