/**
 * Pulumi mocks for the offline plan and the tests. They record what the engine would receive (inputs,
 * and the resource options the engine acts on), and they model the behaviour of Google Cloud and of the
 * Pulumi engine that the program's correctness depends on; each model says which behaviour it stands for.
 * Only this file touches `pulumi.runtime`; nothing here reaches Google Cloud or a cluster.
 */
import * as pulumi from '@pulumi/pulumi';
import { orderConfigGroup, type ObjectRef } from './config-group-order';
import type { KubeObject } from '../infra/manifests';
import { reportFailedChecksTo } from '../infra/preconditions';
import { apiOf, apiProjectOf } from '../infra/service-apis';
import { gpuMachine } from '../spec/machines';

/** The resource options the engine acts on, as the program sent them. */
export interface SeenOptions {
  /** Pulumi `protect`: the engine refuses to delete (or replace) the resource. */
  readonly protect: boolean;
  readonly ignoreChanges: readonly string[];
  /** Set only when the program chose; undefined leaves the choice to the provider. */
  readonly deleteBeforeReplace?: boolean;
  /** URNs the resource waits for on create and that wait for it on delete (explicit and via inputs). */
  readonly dependencies: readonly string[];
  /** Input property -> URNs its value came from; a replaced source makes a ForceNew property unknown. */
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  /** `customTimeouts.delete`, when the program set one (the provider's own default applies otherwise). */
  readonly deleteTimeout?: string;
}

/** One registered (or read) resource as the engine would see it. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  /** URN of the parent component, if any. */
  readonly parent?: string;
  /** Inputs as the engine receives them; secrets stay wrapped (see `isSecretValue`). */
  readonly inputs: Record<string, unknown>;
  /** Provider reference `urn::id` when the resource names a provider. */
  readonly provider?: string;
  readonly custom: boolean;
  /** Set for reads of existing resources (`CustomResource.get` and friends). */
  readonly readId?: string;
  readonly options: SeenOptions;
}

export interface RecordedCall {
  readonly token: string;
  readonly inputs: Record<string, unknown>;
}

/** One object of a ConfigGroup, as pulumi-kubernetes would register it (see config-group-order.ts). */
export interface KubeEntry {
  /** The ConfigGroup's resource name (the chart id). */
  readonly group: string;
  readonly groupUrn: string;
  /** Pulumi type of the object, for example `kubernetes:apps/v1:Deployment`. */
  readonly type: string;
  /** Pulumi resource name: `<group>:<namespace>/<name>` as yaml/v2 names it. */
  readonly name: string;
  readonly ref: Required<ObjectRef>;
  readonly object: KubeObject;
  /** Objects of the same group it waits for (reference keys, transitively). */
  readonly waitsFor: ReadonlySet<string>;
  readonly unparsedAnnotation?: string;
}

/**
 * A call a real first run would see fail: a resource or invoke that reached Google Cloud before its API
 * was enabled (403 SERVICE_DISABLED), an IAM grant to a service agent that did not exist yet
 * (`kind: 'agent'`, 400 "Service account ... does not exist"), or an IAM grant to a Workload Identity
 * principal before the cluster that creates its pool (`kind: 'pool'`, 400 "Identity Pool does not exist").
 */
export interface EnablementViolation {
  readonly kind: 'resource' | 'invoke' | 'agent' | 'pool';
  /** Resource type or invoke token. */
  readonly type: string;
  /** Resource name (undefined for invokes). */
  readonly name?: string;
  readonly api: string;
  readonly project: string;
  /** For `agent` and `pool`: the member granted to before its service agent or identity pool existed. */
  readonly member?: string;
}

/** GKE versions a region offers (getEngineVersions). */
export interface OfferedVersions {
  /** Every version the region accepts for a new control plane. */
  readonly validMasterVersions: readonly string[];
  /** Newest version per release channel; missing channels fall back to validMasterVersions. */
  readonly releaseChannelLatestVersion?: Readonly<Record<string, string>>;
}

/** The default offer: every profile's minimum is available (a region on current GKE releases). */
export const DEFAULT_OFFERED_VERSIONS: OfferedVersions = {
  validMasterVersions: ['1.35.1-gke.1396000', '1.34.1-gke.1127000', '1.34.0-gke.1626000', '1.33.5-gke.1080000', '1.32.3-gke.1785000'],
};

/** GPUs the mock grants for every quota a test does not name: enough for the defaults and the examples. */
export const DEFAULT_GPU_QUOTA = 64;

export interface MockOptions {
  /** Address reported in the Gateway's status. @default "192.0.2.10" (TEST-NET-1) */
  readonly gatewayAddress?: string;
  /**
   * Project number getProject returns for the default project; every other project gets a number of its
   * own (projectNumberOf), so a grant naming one project's agent with another's number is caught.
   * @default "123456789012"
   */
  readonly projectNumber?: string;
  /**
   * Default version per release channel returned by getEngineVersions.
   * @default none (as if unknown: the cluster is created at the spec's minimum)
   */
  readonly channelDefaults?: Readonly<Record<string, string>>;
  /** `gcp:project`, the project of calls that name none. @default "example-project" */
  readonly defaultProject?: string;
  /** What getEngineVersions offers. @default DEFAULT_OFFERED_VERSIONS */
  readonly offeredVersions?: OfferedVersions;
  /** Value of a Cloud Quotas quota id in every region and family. @default DEFAULT_GPU_QUOTA for each */
  readonly quotas?: Readonly<Record<string, number>>;
}

/** What one run under the recording mocks saw. */
export interface Recorder {
  readonly resources: RecordedResource[];
  readonly calls: RecordedCall[];
  readonly violations: EnablementViolation[];
  /** Every object of every ConfigGroup, in registration order. */
  readonly objects: KubeEntry[];
  /**
   * Resource registrations (`resource <type> <name>`) and invokes (`invoke <token>`) in the order they
   * reached the mocks: a resource registers once its inputs are known, so a create that waits for a
   * read comes after it here.
   */
  readonly events: string[];
  /** Rejects with the RunError of the first check that fails (preconditions.ts); never resolves. */
  readonly failedCheck: Promise<never>;
}

/** The signature key and value Pulumi uses to mark a serialized secret. */
const SIG_KEY = '4dabf18193072939515e22adb298388d';
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

/** True when a recorded input is a secret (the engine would encrypt it in the state). */
export function isSecretValue(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** The plain value of a recorded input, with any secret wrappers removed. */
export function unwrapSecrets(value: unknown): unknown {
  if (isSecretValue(value)) return unwrapSecrets((value as { value: unknown }).value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, unwrapSecrets(inner)]));
  }
  return value;
}

/**
 * Models: enabling an API takes a while (seconds to minutes on Google Cloud), and `pulumi up` gets the
 * Service's response only once the API is on. The mock answers the Service only after this delay, so
 * anything that does not wait for it runs first, as on a real first run, and is reported. It is a
 * macrotask delay, far longer than any registration that does not wait (those take microtasks).
 */
export const ENABLEMENT_DELAY_MS = 20;

const SERVICE_TYPE = 'gcp:projects/service:Service';
const SERVICE_IDENTITY_TYPE = 'gcp:projects/serviceIdentity:ServiceIdentity';

/**
 * Models: the provider reads and enables every `google_project_service` through the Service Usage API
 * and checks its project through Cloud Resource Manager (terraform-provider-google-beta v7.45.0
 * google-beta/services/resourcemanager/resource_google_project_service.go), so in a project where either
 * is off, every other enablement fails. A program that enables them must enable them first.
 */
export const BOOTSTRAP_SERVICES = ['serviceusage.googleapis.com', 'cloudresourcemanager.googleapis.com'] as const;

/**
 * Models: a Google-managed service agent such as the GKE one (`service-<number>@container-engine-robot`)
 * is created by Google some time after its API is enabled, or at once by services.generateServiceIdentity
 * (`gcp.projects.ServiceIdentity`); IAM refuses a grant to it before that with "Service account ... does
 * not exist" (https://cloud.google.com/iam/docs/service-agents#service-agent-creation). Agent domain ->
 * the API whose ServiceIdentity creates it.
 */
export const SERVICE_AGENT_DOMAINS: Readonly<Record<string, string>> = {
  'container-engine-robot.iam.gserviceaccount.com': 'container.googleapis.com',
  // The Service Extensions agent, which calls Model Armor for the load balancer (Model Armor "Service
  // accounts"); its extension services (DepService) are part of the Network Services API.
  'gcp-sa-dep.iam.gserviceaccount.com': 'networkservices.googleapis.com',
};

/**
 * The Workload Identity pool (`<project>.svc.id.goog`) a member names: a `principal://` or `principalSet://`
 * identifier of that pool, or the older `serviceAccount:<project>.svc.id.goog[<namespace>/<name>]`.
 */
export function workloadIdentityPool(member: unknown): string | undefined {
  if (typeof member !== 'string') return undefined;
  const match = /^principal(?:Set)?:\/\/iam\.googleapis\.com\/projects\/[^/]+\/locations\/global\/workloadIdentityPools\/([^/]+\.svc\.id\.goog)\//.exec(member) ?? /^serviceAccount:([^[]+\.svc\.id\.goog)\[/.exec(member);
  return match?.[1];
}

/** The API whose service agent `member` names, or undefined for any other member. */
export function serviceAgentApi(member: unknown): string | undefined {
  return serviceAgent(member)?.api;
}

/** The API and project number of the service agent `member` names, or undefined for any other member. */
function serviceAgent(member: unknown): { readonly api: string; readonly projectNumber: string } | undefined {
  const match = typeof member === 'string' ? /^serviceAccount:service-(\d+)@(.+)$/.exec(member) : null;
  const api = match ? SERVICE_AGENT_DOMAINS[match[2]] : undefined;
  return match && api !== undefined ? { api, projectNumber: match[1] } : undefined;
}

/**
 * Models Resource Manager's project numbers: one per project. The default project has the configured
 * number; any other a distinct one derived from its id (a real number is assigned at creation).
 */
export function projectNumberOf(projectId: string, options: Pick<Required<MockOptions>, 'defaultProject' | 'projectNumber'>): string {
  if (projectId === options.defaultProject) return options.projectNumber;
  let hash = 0;
  for (const char of projectId) hash = (hash * 31 + char.charCodeAt(0)) % 1_000_000_000;
  return `9${String(hash).padStart(11, '0')}`;
}

/**
 * Models GKE's node pool deletion: it drains the nodes by deleting their pods and ignores
 * PodDisruptionBudgets, unless the pool's NodeDrainConfig.respectPdbDuringNodePoolDeletion is true
 * (GKE API NodePool.nodeDrainConfig; provider block node_drain_config, terraform-provider-google-beta
 * v7.45.0 resource_container_node_pool.go). `inputs` are the pool's inputs as recorded: the settings of the
 * pool that is deleted decide, not those of its replacement.
 */
export function poolDeletionRespectsPdbs(inputs: unknown): boolean {
  const configs = (inputs as { nodeDrainConfigs?: unknown } | undefined)?.nodeDrainConfigs;
  return Array.isArray(configs) && configs.some((config) => (config as { respectPdbDuringNodePoolDeletion?: unknown })?.respectPdbDuringNodePoolDeletion === true);
}
const CONFIG_GROUP_TYPE = 'kubernetes:yaml/v2:ConfigGroup';
const CLUSTER_TYPE = 'gcp:container/cluster:Cluster';

/** Provider-computed outputs the program reads (ids, endpoints, names). */
function computedState(args: pulumi.runtime.MockResourceArgs, options: Required<MockOptions>): Record<string, unknown> {
  const inputs = args.inputs as Record<string, unknown>;
  const project = inputs.project ?? options.defaultProject;
  switch (args.type) {
    case 'gcp:compute/network:Network':
      return { selfLink: `https://www.googleapis.com/compute/v1/projects/${project}/global/networks/${inputs.name}` };
    case 'gcp:compute/subnetwork:Subnetwork':
      return { selfLink: `https://www.googleapis.com/compute/v1/projects/${project}/regions/${inputs.region}/subnetworks/${inputs.name}` };
    case 'gcp:container/cluster:Cluster':
      return { endpoint: '192.0.2.1', masterAuth: { clusterCaCertificate: Buffer.from('mock CA').toString('base64') } };
    case SERVICE_IDENTITY_TYPE: {
      // Models: the agent's email is service-<project number>@<the API's agent domain>.
      const domain = Object.entries(SERVICE_AGENT_DOMAINS).find(([, api]) => api === inputs.service)?.[0];
      if (domain === undefined) return {};
      const email = `service-${projectNumberOf(String(project), options)}@${domain}`;
      return { email, member: `serviceAccount:${email}` };
    }
    case 'gcp:serviceaccount/account:Account':
      // Models: Google Cloud derives the account's email from its id and project.
      return { email: `${inputs.accountId}@${project}.iam.gserviceaccount.com`, member: `serviceAccount:${inputs.accountId}@${project}.iam.gserviceaccount.com` };
    case 'gcp:certificatemanager/dnsAuthorization:DnsAuthorization':
      // Models: Certificate Manager answers a DNS authorization with the CNAME record that proves control
      // of the domain (Certificate Manager "Manage DNS authorizations": a CNAME under _acme-challenge
      // pointing into authorize.certificatemanager.goog); the user creates it in their DNS zone.
      return {
        dnsResourceRecords: [{ name: `_acme-challenge.${inputs.domain}.`, type: 'CNAME', data: `${args.name}.1.authorize.certificatemanager.goog.` }],
      };
    case 'kubernetes:gateway.networking.k8s.io/v1:Gateway':
      return { status: { addresses: [{ type: 'IPAddress', value: options.gatewayAddress }] } };
    default:
      return {};
  }
}

function mockId(args: pulumi.runtime.MockResourceArgs, options: Required<MockOptions>): string {
  const inputs = args.inputs as Record<string, unknown>;
  const project = inputs.project ?? options.defaultProject;
  switch (args.type) {
    case 'gcp:compute/network:Network':
      return `projects/${project}/global/networks/${inputs.name}`;
    case 'gcp:compute/subnetwork:Subnetwork':
      return `projects/${project}/regions/${inputs.region}/subnetworks/${inputs.name}`;
    case 'gcp:container/cluster:Cluster':
      return `projects/${project}/locations/${inputs.location}/clusters/${inputs.name}`;
    default:
      // Models: every created resource gets an id. MockMonitor passes the import id ('' when none) as
      // args.id, and an empty id would leave the resource's id unknown, which makes every invoke that
      // depends on it return unknown without being called.
      return args.id || `${args.name}-id`;
  }
}

/** The Pulumi type pulumi-kubernetes registers an object as: `kubernetes:<group or core>/<version>:<kind>`. */
export function kubernetesType(object: KubeObject): string {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['core', object.apiVersion];
  return `kubernetes:${group}/${version}:${object.kind}`;
}

/** The parts of a RegisterResourceRequest / ReadResourceRequest this file reads (protobuf getters). */
interface ResourceRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getDependenciesList(): string[];
  getProtect?(): boolean | undefined;
  getIgnorechangesList?(): string[];
  getDeletebeforereplace?(): boolean;
  getDeletebeforereplacedefined?(): boolean;
  getPropertydependenciesMap?(): { forEach(callback: (value: { getUrnsList(): string[] }, key: string) => void): void };
  getCustomtimeouts?(): { getDelete(): string } | undefined;
}

interface MockMonitorLike {
  newUrn(parent: string, type: string, name: string): string;
  registerResource(request: ResourceRequest, callback: unknown): unknown;
  readResource(request: ResourceRequest, callback: unknown): unknown;
}

interface PendingRequest {
  readonly urn: string;
  readonly parent?: string;
  readonly options: SeenOptions;
}

/**
 * Installs mocks that answer like the providers would and record what they were asked, with the models
 * described on each branch. Call once per program run; the returned recorder fills while it runs.
 */
export async function installRecordingMocks(options: MockOptions, project: string, stack: string): Promise<Recorder> {
  const settings: Required<MockOptions> = {
    gatewayAddress: '192.0.2.10',
    projectNumber: '123456789012',
    channelDefaults: {},
    defaultProject: 'example-project',
    offeredVersions: DEFAULT_OFFERED_VERSIONS,
    quotas: {},
    ...options,
  };
  let failCheck: (error: Error) => void = () => undefined;
  const failedCheck = new Promise<never>((_, reject) => {
    failCheck = reject;
  });
  // Observed here so that a run nobody races against it leaves no unhandled rejection.
  failedCheck.catch(() => undefined);
  const recorder: Recorder = { resources: [], calls: [], violations: [], objects: [], events: [], failedCheck };
  /** `<api>` of every service agent a ServiceIdentity has created (the mock answers one project number). */
  const agents = new Map<string, string>();
  const agentsCreated = new Set<string>();
  const byUrn = new Map<string, RecordedResource>();
  /** `<project>|<api>` of every Service the mock has answered, i.e. every API that is enabled. */
  const enabled = new Set<string>();
  /** `<project>|<api>` -> URN of the Service that enables it. */
  const serviceUrns = new Map<string, string>();
  let pending: PendingRequest | undefined;

  /** Models the engine: a resource is created after everything it depends on, transitively. */
  const waitsFor = (dependencies: readonly string[], target: string): boolean => {
    const seen = new Set<string>();
    const stack = [...dependencies];
    while (stack.length > 0) {
      const urn = stack.pop() as string;
      if (urn === target) return true;
      if (seen.has(urn)) continue;
      seen.add(urn);
      stack.push(...(byUrn.get(urn)?.options.dependencies ?? []));
    }
    return false;
  };

  /**
   * Models Google Cloud's 403 SERVICE_DISABLED: a call to an API must come after the API's enablement.
   * Resources must wait for the Service in the dependency graph (what the engine enforces); invokes carry
   * no dependency list, so for them the test is whether the enablement had completed when they ran.
   */
  const checkEnablement = (kind: EnablementViolation['kind'], type: string, inputs: Record<string, unknown>, name?: string, dependencies?: readonly string[]): void => {
    const api = apiOf(type);
    if (api === undefined) return;
    const apiProject = apiProjectOf(inputs, settings.defaultProject);
    const key = `${apiProject}|${api}`;
    const serviceUrn = serviceUrns.get(key);
    const ordered = dependencies === undefined ? enabled.has(key) : serviceUrn !== undefined && enabled.has(key) && waitsFor(dependencies, serviceUrn);
    if (!ordered) recorder.violations.push({ kind, type, ...(name === undefined ? {} : { name }), api, project: apiProject });
  };

  /**
   * Models BOOTSTRAP_SERVICES: an enablement waits for those of the same project that the program
   * enables. One registered before such a bootstrap enablement cannot have waited for it.
   */
  const otherServices: { project: string; name: string }[] = [];
  const checkBootstrap = (inputs: Record<string, unknown>, name: string, dependencies: readonly string[]): void => {
    const project = apiProjectOf(inputs, settings.defaultProject);
    if ((BOOTSTRAP_SERVICES as readonly string[]).includes(String(inputs.service))) {
      for (const early of otherServices.filter((other) => other.project === project)) {
        recorder.violations.push({ kind: 'resource', type: SERVICE_TYPE, name: early.name, api: String(inputs.service), project });
      }
      return;
    }
    otherServices.push({ project, name });
    for (const api of BOOTSTRAP_SERVICES) {
      const key = `${project}|${api}`;
      const urn = serviceUrns.get(key);
      if (urn !== undefined && !(enabled.has(key) && waitsFor(dependencies, urn))) recorder.violations.push({ kind: 'resource', type: SERVICE_TYPE, name, api, project });
    }
  };

  /** Models SERVICE_AGENT_DOMAINS: a grant to a service agent waits for the ServiceIdentity that creates it. */
  const checkAgent = (type: string, inputs: Record<string, unknown>, name: string, dependencies: readonly string[]): void => {
    if (!type.includes('IAMMember') && !type.includes('IAMBinding')) return;
    const members = [inputs.member, ...(Array.isArray(inputs.members) ? inputs.members : [])];
    for (const member of members) {
      const agent = serviceAgent(member);
      if (agent === undefined) continue;
      const { api } = agent;
      // The agent of that API in the project that number belongs to.
      const key = `${agent.projectNumber}|${api}`;
      const urn = agents.get(key);
      if (urn === undefined || !agentsCreated.has(key) || !waitsFor(dependencies, urn)) {
        recorder.violations.push({ kind: 'agent', type, name, api, project: apiProjectOf(inputs, settings.defaultProject), member: String(member) });
      }
    }
  };

  /**
   * Models the Workload Identity pool `<project>.svc.id.goog`: GKE creates it with the first cluster of the
   * project that enables Workload Identity ("Workload Identity Federation for GKE", which a cluster's
   * workloadIdentityConfig.workloadPool turns on), and IAM refuses a member naming a pool that does not
   * exist. A grant to such a principal must wait for a cluster whose workloadPool is that pool.
   */
  const workloadPools = new Map<string, string>();
  const checkWorkloadPool = (type: string, inputs: Record<string, unknown>, name: string, urn: string, dependencies: readonly string[]): void => {
    if (type === CLUSTER_TYPE) {
      const pool = (inputs.workloadIdentityConfig as { workloadPool?: unknown } | undefined)?.workloadPool;
      if (typeof pool === 'string' && !workloadPools.has(pool)) workloadPools.set(pool, urn);
      return;
    }
    if (!type.includes('IAMMember') && !type.includes('IAMBinding')) return;
    const members = [inputs.member, ...(Array.isArray(inputs.members) ? inputs.members : [])];
    for (const member of members) {
      const pool = workloadIdentityPool(member);
      if (pool === undefined) continue;
      const cluster = workloadPools.get(pool);
      if (cluster === undefined || !waitsFor(dependencies, cluster)) {
        recorder.violations.push({ kind: 'pool', type, name, api: 'container.googleapis.com', project: apiProjectOf(inputs, settings.defaultProject), member: String(member) });
      }
    }
  };

  const mocks: pulumi.runtime.Mocks = {
    newResource(args) {
      const inputs = args.inputs as Record<string, unknown>;
      const seen = pending ?? { urn: `urn:unknown::${args.type}::${args.name}`, options: { protect: false, ignoreChanges: [], dependencies: [], propertyDependencies: {} } };
      const resource: RecordedResource = {
        type: args.type,
        name: args.name,
        urn: seen.urn,
        ...(seen.parent ? { parent: seen.parent } : {}),
        inputs,
        provider: args.provider === '' ? undefined : args.provider,
        custom: args.custom ?? false,
        readId: args.id === '' ? undefined : args.id,
        options: seen.options,
      };
      recorder.resources.push(resource);
      recorder.events.push(`resource ${args.type} ${args.name}`);
      byUrn.set(resource.urn, resource);
      refuseUnknownMetrics(args.type, args.name, inputs);
      refuseMismatchedGpus(args.type, args.name, inputs);
      if (args.type !== SERVICE_TYPE) checkEnablement('resource', args.type, inputs, args.name, seen.options.dependencies);
      if (args.type === SERVICE_TYPE) checkBootstrap(inputs, args.name, seen.options.dependencies);
      checkAgent(args.type, inputs, args.name, seen.options.dependencies);
      checkWorkloadPool(args.type, inputs, args.name, resource.urn, seen.options.dependencies);
      if (args.type === CONFIG_GROUP_TYPE) recordConfigGroup(recorder, args.name, resource.urn, inputs);

      // Echo the inputs as outputs, secrets still wrapped so they stay secret on the way back.
      const result = { id: mockId(args, settings), state: { ...inputs, ...computedState(args, settings) } };
      if (args.type === SERVICE_IDENTITY_TYPE) {
        // Models: the agent exists once generateServiceIdentity's operation is done, some time later.
        const key = `${projectNumberOf(apiProjectOf(inputs, settings.defaultProject), settings)}|${String(inputs.service)}`;
        agents.set(key, resource.urn);
        return new Promise((resolve) =>
          setTimeout(() => {
            agentsCreated.add(key);
            resolve(result);
          }, ENABLEMENT_DELAY_MS),
        );
      }
      if (args.type !== SERVICE_TYPE) return result;
      // Models: the API is enabled only when the Service's create returns, some time later.
      const key = `${apiProjectOf(inputs, settings.defaultProject)}|${String(inputs.service)}`;
      serviceUrns.set(key, resource.urn);
      return new Promise((resolve) =>
        setTimeout(() => {
          enabled.add(key);
          resolve(result);
        }, ENABLEMENT_DELAY_MS),
      );
    },
    call(args) {
      const inputs = args.inputs as Record<string, unknown>;
      recorder.calls.push({ token: args.token, inputs });
      recorder.events.push(`invoke ${args.token}`);
      checkEnablement('invoke', args.token, inputs);
      // Models: the Kubernetes Engine API answers each release channel's current default version, and
      // the versions the region offers (projects.locations.getServerConfig).
      if (args.token === 'gcp:container/getEngineVersions:getEngineVersions') {
        const offered = settings.offeredVersions;
        return {
          releaseChannelDefaultVersion: settings.channelDefaults,
          validMasterVersions: [...offered.validMasterVersions],
          ...(offered.releaseChannelLatestVersion ? { releaseChannelLatestVersion: { ...offered.releaseChannelLatestVersion } } : {}),
        };
      }
      // Models: the Cloud Quotas API's QuotaInfo for a quota id: one dimensionsInfo with no dimensions,
      // which applies to every region and GPU family (quotaInfos.get, cloudquotas v1).
      if (args.token === 'gcp:cloudquota/getSQuotaInfo:getSQuotaInfo') {
        const quotaId = String(inputs.quotaId);
        const value = settings.quotas[quotaId] ?? DEFAULT_GPU_QUOTA;
        return { quotaId, service: inputs.service, parent: inputs.parent, dimensionsInfos: [{ dimensions: {}, applicableLocations: ['global'], details: [{ value: String(value) }] }] };
      }
      // Models: an existing VPC looked up by name (a first stack's), with the ids the provider returns.
      if (args.token === 'gcp:compute/getNetwork:getNetwork') {
        const { name, project: networkProject } = inputs as Record<string, string>;
        return { name, project: networkProject, id: `projects/${networkProject}/global/networks/${name}`, selfLink: `https://www.googleapis.com/compute/v1/projects/${networkProject}/global/networks/${name}` };
      }
      // Models: Resource Manager returns the project's number, which names its service agents.
      if (args.token === 'gcp:organizations/getProject:getProject') {
        const projectId = inputs.projectId;
        return { projectId, number: projectNumberOf(String(projectId ?? settings.defaultProject), settings), name: projectId, id: `projects/${projectId}` };
      }
      return {};
    },
  };

  await pulumi.runtime.setMocks(mocks, project, stack, false);
  reportFailedChecksTo((error) => failCheck(error));
  // The Mocks interface sees only type, name and inputs. The engine also acts on the options (protect,
  // ignoreChanges, deleteBeforeReplace, dependencies), so read them off each request as it passes;
  // MockMonitor calls `newResource` synchronously inside these methods, which is when `pending` is read.
  const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitorLike;
  const describe = (request: ResourceRequest): PendingRequest => {
    const parent = request.getParent();
    return {
      urn: monitor.newUrn(parent, request.getType(), request.getName()),
      ...(parent ? { parent } : {}),
      options: {
        protect: request.getProtect?.() ?? false,
        ignoreChanges: request.getIgnorechangesList?.() ?? [],
        ...(request.getDeletebeforereplacedefined?.() ? { deleteBeforeReplace: request.getDeletebeforereplace?.() ?? false } : {}),
        dependencies: request.getDependenciesList(),
        propertyDependencies: propertyDependencies(request),
        ...(request.getCustomtimeouts?.()?.getDelete() ? { deleteTimeout: request.getCustomtimeouts?.()?.getDelete() } : {}),
      },
    };
  };
  for (const method of ['registerResource', 'readResource'] as const) {
    const original = monitor[method].bind(monitor);
    monitor[method] = (request: ResourceRequest, callback: unknown) => {
      pending = describe(request);
      try {
        return original(request, callback);
      } finally {
        pending = undefined;
      }
    };
  }
  return recorder;
}

/**
 * Models GKE's node pool validation for accelerator-optimized machines: the machine type attaches its own
 * GPU model and count ("For the A and G series accelerator-optimized machine types, the specified GPU model
 * automatically attaches", https://cloud.google.com/compute/docs/gpus), so a guest_accelerator of another
 * type or count, or a local SSD count other than the bundled one, fails node creation. The facts come from
 * spec/machines.ts, the table the spec checks against; a machine type outside it is not judged.
 */
export function refuseMismatchedGpus(type: string, name: string, inputs: Record<string, unknown>): void {
  if (type !== 'gcp:container/nodePool:NodePool') return;
  const config = (inputs.nodeConfig ?? {}) as { machineType?: string; guestAccelerators?: { type?: string; count?: number }[]; ephemeralStorageLocalSsdConfig?: { localSsdCount?: number } };
  const machine = typeof config.machineType === 'string' ? gpuMachine(config.machineType) : undefined;
  if (machine === undefined) return;
  const accelerator = config.guestAccelerators?.[0];
  if (accelerator?.type !== machine.accelerator || accelerator.count !== machine.gpus) {
    throw new Error(`${name}: GKE refuses the node pool: ${config.machineType} comes with ${machine.gpus} x ${machine.accelerator}, got ${accelerator?.count} x ${accelerator?.type}`);
  }
  const ssds = config.ephemeralStorageLocalSsdConfig?.localSsdCount;
  if (ssds !== undefined && ssds !== machine.localSsdCount) {
    throw new Error(`${name}: GKE refuses the node pool: ${config.machineType} bundles ${machine.localSsdCount} local SSDs, got ${ssds}`);
  }
}

/**
 * Models Cloud Monitoring's metric existence check: a PromQL alert condition that reads a metric the
 * project has not ingested yet is refused, unless the condition sets `disableMetricValidation` (the
 * provider's documentation of AlertPolicyConditionConditionPrometheusQueryLanguage). Under the mocks no
 * metric has been ingested, as on a first `pulumi up` where the model servers have not started.
 */
function refuseUnknownMetrics(type: string, name: string, inputs: Record<string, unknown>): void {
  if (type !== 'gcp:monitoring/alertPolicy:AlertPolicy') return;
  const conditions = (inputs.conditions as { conditionPrometheusQueryLanguage?: { disableMetricValidation?: boolean } }[] | undefined) ?? [];
  for (const condition of conditions) {
    const promql = condition.conditionPrometheusQueryLanguage;
    if (promql !== undefined && promql.disableMetricValidation !== true) {
      throw new Error(`${name}: Cloud Monitoring refuses the PromQL condition: a metric it reads has no data yet (set disableMetricValidation)`);
    }
  }
}

function propertyDependencies(request: ResourceRequest): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  request.getPropertydependenciesMap?.().forEach((value, key) => {
    result[key] = value.getUrnsList();
  });
  return result;
}

/**
 * Models pulumi-kubernetes' ConfigGroup: under mocks the provider's Construct never runs, so the group's
 * objects are expanded here, named and ordered as yaml/v2 would register them (config-group-order.ts).
 */
function recordConfigGroup(recorder: Recorder, group: string, groupUrn: string, inputs: Record<string, unknown>): void {
  const objects = (unwrapSecrets(inputs.objs) as KubeObject[] | undefined) ?? [];
  for (const ordered of orderConfigGroup(objects)) {
    const { ref } = ordered;
    recorder.objects.push({
      group,
      groupUrn,
      type: kubernetesType(ordered.object),
      name: `${group}:${ref.namespace === '' ? '' : `${ref.namespace}/`}${ref.name}`,
      ref,
      object: ordered.object,
      waitsFor: ordered.waitsFor,
      ...(ordered.unparsedAnnotation === undefined ? {} : { unparsedAnnotation: ordered.unparsedAnnotation }),
    });
  }
}
