/**
 * `npm run plan`: runs the Pulumi program under the modelling mocks (mocks.ts) with a stack's
 * configuration, as `pulumi up` would read it, and prints what `pulumi up` would create, with the
 * settings worth reviewing; with `--compare`, what it would change from another spec or stack. It needs
 * no credentials, no Pulumi CLI and no network; values only Google Cloud can assign are placeholders.
 */
import { resolve } from 'node:path';
import { exposureSection, loadSpecFile, SPEC_FILE_VARIABLE, SpecError } from '../spec';
import { parseCommandLine, pathFromArgumentOrVariable, UsageError, userPath, type CommandLineSpec } from '../spec/command-line';
import type { EnablementViolation } from './mocks';
import type { PlannedChange } from './plan-model';
import type { MockRun, MockRunOptions } from './program';
import { printable } from '../spec/text-file';
import { CONFIG_NAMESPACE, SPEC_FILE_KEY, SPEC_KEY } from '../infra/config-keys';
import { readStackConfig, selectConfig, StackFileError, type PlanConfig } from './stack-config';

/* eslint-disable @typescript-eslint/no-require-imports -- loaded lazily on purpose (see engine) */
/**
 * The modules that load Pulumi and the Google Cloud SDK (about 2 s), required only once the command line,
 * the spec files and the stack files are understood, so that a mistake in any of them answers at once.
 */
function engine() {
  return {
    ...(require('./plan-summary') as typeof import('./plan-summary')),
    ...(require('./plan-model') as typeof import('./plan-model')),
    ...(require('./program') as typeof import('./program')),
  };
}
/* eslint-enable @typescript-eslint/no-require-imports */
const SPEC_FILE_CONFIG = `${CONFIG_NAMESPACE}:${SPEC_FILE_KEY}`;

export const USAGE = `usage: npm run plan -- [<spec file>] [--stack <name>] [--compare <spec file> | --compare-stack <name>] [--json] [--help]

  <spec file>             plan this spec (relative to the directory npm was run from; default: IGW_CONFIG,
                          else the stack's spec)
  --stack <name>          plan stack <name>: gcp:project and inference-gateway:spec or specFile from
                          Pulumi.<name>.yaml (default: the only Pulumi.<stack>.yaml here; without one,
                          the built-in defaults); with <spec file>, that stack with the file's spec
  --compare <spec file>   show what pulumi up would change going from <spec file> to the planned spec
  --compare-stack <name>  the same, from stack <name>'s configuration
  --json                  print the changes as a JSON list of
                          {type, name, action, replaceOrder, impact, impactReasons, blocked, changes}
  --help                  print this help

Exit codes: 0 planned; 1 a bad spec or stack, or a call before its API is enabled; 2 a usage error.
`;

/** The command line, declared once (spec/command-line.ts parses it like every other command's). */
export const COMMAND_LINE: CommandLineSpec = {
  options: { '--stack': [], '--compare': [], '--compare-stack': [] },
  flags: ['--json'],
  positional: { max: 1, name: 'spec file' },
};

export interface PlanArguments {
  /** The spec file to plan, as typed. */
  readonly spec?: string;
  readonly stack?: string;
  readonly compare?: string;
  readonly compareStack?: string;
  readonly json: boolean;
  readonly help: boolean;
}

const VALUE_OPTIONS = { '--stack': 'stack', '--compare': 'compare', '--compare-stack': 'compareStack' } as const;
type ValueOption = keyof typeof VALUE_OPTIONS;
const npmConfig = (option: string): string => `npm_config_${option.slice(2).replace(/-/g, '_')}`;

/**
 * Parses the arguments. `npm run plan --stack dev` (no `--`) reaches us differently: npm keeps the flag
 * as npm_config_stack=true and passes only `dev`, so flags npm swallowed are read back from the
 * environment and paired with the leftover word.
 */
export function parseArguments(args: readonly string[], env: NodeJS.ProcessEnv = {}): PlanArguments {
  const line = parseCommandLine(args, COMMAND_LINE);
  const values: { stack?: string; compare?: string; compareStack?: string } = {};
  for (const option of Object.keys(VALUE_OPTIONS) as ValueOption[]) {
    const value = line.options.get(option);
    if (value !== undefined) values[VALUE_OPTIONS[option]] = value;
  }
  const positional = [...line.positional];
  const swallowed = (Object.keys(VALUE_OPTIONS) as ValueOption[]).filter((option) => env[npmConfig(option)] !== undefined && values[VALUE_OPTIONS[option]] === undefined);
  for (const option of swallowed) {
    const value = env[npmConfig(option)] as string;
    if (value !== 'true') values[VALUE_OPTIONS[option]] = value;
    else if (swallowed.filter((other) => env[npmConfig(other)] === 'true').length === 1 && positional.length === 1) values[VALUE_OPTIONS[option]] = positional.shift();
    else throw new UsageError(`${option} needs a value; with several options write them after --: npm run plan -- ${option} <value> ...`);
  }
  if (values.compare !== undefined && values.compareStack !== undefined) throw new UsageError('--compare and --compare-stack exclude each other; give one');
  return { ...values, ...(positional[0] === undefined ? {} : { spec: positional[0] }), json: line.flags.has('--json') || env.npm_config_json === 'true', help: line.help };
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
  if (violation.kind === 'pool') {
    return `  ${violation.type} ${violation.name} grants to ${violation.member}, a Workload Identity principal, before the cluster that creates its pool ("Identity Pool does not exist" on a first run)`;
  }
  const what = violation.kind === 'invoke' ? `invoke ${violation.type}` : `${violation.type} ${violation.name}`;
  return `  ${what} calls ${violation.api} in ${violation.project} before that API's enablement has completed (403 on a first run)`;
}

function printPlan(io: PlanIo, config: PlanConfig, planned: MockRun): void {
  const shown = planned.resources.filter((resource) => !resource.type.startsWith('inference-gateway:'));
  const { summarize, table } = engine();
  const rows = [['TYPE', 'NAME', 'SETTINGS'], ...shown.map((resource) => [resource.readId === undefined ? resource.type : `${resource.type} (read)`, resource.name, summarize(resource)])];
  io.stdout(`pulumi up would create these resources in project ${config.config['gcp:project'] ?? '(gcp:project unset)'}:\n\n${table(rows)}\n\n`);
  const lookups = planned.calls.map((call) => `  ${call.token.split(':').pop()} ${JSON.stringify(call.inputs)}`);
  if (lookups.length > 0) io.stdout(`Existing resources it reads (each after its API is enabled):\n${lookups.join('\n')}\n\n`);
  io.stdout(`Outputs:\n  clusterName: ${planned.exported.clusterName}\n  gatewayAddress: assigned by Google Cloud\n  curlCommand: ${planned.exported.curlCommand}\n`);
  io.stdout(exposureSection(planned.outputs.exposure));
}

const shown = (value: unknown): string => (typeof value === 'string' ? value : value === null ? '(none)' : JSON.stringify(value));

/** Blocked rows and outages first: they are what a reviewer must not miss. */
function printChanges(io: PlanIo, from: string, changes: readonly PlannedChange[]): void {
  const changed = changes.filter((change) => change.action !== 'same' || change.impact !== 'none');
  const blocked = changed.filter((change) => change.blocked !== null);
  const outages = changed.filter((change) => change.impact === 'outage');
  io.stdout(`pulumi up would change, going from ${from}:\n\n`);
  if (blocked.length > 0) {
    io.stdout(`BLOCKED: pulumi up would stop at ${blocked.length} change(s):\n${blocked.map((change) => `  ${change.type} ${change.name}: ${change.blocked}\n`).join('')}\n`);
  }
  if (outages.length > 0) {
    io.stdout(`OUTAGE: ${outages.length} change(s) interrupt serving:\n${outages.map((change) => `  ${change.name}: ${change.impactReasons.join('; ')}\n`).join('')}\n`);
  }
  const rank = (change: PlannedChange) => (change.blocked !== null ? 0 : change.impact === 'outage' ? 1 : change.impact === 'rolling' ? 2 : 3);
  const sorted = [...changed].sort((a, b) => rank(a) - rank(b));
  const rows = [
    ['ACTION', 'IMPACT', 'TYPE', 'NAME', 'WHY'],
    ...sorted.map((change) => [
      change.action === 'replace' ? `replace (${change.replaceOrder})` : change.action,
      change.blocked !== null ? 'blocked' : change.impact,
      change.type,
      change.name,
      [...change.reasons, ...(change.impact === 'rolling' ? change.impactReasons : [])].join('; '),
    ]),
  ];
  io.stdout(`${changed.length > 0 ? engine().table(rows) : '  nothing'}\n\n`);
  const valued = sorted.filter((change) => change.changes.length > 0 && change.action !== 'same');
  if (valued.length > 0) {
    io.stdout(`Values (old -> new):\n${valued.map((change) => `  ${change.name}\n${change.changes.map((value) => `    ${value.path}: ${shown(value.from)} -> ${shown(value.to)}\n`).join('')}`).join('')}\n`);
  }
  const restarting = changes.filter((change) => change.restarts === true);
  io.stdout(`Workloads whose pods restart:${restarting.length > 0 ? '' : ' none'}\n${restarting.map((change) => `  ${change.name}: ${change.reasons.filter((reason) => reason.startsWith('pods restart')).map((reason) => reason.replace('pods restart: ', '')).join('; ')}\n`).join('')}`);
  io.stdout(`${changes.length - changed.length} unchanged.\n`);
}

/** A spec file the user typed, opened where they meant it (see userPath). */
function typedPath(path: string, io: PlanIo): string {
  return resolve(io.cwd, userPath(path, io.env, 'plan', io.cwd));
}

async function plan(args: PlanArguments, io: PlanIo): Promise<number> {
  if (args.help) {
    io.stdout(USAGE);
    return 0;
  }
  // IGW_CONFIG stands in for the spec file only without --stack (a stack names its own spec).
  const specFile = args.stack !== undefined ? args.spec : pathFromArgumentOrVariable(args.spec, SPEC_FILE_VARIABLE, io.env, 'spec file');
  const spec = specFile === undefined ? undefined : { path: typedPath(specFile, io), source: args.spec === undefined ? `${specFile} (${SPEC_FILE_VARIABLE})` : specFile };
  // A spec file that cannot be used is reported before Pulumi is loaded, with every problem at once.
  const unusable: string[] = [];
  for (const file of [spec?.path, args.compare === undefined ? undefined : typedPath(args.compare, io)]) {
    try {
      if (file !== undefined) loadSpecFile(file);
    } catch (error) {
      if (!(error instanceof SpecError)) throw error;
      unusable.push(error.message);
    }
  }
  if (unusable.length > 0) {
    io.stderr(`${unusable.join('\n')}\n`);
    return 1;
  }
  const config = selectConfig(io.cwd, args.stack, io.env, spec);
  // --compare changes only the spec (same project and token); --compare-stack takes the whole stack.
  const old: PlanConfig | undefined =
    args.compare !== undefined
      ? { ...config, config: { ...withoutSpec(config.config), [SPEC_FILE_CONFIG]: typedPath(args.compare, io) }, specSource: `${args.compare} (--compare)` }
      : args.compareStack !== undefined
        ? readStackConfig(io.cwd, args.compareStack, '--compare-stack')
        : undefined;
  const { compareRuns, runWithMocks } = engine();
  const runProgram = io.runProgram ?? runWithMocks;
  const run = (config: PlanConfig): Promise<MockRun> => runProgram({ config: config.config, secretKeys: config.secretKeys, gatewayAddress: '<gateway address>' });
  // Runs complete one after the other: the Pulumi runtime holds one set of mocks at a time.
  const before = old === undefined ? undefined : await run(old);
  const planned = await run(config);

  const notes = [
    `spec: ${config.specSource}`,
    ...(config.placeholders.length > 0 ? [`placeholders for secrets that cannot be decrypted offline: ${config.placeholders.join(', ')}`] : []),
  ];
  const changes = before === undefined ? compareRuns({ resources: [], objects: [] }, planned) : compareRuns(before, planned);
  if (args.json) {
    io.stdout(`${JSON.stringify(visibleChanges(changes).map(jsonRow), null, 2)}\n`);
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

/** One row of `--json`: what a reviewer or a CI gate reads. */
export function jsonRow(change: PlannedChange) {
  const { type, name, action, replaceOrder, impact, impactReasons, blocked, changes } = change;
  return { type, name, action, replaceOrder, impact, impactReasons, blocked, changes };
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
      // Escaped here, whichever part of the message quotes an argument.
      io.stderr(`plan: ${printable(error.message)}\n`);
      return 2;
    }
    if (error instanceof StackFileError) {
      io.stderr(`plan: ${printable(error.message)}\n`);
      return 1;
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- Pulumi is loaded by now if the program ran
    if (error instanceof SpecError || error instanceof (require('@pulumi/pulumi') as typeof import('@pulumi/pulumi')).RunError) {
      io.stderr(`${error.message}\n`);
      return 1;
    }
    io.stderr(`plan: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
