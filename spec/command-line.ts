/**
 * The one argument parser of synth, validate, plan and schema, so they agree: `--help`/`-h`, options as
 * `--name value` or `--name=value`, `--` ends the options, and anything not understood is a usage error
 * (exit code 2), never ignored.
 */
import { resolve } from 'node:path';
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

export function parseCommandLine(args: readonly string[], spec: CommandLineSpec): CommandLine {
  const aliases = new Map<string, string>();
  for (const [name, short] of Object.entries(spec.options ?? {})) for (const alias of [name, ...short]) aliases.set(alias, name);
  const flags = new Set<string>();
  const options = new Map<string, string>();
  const positional: string[] = [];
  let help = false;
  let optionsEnded = false;
  const setOption = (name: string, value: string) => {
    if (options.has(name)) throw new UsageError(`${name} is given twice`);
    if (value === '') throw new UsageError(`${name} needs a non-empty value`);
    options.set(name, value);
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (optionsEnded || !arg.startsWith('-') || arg === '-') {
      if (arg === '') throw new UsageError('an empty argument is not a file name');
      positional.push(arg);
    } else if (arg === '--') {
      optionsEnded = true;
    } else if (arg === '--help' || arg === '-h') {
      help = true;
    } else if (spec.flags?.includes(arg)) {
      flags.add(arg);
    } else if (aliases.has(arg)) {
      if (i + 1 >= args.length) throw new UsageError(`${arg} needs a value`);
      setOption(aliases.get(arg) as string, args[++i]);
    } else if (arg.includes('=') && aliases.has(arg.slice(0, arg.indexOf('=')))) {
      setOption(aliases.get(arg.slice(0, arg.indexOf('='))) as string, arg.slice(arg.indexOf('=') + 1));
    } else {
      throw new UsageError(`unknown option ${printable(arg)}`);
    }
  }
  if (positional.length > spec.positional.max) {
    throw new UsageError(
      spec.positional.max === 0
        ? `takes no arguments, got ${positional.map(printable).join(' ')}`
        : `takes at most ${spec.positional.max} ${spec.positional.name}, got ${positional.length}: ${positional.map(printable).join(' ')}`,
    );
  }
  return { help, flags, options, positional };
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
