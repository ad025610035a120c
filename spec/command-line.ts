/**
 * The one command-line grammar of synth, validate, plan and schema (scripts/import.mjs follows the same
 * rules with the same Node.js parser): Node's `util.parseArgs` tokenizes, and this module adds what it
 * leaves out. `--help`/`-h`; options as `--name value` or `--name=value`; `--` ends the options; and,
 * unlike parseArgs' last-wins, an option given twice, an option without its value, an empty value or
 * anything not declared is a usage error (exit code 2), never ignored. Each command declares its line
 * once, as a `CommandLineSpec`.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { printable } from './text-file';

/** A command line the tool cannot act on; the entry point prints it with a pointer to --help, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface CommandLineSpec {
  /** Options that take a value, with their short aliases (`{ '--out': ['-o'] }`). */
  readonly options?: Readonly<Record<string, readonly string[]>>;
  /** Flags without a value, besides --help. */
  readonly flags?: readonly string[];
  /** How many positional arguments are allowed, and what one is called in messages. */
  readonly positional: { readonly max: number; readonly name: string };
}

export interface CommandLine {
  readonly help: boolean;
  readonly flags: ReadonlySet<string>;
  readonly options: ReadonlyMap<string, string>;
  readonly positional: readonly string[];
}

type ParseArgsOptions = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

export function parseCommandLine(args: readonly string[], spec: CommandLineSpec): CommandLine {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, aliases] of Object.entries(spec.options ?? {})) {
    const short = aliases.find((alias) => /^-[A-Za-z]$/.test(alias));
    options[name.slice(2)] = { type: 'string', ...(short ? { short: short.slice(1) } : {}) };
  }
  for (const flag of spec.flags ?? []) options[flag.slice(2)] = { type: 'boolean' };
  // Not strict: the tokens are checked below, so that every mistake gets our message.
  const { tokens } = parseArgs({ args: [...args], options: options as ParseArgsOptions, strict: false, allowPositionals: true, tokens: true });
  const seen = new Set<string>();
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const positional: string[] = [];
  let help = false;
  for (const token of tokens) {
    if (token.kind === 'positional') {
      if (token.value === '') throw new UsageError('an empty argument is not a file name');
      positional.push(token.value);
      continue;
    }
    if (token.kind !== 'option') continue;
    const declared = options[token.name];
    if (declared === undefined) throw new UsageError(`unknown option ${printable(token.rawName)}`);
    const name = `--${token.name}`;
    if (token.name === 'help') {
      help = true;
      continue;
    }
    if (seen.has(name)) throw new UsageError(`${name} is given twice`);
    seen.add(name);
    if (declared.type === 'boolean') {
      if (token.inlineValue) throw new UsageError(`${name} takes no value`);
      flags.add(name);
      continue;
    }
    // parseArgs (not strict) takes the next argument as the value whatever it is; an option there means
    // the value was forgotten (`--out --json`). A value starting with a dash can be given as --out=-x.
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('-') && token.value !== '-')) throw new UsageError(`${name} needs a value`);
    if (token.value === '') throw new UsageError(`${name} needs a non-empty value`);
    values.set(name, token.value);
  }
  if (positional.length > spec.positional.max) {
    throw new UsageError(
      spec.positional.max === 0
        ? `takes no arguments, got ${positional.map(printable).join(' ')}`
        : `takes at most ${spec.positional.max} ${spec.positional.name}, got ${positional.length}: ${positional.map(printable).join(' ')}`,
    );
  }
  return { help, flags, options: values, positional };
}

/**
 * A path the user typed, as the tool must open it. `npm run <command>` runs in the project directory,
 * but the user meant the directory npm was run from, which npm passes as INIT_CWD. It applies only when
 * npm started this very command (npm_lifecycle_event), not to a tool a test or script runs under
 * `npm test`. The result stays relative (to the working directory) when the path was relative, so
 * messages stay short.
 */
export function userPath(path: string, env: NodeJS.ProcessEnv, command: string, cwd: string = process.cwd()): string {
  const from = env.INIT_CWD;
  if (isAbsolute(path) || from === undefined || from === '' || env.npm_lifecycle_event !== command) return path;
  return relative(cwd, resolve(from, path)) || '.';
}

/**
 * A path given by an argument or by an environment variable. Both, naming different paths, is an error
 * rather than a silent pick; a variable that is set but empty is an error rather than "unset".
 */
export function pathFromArgumentOrVariable(argument: string | undefined, variable: string, env: NodeJS.ProcessEnv, what: string): string | undefined {
  const fromEnv = env[variable];
  if (fromEnv === '') throw new UsageError(`${variable} is set but empty; unset it or set it to the ${what}`);
  if (argument !== undefined && fromEnv !== undefined && resolve(argument) !== resolve(fromEnv)) {
    throw new UsageError(`the ${what} is given twice, as ${printable(argument)} and as ${variable}=${printable(fromEnv)}; drop one`);
  }
  return argument ?? fromEnv;
}
