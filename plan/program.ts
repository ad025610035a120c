/**
 * Runs the Pulumi program in process under recording mocks: the engine of `npm run plan` and of the
 * infra tests.
 *
 * The usual advice (pulumi-eks' nodegroup.test.ts) is to install the mocks before importing the program,
 * because programs create resources or read config while their modules load. Ours do neither: every
 * module here only defines functions and classes, and config is read by `readStackSettings()` after the
 * mocks and config are installed. That is what lets one process run the program many times.
 */
import * as pulumi from '@pulumi/pulumi';
import { readStackSettings } from '../infra/config';
import type { DnsRecord } from '../infra/gateway-security';
import { ENABLEMENT_DELAY_MS, installRecordingMocks, type EnablementViolation, type KubeEntry, type MockOptions, type RecordedCall, type RecordedResource } from './mocks';
import { deploy, type StackOutputs } from '../infra/stack';

export interface MockRunOptions extends MockOptions {
  /** Stack config as `pulumi config` would hold it (values are strings; objects are JSON). */
  readonly config: Readonly<Record<string, string>>;
  /** Config keys marked secret (as `pulumi config set --secret`). */
  readonly secretKeys?: readonly string[];
}

export interface MockRun {
  readonly resources: RecordedResource[];
  readonly calls: RecordedCall[];
  /** Resources and invokes that would have reached an API before its enablement (403 on a first run). */
  readonly violations: EnablementViolation[];
  /** Every object of every ConfigGroup, expanded as pulumi-kubernetes would register them. */
  readonly objects: KubeEntry[];
  /** Registrations and invokes in the order they reached the mocks (see Recorder.events). */
  readonly events: string[];
  readonly outputs: StackOutputs;
  /** The exported stack outputs, resolved. */
  readonly exported: {
    readonly clusterName: string;
    readonly gatewayAddress: string | undefined;
    readonly curlCommand: string;
    readonly dnsRecords: readonly DnsRecord[];
    readonly exposure: readonly string[];
  };
}

/**
 * What had been registered when a check failed, by the error the run rejected with: a WeakMap, so the
 * error itself (its message, its class, how the plan prints it) stays what the check threw.
 */
const registeredBeforeFailure = new WeakMap<object, readonly RecordedResource[]>();

/** The resources a run had registered when it rejected with `error` (undefined for other errors). */
export function registeredBefore(error: unknown): readonly RecordedResource[] | undefined {
  return typeof error === 'object' && error !== null ? registeredBeforeFailure.get(error) : undefined;
}

/** Resolves an Output's value (mocks never leave values unknown outside a preview). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/**
 * One run of `readStackSettings()` + `deploy()` (what infra/index.ts does) under fresh mocks. It
 * resolves once the stack outputs are known; every resource lies on their dependency chain (the
 * Gateway read waits for the charts, which wait for the node pools, the cluster, the network and the
 * APIs), so by then every registration has reached the mocks.
 */
export async function runWithMocks(options: MockRunOptions): Promise<MockRun> {
  // Pulumi captures a stack trace for every resource (its source position) and every internal promise
  // (leak reports). Under mocks nothing reads them, and capturing and formatting them (through jest's
  // source maps in the tests) took more than half of each run. Errors raised meanwhile keep their
  // messages; IGW_DEBUG=1 keeps their stacks too.
  const { prepareStackTrace, stackTraceLimit } = Error;
  if (process.env.IGW_DEBUG !== '1') {
    Error.prepareStackTrace = () => '';
    Error.stackTraceLimit = 0;
  }
  try {
    return await runProgram(options);
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
    Error.stackTraceLimit = stackTraceLimit;
  }
}

async function runProgram(options: MockRunOptions): Promise<MockRun> {
  const recorder = await installRecordingMocks({ defaultProject: options.config['gcp:project'], ...options }, 'inference-gateway', 'mock');
  pulumi.runtime.setAllConfig({ ...options.config }, [...(options.secretKeys ?? [])]);
  const outputs = deploy(readStackSettings());
  // A failed check rejects here, as it fails `pulumi preview`; the outputs behind it never resolve.
  // The registrations not held by the check still finish first: the next run installs new mocks.
  const [clusterName, gatewayAddress, curlCommand, dnsRecords] = await Promise.race([
    recorder.failedCheck.catch(async (error: unknown) => {
      await new Promise((resolve) => setTimeout(resolve, 5 * ENABLEMENT_DELAY_MS));
      if (typeof error === 'object' && error !== null) registeredBeforeFailure.set(error, [...recorder.resources]);
      throw error;
    }),
    // The checks too: in `pulumi up` a failed check fails the run even when nothing waits for it, and
    // whatever did not wait has been created by then; here the run rejects the same way.
    Promise.all([valueOf(outputs.clusterName), valueOf(outputs.gatewayAddress), valueOf(outputs.curlCommand), valueOf(outputs.dnsRecords), valueOf(pulumi.all([...outputs.preconditions]))]),
  ]);
  // Let registrations queued behind the last outputs (registerOutputs of components) reach the mocks.
  await new Promise((resolve) => setTimeout(resolve, 10));
  return { ...recorder, outputs, exported: { clusterName, gatewayAddress, curlCommand, dnsRecords, exposure: outputs.exposure } };
}
