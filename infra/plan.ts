/**
 * `npm run plan`: runs the Pulumi program under the modelling mocks (mocks.ts) with a stack's
 * configuration, as `pulumi up` would read it, and prints what `pulumi up` would create, with the
 * settings worth reviewing; with `--compare`, what it would change from another spec or stack. It needs
 * no credentials, no Pulumi CLI and no network; values only Google Cloud can assign are placeholders.
 */
import { resolve } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { exposureSection, SpecError } from '../spec';
import { CONFIG_NAMESPACE, SPEC_FILE_KEY, SPEC_KEY } from './config';
import type { EnablementViolation } from './mocks';
import { summarize, table } from './plan-summary';
import { compareRuns, type PlannedChange } from './plan-model';
import { runWithMocks, type MockRun, type MockRunOptions } from './program';
import { readStackConfig, selectConfig, UsageError, type PlanConfig } from './stack-config';

const SPEC_FILE_CONFIG = `${CONFIG_NAMESPACE}:${SPEC_FILE_KEY}`;

export const USAGE = `usage: npm run plan -- [--stack <name>] [--compare <spec file> | --compare-stack <name>] [--json] [--help]

  --stack <name>          plan stack <name>: gcp:project and inference-gateway:spec or specFile from
                          Pulumi.<name>.yaml (default: the only Pulumi.<stack>.yaml here; without one,
                          IGW_CONFIG or the built-in defaults)
  --compare <spec file>   show what pulumi up would change going from <spec file> to the planned spec
  --compare-stack <name>  the same, from stack <name>'s configuration
  --json                  print the changes as a JSON list of {type, name, action, replaceOrder, restarts}
  --help                  print this help
`;

const ALLOWED = '--stack <name>, --compare <spec file>, --compare-stack <name>, --json, --help';

export interface PlanArguments {
  readonly stack?: string;
  readonly compare?: string;
  readonly compareStack?: string;
  readonly json: boolean;
  readonly help: boolean;
}

const VALUE_FLAGS = { '--stack': 'stack', '--compare': 'compare', '--compare-stack': 'compareStack' } as const;
type ValueFlag = keyof typeof VALUE_FLAGS;

/**
 * Parses the arguments. `npm run plan --stack dev` (no `--`) reaches us differently: npm keeps the flag
 * as npm_config_stack=true and passes only `dev`, so flags npm swallowed are read back from the
 * environment and paired with the leftover words.
 */
export function parseArguments(args: readonly string[], env: NodeJS.ProcessEnv = {}): PlanArguments {
  const values: { stack?: string; compare?: string; compareStack?: string } = {};
  let json = false;
  let help = false;
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].startsWith('--') && args[i].includes('=') ? [args[i].slice(0, args[i].indexOf('=')), args[i].slice(args[i].indexOf('=') + 1)] : [args[i], undefined];
    if (flag in VALUE_FLAGS) {
      const value = inline ?? args[++i];
      if (value === undefined || value === '' || value.startsWith('--')) throw new UsageError(`${flag} needs a value (${flag === '--compare' ? 'a spec file' : 'a stack name'})`);
      values[VALUE_FLAGS[flag as ValueFlag]] = value;
    } else if (flag === '--json' && inline === undefined) {
      json = true;
    } else if (flag === '--help' || flag === '-h') {
      help = true;
    } else if (!flag.startsWith('-')) {
      positional.push(flag);
    } else {
      throw new UsageError(`unknown argument ${args[i]}; allowed: ${ALLOWED}`);
    }
  }
  // Flags npm kept for itself: npm_config_<flag> is the value, or "true" when the value followed as a word.
  const swallowed = (Object.keys(VALUE_FLAGS) as ValueFlag[]).filter((flag) => env[`npm_config_${flag.slice(2).replace(/-/g, '_')}`] !== undefined && values[VALUE_FLAGS[flag]] === undefined);
  for (const flag of swallowed) {
    const value = env[`npm_config_${flag.slice(2).replace(/-/g, '_')}`] as string;
    if (value !== 'true') values[VALUE_FLAGS[flag]] = value;
    else if (swallowed.filter((other) => env[`npm_config_${other.slice(2).replace(/-/g, '_')}`] === 'true').length === 1 && positional.length === 1) values[VALUE_FLAGS[flag]] = positional.shift();
    else throw new UsageError(`${flag} needs a value; with several flags write them after --: npm run plan -- ${flag} <value> ...`);
  }
  if (env.npm_config_json === 'true') json = true;
  if (positional.length > 0) throw new UsageError(`unknown argument ${positional[0]}; allowed: ${ALLOWED}`);
  if (values.compare !== undefined && values.compareStack !== undefined) throw new UsageError('--compare and --compare-stack exclude each other; give one');
  return { ...values, json, help };
}

export interface PlanIo {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Runs the program under the mocks. @default runWithMocks (tests pass a memoizing wrapper) */
  readonly runProgram?: (options: MockRunOptions) => Promise<MockRun>;
}

const processIo = (): PlanIo => ({
  cwd: process.cwd(),
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});

/** The changes a reviewer sees: components and ConfigGroups are bookkeeping (their objects are listed). */
export function visibleChanges(changes: readonly PlannedChange[]): PlannedChange[] {
  return changes.filter((change) => !change.type.startsWith('inference-gateway:') && change.type !== 'kubernetes:yaml/v2:ConfigGroup');
}

export function describeViolation(violation: EnablementViolation): string {
  if (violation.kind === 'agent') {
    return `  ${violation.type} ${violation.name} grants to ${violation.member}, the ${violation.api} service agent, before a ServiceIdentity has created it ("does not exist" on a first run)`;
  }
  const what = violation.kind === 'invoke' ? `invoke ${violation.type}` : `${violation.type} ${violation.name}`;
  return `  ${what} calls ${violation.api} in ${violation.project} before that API's enablement has completed (403 on a first run)`;
}

function printPlan(io: PlanIo, config: PlanConfig, planned: MockRun): void {
  const shown = planned.resources.filter((resource) => !resource.type.startsWith('inference-gateway:'));
  const rows = [['TYPE', 'NAME', 'SETTINGS'], ...shown.map((resource) => [resource.readId === undefined ? resource.type : `${resource.type} (read)`, resource.name, summarize(resource)])];
  io.stdout(`pulumi up would create these resources in project ${config.config['gcp:project'] ?? '(gcp:project unset)'}:\n\n${table(rows)}\n\n`);
  const lookups = planned.calls.map((call) => `  ${call.token.split(':').pop()} ${JSON.stringify(call.inputs)}`);
  if (lookups.length > 0) io.stdout(`Existing resources it reads (each after its API is enabled):\n${lookups.join('\n')}\n\n`);
  io.stdout(`Outputs:\n  clusterName: ${planned.exported.clusterName}\n  gatewayAddress: assigned by Google Cloud\n  curlCommand: ${planned.exported.curlCommand}\n`);
  io.stdout(exposureSection(planned.outputs.exposure));
}

function printChanges(io: PlanIo, from: string, changes: readonly PlannedChange[]): void {
  const changed = changes.filter((change) => change.action !== 'same');
  const rows = [
    ['ACTION', 'TYPE', 'NAME', 'WHY'],
    ...changed.map((change) => [change.action === 'replace' ? `replace (${change.replaceOrder})` : change.action, change.type, change.name, change.reasons.join('; ')]),
  ];
  io.stdout(`pulumi up would change, going from ${from}:\n\n${changed.length > 0 ? table(rows) : '  nothing'}\n\n`);
  const restarting = changes.filter((change) => change.restarts === true);
  io.stdout(`Workloads whose pods restart:${restarting.length > 0 ? '' : ' none'}\n${restarting.map((change) => `  ${change.name}: ${change.reasons.filter((reason) => reason.startsWith('pods restart')).map((reason) => reason.replace('pods restart: ', '')).join('; ')}\n`).join('')}`);
  const unchanged = changes.length - changed.length;
  io.stdout(`${unchanged} unchanged.\n`);
}

async function plan(args: PlanArguments, io: PlanIo): Promise<number> {
  const runProgram = io.runProgram ?? runWithMocks;
  const run = (config: PlanConfig): Promise<MockRun> => runProgram({ config: config.config, secretKeys: config.secretKeys, gatewayAddress: '<gateway address>' });
  if (args.help) {
    io.stdout(USAGE);
    return 0;
  }
  const config = selectConfig(io.cwd, args.stack, io.env);
  // --compare changes only the spec (same project and token); --compare-stack takes the whole stack.
  const old: PlanConfig | undefined =
    args.compare !== undefined
      ? { ...config, config: { ...withoutSpec(config.config), [SPEC_FILE_CONFIG]: resolve(io.cwd, args.compare) }, specSource: `${args.compare} (--compare)` }
      : args.compareStack !== undefined
        ? readStackConfig(io.cwd, args.compareStack, '--compare-stack')
        : undefined;
  // Runs complete one after the other: the Pulumi runtime holds one set of mocks at a time.
  const before = old === undefined ? undefined : await run(old);
  const planned = await run(config);

  const notes = [
    `spec: ${config.specSource}`,
    ...(config.placeholders.length > 0 ? [`placeholders for secrets that cannot be decrypted offline: ${config.placeholders.join(', ')}`] : []),
  ];
  const changes = before === undefined ? compareRuns({ resources: [], objects: [] }, planned) : compareRuns(before, planned);
  if (args.json) {
    io.stdout(`${JSON.stringify(visibleChanges(changes).map(({ type, name, action, replaceOrder, restarts }) => ({ type, name, action, replaceOrder, restarts })), null, 2)}\n`);
    io.stderr(`${notes.join('\n')}\n`);
  } else {
    io.stdout(`${notes.join('\n')}\n\n`);
    if (before === undefined) printPlan(io, config, planned);
    else printChanges(io, old?.specSource ?? '', visibleChanges(changes));
  }
  if (planned.violations.length > 0) {
    io.stderr(`error: ${planned.violations.length} call(s) would reach Google Cloud before their API is enabled:\n${planned.violations.map(describeViolation).join('\n')}\n`);
    return 1;
  }
  return 0;
}

/** Config of the planned stack minus its spec, so that --compare changes only the spec. */
function withoutSpec(config: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).filter(([key]) => key !== `${CONFIG_NAMESPACE}:${SPEC_KEY}` && key !== SPEC_FILE_CONFIG));
}

/** The entry point (scripts/run.js): exit 0, 1 for a bad spec or configuration, 2 for bad usage. */
export async function main(args: readonly string[] = [], io: PlanIo = processIo()): Promise<number> {
  try {
    return await plan(parseArguments(args, io.env), io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`plan: ${error.message}\n`);
      return 2;
    }
    if (error instanceof pulumi.RunError || error instanceof SpecError) {
      io.stderr(`${error.message}\n`);
      return 1;
    }
    io.stderr(`plan: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
