/**
 * Pulumi mocks that record every resource the program registers, for the offline plan and the tests.
 * Only this file and plan.ts touch `pulumi.runtime`; nothing here reaches Google Cloud or a cluster.
 */
import type * as pulumi from '@pulumi/pulumi';

/** One registered (or read) resource as the engine would see it. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  /** Inputs as the engine receives them; secrets stay wrapped (see `isSecretValue`). */
  readonly inputs: Record<string, unknown>;
  /** Provider reference `urn::id` when the resource names a provider. */
  readonly provider?: string;
  readonly custom: boolean;
  /** Set for reads of existing resources (`CustomResource.get` and friends). */
  readonly readId?: string;
}

export interface RecordedCall {
  readonly token: string;
  readonly inputs: Record<string, unknown>;
}

export interface MockOptions {
  /** Address reported in the Gateway's status. @default "192.0.2.10" (TEST-NET-1) */
  readonly gatewayAddress?: string;
  /** Project number returned by getProject. @default "123456789012" */
  readonly projectNumber?: string;
  /**
   * Default version per release channel returned by getEngineVersions.
   * @default none (as if unknown: the cluster is created at the spec's minimum)
   */
  readonly channelDefaults?: Readonly<Record<string, string>>;
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

/** Provider-computed outputs the program reads (ids, endpoints, names). */
function computedState(args: pulumi.runtime.MockResourceArgs, options: Required<MockOptions>): Record<string, unknown> {
  const inputs = args.inputs as Record<string, unknown>;
  const project = inputs.project ?? 'example-project';
  switch (args.type) {
    case 'gcp:compute/network:Network':
      return { selfLink: `https://www.googleapis.com/compute/v1/projects/${project}/global/networks/${inputs.name}` };
    case 'gcp:compute/subnetwork:Subnetwork':
      return { selfLink: `https://www.googleapis.com/compute/v1/projects/${project}/regions/${inputs.region}/subnetworks/${inputs.name}` };
    case 'gcp:container/cluster:Cluster':
      return { endpoint: '192.0.2.1', masterAuth: { clusterCaCertificate: Buffer.from('mock CA').toString('base64') } };
    case 'kubernetes:gateway.networking.k8s.io/v1:Gateway':
      return { status: { addresses: [{ type: 'IPAddress', value: options.gatewayAddress }] } };
    default:
      return {};
  }
}

function mockId(args: pulumi.runtime.MockResourceArgs): string {
  const inputs = args.inputs as Record<string, unknown>;
  const project = inputs.project ?? 'example-project';
  switch (args.type) {
    case 'gcp:compute/network:Network':
      return `projects/${project}/global/networks/${inputs.name}`;
    case 'gcp:compute/subnetwork:Subnetwork':
      return `projects/${project}/regions/${inputs.region}/subnetworks/${inputs.name}`;
    case 'gcp:container/cluster:Cluster':
      return `projects/${project}/locations/${inputs.location}/clusters/${inputs.name}`;
    default:
      return args.id ?? `${args.name}-id`;
  }
}

/** Mocks that answer like the providers would and record what they were asked. */
export function recordingMocks(options: MockOptions = {}): {
  mocks: pulumi.runtime.Mocks;
  resources: RecordedResource[];
  calls: RecordedCall[];
} {
  const settings: Required<MockOptions> = { gatewayAddress: '192.0.2.10', projectNumber: '123456789012', channelDefaults: {}, ...options };
  const resources: RecordedResource[] = [];
  const calls: RecordedCall[] = [];
  const mocks: pulumi.runtime.Mocks = {
    newResource(args) {
      resources.push({
        type: args.type,
        name: args.name,
        inputs: args.inputs as Record<string, unknown>,
        provider: args.provider === '' ? undefined : args.provider,
        custom: args.custom ?? false,
        readId: args.id === '' ? undefined : args.id,
      });
      const id = mockId(args);
      // Echo the inputs as outputs, secrets still wrapped so they stay secret on the way back.
      return { id, state: { ...(args.inputs as Record<string, unknown>), ...computedState(args, settings) } };
    },
    call(args) {
      calls.push({ token: args.token, inputs: args.inputs as Record<string, unknown> });
      if (args.token === 'gcp:container/getEngineVersions:getEngineVersions') {
        return { releaseChannelDefaultVersion: settings.channelDefaults };
      }
      if (args.token === 'gcp:compute/getNetwork:getNetwork') {
        const { name, project } = args.inputs as Record<string, string>;
        return { name, project, id: `projects/${project}/global/networks/${name}`, selfLink: `https://www.googleapis.com/compute/v1/projects/${project}/global/networks/${name}` };
      }
      if (args.token === 'gcp:organizations/getProject:getProject') {
        const projectId = (args.inputs as Record<string, unknown>).projectId;
        return { projectId, number: settings.projectNumber, name: projectId, id: `projects/${projectId}` };
      }
      return {};
    },
  };
  return { mocks, resources, calls };
}
