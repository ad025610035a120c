/** Shared helpers of the infra tests: one program run under mocks, and lookups over what it registered. */
import * as pulumi from '@pulumi/pulumi';
import { ENABLEMENT_DELAY_MS, installRecordingMocks, isSecretValue, unwrapSecrets, type RecordedResource, type Recorder } from '../../plan/mocks';
import { registeredBefore, runWithMocks, type MockRun } from '../../plan/program';
import { HF_TOKEN_CONFIG } from '../../infra/config-keys';

export const PROJECT = 'example-project';
export const HF_TOKEN = 'hf_test_token_never_in_plain_text';
/** The token's config key (infra/config-keys.ts). */
export const HF_TOKEN_KEY = HF_TOKEN_CONFIG;

/** Only the required config: gcp:project and the secret token, as after the README's two commands. */
export const REQUIRED_CONFIG: Readonly<Record<string, string>> = { 'gcp:project': PROJECT, [HF_TOKEN_KEY]: HF_TOKEN };

/** Runs the program with the required config plus `extra` (values as `pulumi config` stores them). */
export function run(extra: Readonly<Record<string, string>> = {}): Promise<MockRun> {
  return runWithMocks({ config: { ...REQUIRED_CONFIG, ...extra }, secretKeys: [HF_TOKEN_KEY] });
}

/** Runs the program with an inline `inference-gateway:spec` document. */
export function runSpec(spec: unknown): Promise<MockRun> {
  return run({ 'inference-gateway:spec': JSON.stringify(spec) });
}

export type Inputs = Record<string, unknown>;

/** A closed Gateway as production runs it: HTTPS for two domains, source ranges with a rate limit, Model Armor. */
export const SECURE_GATEWAY_SPEC = {
  gateway: {
    tls: { domains: ['llm.example.com', 'api.example.com'] },
    access: { allowedSourceRanges: ['203.0.113.0/24'], rateLimit: { requestsPerMinute: 600 } },
    modelArmor: { enabled: true, project: 'example-project' },
  },
};

export function ofType(run: MockRun, type: string): RecordedResource[] {
  return run.resources.filter((resource) => resource.type === type);
}

/** The single resource of a type (and name), failing with the names found otherwise. */
export function one(run: MockRun, type: string, name?: string): RecordedResource {
  const found = ofType(run, type).filter((resource) => name === undefined || resource.name === name);
  if (found.length !== 1) {
    throw new Error(`expected one ${type}${name ? ` named ${name}` : ''}, found ${found.length}: ${ofType(run, type).map((r) => r.name).join(', ')}`);
  }
  return found[0];
}

/** A resource's inputs with secret markers removed. */
export const plain = (resource: RecordedResource): Inputs => unwrapSecrets(resource.inputs) as Inputs;

/** Inputs with every secret replaced by "[secret]": what `pulumi preview --diff` would show. */
export function redacted(value: unknown): unknown {
  if (isSecretValue(value)) return '[secret]';
  if (Array.isArray(value)) return value.map(redacted);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, redacted(inner)]));
  return value;
}

export const GPU_POOL = 'inference-gateway-gpu';
export const SYSTEM_POOL = 'inference-gateway-system';
export const NODE_POOL = 'gcp:container/nodePool:NodePool';
export const SUBNETWORK = 'gcp:compute/subnetwork:Subnetwork';
export const CONFIG_GROUP = 'kubernetes:yaml/v2:ConfigGroup';

export function gpuNodeConfig(run: MockRun): Inputs {
  return plain(one(run, NODE_POOL, GPU_POOL)).nodeConfig as Inputs;
}

export function proxyOnlySubnets(run: MockRun): RecordedResource[] {
  return ofType(run, SUBNETWORK).filter((subnet) => subnet.inputs.purpose === 'REGIONAL_MANAGED_PROXY');
}

/** A run that a check failed: its error, and what the program had registered by then. */
export interface FailedRun {
  readonly error: Error;
  readonly resources: readonly RecordedResource[];
}

/**
 * Runs the program expecting one of its checks to fail (quota, version gate), and returns the error with
 * the resources registered before it, so a test can say what the check kept from being created.
 */
export async function runExpectingFailure(options: Parameters<typeof runWithMocks>[0]): Promise<FailedRun> {
  const outcome = await runWithMocks(options).then(
    () => undefined,
    (error: Error) => error,
  );
  if (outcome === undefined) throw new Error('the program ran to the end; expected a check to fail');
  const resources = registeredBefore(outcome);
  if (resources === undefined) throw new Error(`the run failed without a failed check: ${outcome.message}`);
  return { error: outcome, resources };
}

/**
 * Runs a small program `body` under fresh recording mocks (project p) and waits a fixed time for its
 * registrations to settle. A slow machine can cut that wait short, so a test that expects no violation
 * also asserts that the resources it is about were registered.
 */
export async function program(body: () => void): Promise<Recorder> {
  const recorder = await installRecordingMocks({ defaultProject: 'p' }, 'model', 'test');
  pulumi.runtime.setAllConfig({}, []);
  body();
  await new Promise((resolve) => setTimeout(resolve, ENABLEMENT_DELAY_MS * 5));
  return recorder;
}

/**
 * The same run as a stack made before the node pools set nodeDrainConfigs (respectPdbDuringNodePoolDeletion)
 * records it: GKE deletes such a pool ignoring PodDisruptionBudgets.
 */
export function withoutDrainConfigs(run: MockRun): MockRun {
  return {
    ...run,
    resources: run.resources.map((resource) =>
      resource.type === NODE_POOL ? { ...resource, inputs: Object.fromEntries(Object.entries(resource.inputs).filter(([key]) => key !== 'nodeDrainConfigs')) } : resource,
    ),
  };
}
