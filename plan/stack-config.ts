/**
 * Reading a stack's configuration the way `pulumi up` does, offline: `Pulumi.<stack>.yaml` in the
 * project directory holds `config:` with namespaced keys (`gcp:project`, `inference-gateway:spec`, ...).
 * Secret values are stored encrypted (`{ secure: ... }`) with a key only the Pulumi CLI or service can
 * use, so the plan substitutes placeholders for them and says which.
 */
import { readdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { SPEC_FILE_VARIABLE } from '../spec';
import { UsageError } from '../spec/command-line';
import { MiB, printable, readTextFile, TextFileError } from '../spec/text-file';
import { formatYamlProblem, parseYamlText } from '../spec/yaml-text';
import { CONFIG_NAMESPACE, HF_TOKEN_CONFIG, SPEC_FILE_KEY, SPEC_KEY } from '../infra/config-keys';

/** The project the plan pretends to deploy to when no stack names one. */
export const PLAN_PROJECT = 'example-project';
/** Stands in for the Hugging Face token, which the plan never has. */
export const PLACEHOLDER_TOKEN = 'hf_placeholder_for_plan';
/** Stands in for any other secret value of a stack file. */
export const PLACEHOLDER_SECRET = 'secret-placeholder-for-plan';


/** A problem with the command line (a stack name, a stack that does not exist): one line, exit code 2 (the commands' one class). */
export { UsageError };

/** A stack file that cannot be used (unreadable, not YAML, a bad value): one line, exit code 1. */
export class StackFileError extends Error {}

/**
 * Pulumi's stack names: letters, digits, "-", "_" and "." (at most 100). Checked before the name becomes
 * part of a path, so `--stack ../../x` cannot read outside the project.
 */
const STACK_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}$/;

/**
 * Google Cloud's project id grammar: 6 to 30 lower-case letters, digits and hyphens, starting with a
 * letter and not ending with a hyphen (https://cloud.google.com/resource-manager/docs/creating-managing-projects),
 * after an optional `<domain>:` of the older domain-scoped projects (`example.com:my-project`), which
 * Google Cloud and `pulumi up` still accept.
 */
export const PROJECT_ID = /^(?:[a-z0-9](?:[a-z0-9.-]{0,61}[a-z0-9])?:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

/** A stack file is a few keys; this is far beyond any and still reads in milliseconds. */
const MAX_STACK_FILE_BYTES = 1 * MiB;

/** Configuration for one program run, and where it came from. */
export interface PlanConfig {
  /** Config as `pulumi config` holds it: strings, objects as JSON. */
  readonly config: Readonly<Record<string, string>>;
  readonly secretKeys: readonly string[];
  /** Where the spec came from, for the output. */
  readonly specSource: string;
  /** Keys whose values are placeholders because they are encrypted. */
  readonly placeholders: readonly string[];
}

const STACK_FILE = /^Pulumi\.(.+)\.yaml$/;

/** Stack names with a `Pulumi.<stack>.yaml` in `dir`. */
export function stackNames(dir: string): string[] {
  return readdirSync(dir)
    .map((file) => STACK_FILE.exec(file)?.[1])
    .filter((name): name is string => name !== undefined && STACK_NAME.test(name))
    .sort();
}

const isSecure = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value) && 'secure' in value;

/** The configuration `pulumi up --stack <stack>` would run with, read from `Pulumi.<stack>.yaml`. */
export function readStackConfig(dir: string, stack: string, flag = '--stack'): PlanConfig {
  if (!STACK_NAME.test(stack)) {
    throw new UsageError(`${flag} ${printable(stack)}: a stack name is letters, digits, "-", "_" and "." (at most 100, not starting with "."), as Pulumi allows`);
  }
  const fileName = `Pulumi.${stack}.yaml`;
  const file = join(dir, fileName);
  let text: string;
  try {
    text = readTextFile(file, MAX_STACK_FILE_BYTES);
  } catch (error) {
    if (!(error instanceof TextFileError)) throw error;
    if (error.reason === 'no such file') {
      const known = stackNames(dir);
      throw new UsageError(`${flag} ${stack}: there is no ${fileName} in ${printable(dir)} (stacks here: ${known.length > 0 ? known.join(', ') : 'none'})`);
    }
    throw new StackFileError(`${fileName}: cannot read the stack file: ${error.reason}`);
  }
  // The same reader as spec files: one document, no duplicate keys, bounded nesting and aliases.
  const { documents, problems } = parseYamlText(text, false);
  if (problems.length > 0) throw new StackFileError(`${fileName}: ${formatYamlProblem(problems[0])}`);
  const document = documents[0]?.value;
  const values = (document as { config?: unknown } | null)?.config ?? {};
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new StackFileError(`${fileName}: config must be a map of keys to values`);
  }
  const project = (values as Record<string, unknown>)['gcp:project'];
  if (project !== undefined && !(typeof project === 'string' && PROJECT_ID.test(project))) {
    const shown = typeof project === 'string' ? `"${printable(project.length > 60 ? `${project.slice(0, 60)}...` : project)}"` : `a ${Array.isArray(project) ? 'list' : typeof project}`;
    throw new StackFileError(`${fileName}: gcp:project must be a Google Cloud project id (6 to 30 lower-case letters, digits and "-", starting with a letter, not ending with "-"), got ${shown}`);
  }
  const token = (values as Record<string, unknown>)[HF_TOKEN_CONFIG];
  if (token !== undefined && !isSecure(token)) {
    // Pulumi.yaml declares the token secret, and pulumi up refuses it in plain text; its value is not shown.
    throw new StackFileError(`${fileName}: ${HF_TOKEN_CONFIG} is in plain text, and Pulumi.yaml declares it secret (pulumi up refuses it); set it with pulumi config set --secret ${HF_TOKEN_CONFIG} <token>`);
  }
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  const placeholders: string[] = [];
  for (const [key, value] of Object.entries(values as Record<string, unknown>)) {
    if (isSecure(value)) {
      config[key] = key === HF_TOKEN_CONFIG ? PLACEHOLDER_TOKEN : PLACEHOLDER_SECRET;
      secretKeys.push(key);
      placeholders.push(key);
    } else if (typeof value === 'string') {
      // Pulumi runs the program in the project directory, so a relative specFile is relative to it.
      config[key] = key === `${CONFIG_NAMESPACE}:${SPEC_FILE_KEY}` && value !== '' && !isAbsolute(value) ? resolve(dir, value) : value;
    } else {
      config[key] = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
    }
  }
  const inline = config[`${CONFIG_NAMESPACE}:${SPEC_KEY}`];
  const specFile = (values as Record<string, unknown>)[`${CONFIG_NAMESPACE}:${SPEC_FILE_KEY}`];
  const specSource =
    inline !== undefined
      ? `Pulumi.${stack}.yaml (${CONFIG_NAMESPACE}:${SPEC_KEY})`
      : typeof specFile === 'string' && specFile !== ''
        ? `${printable(specFile)} (${CONFIG_NAMESPACE}:${SPEC_FILE_KEY} in Pulumi.${stack}.yaml)`
        : `built-in defaults (Pulumi.${stack}.yaml sets no spec)`;
  return { config, secretKeys, specSource, placeholders };
}

/** Configuration for a spec file (or the defaults) without a stack: placeholder project and token. */
export function specConfig(specFile: string | undefined, source: string): PlanConfig {
  return {
    config: {
      'gcp:project': PLAN_PROJECT,
      [HF_TOKEN_CONFIG]: PLACEHOLDER_TOKEN,
      ...(specFile ? { [`${CONFIG_NAMESPACE}:${SPEC_FILE_KEY}`]: specFile } : {}),
    },
    secretKeys: [HF_TOKEN_CONFIG],
    specSource: source,
    placeholders: [HF_TOKEN_CONFIG],
  };
}

/**
 * The configuration to plan, as `pulumi up` would pick it: the named stack; else `IGW_CONFIG` (a spec
 * file, as for `npm run synth`); else the only `Pulumi.<stack>.yaml` of the project; else the defaults.
 */
export function selectConfig(dir: string, stack: string | undefined, env: NodeJS.ProcessEnv, specFile?: { readonly path: string; readonly source: string }): PlanConfig {
  if (stack !== undefined) {
    const config = readStackConfig(dir, stack);
    return specFile === undefined ? config : withSpecFile(config, specFile.path, `${printable(specFile.source)} (with stack ${stack})`);
  }
  if (specFile !== undefined) return specConfig(specFile.path, printable(specFile.source));
  if (env[SPEC_FILE_VARIABLE]) return specConfig(env[SPEC_FILE_VARIABLE], `${printable(env[SPEC_FILE_VARIABLE])} (${SPEC_FILE_VARIABLE})`);
  const stacks = stackNames(dir);
  if (stacks.length === 1) return readStackConfig(dir, stacks[0]);
  if (stacks.length > 1) throw new UsageError(`several stacks here (${stacks.join(', ')}): choose one with --stack <name>`);
  return specConfig(undefined, `built-in defaults (no Pulumi.<stack>.yaml here and ${SPEC_FILE_VARIABLE} unset)`);
}

/** A stack's configuration with its spec taken from a file instead (same project, same secrets). */
export function withSpecFile(config: PlanConfig, specFile: string, source: string): PlanConfig {
  const rest = Object.fromEntries(Object.entries(config.config).filter(([key]) => key !== `${CONFIG_NAMESPACE}:${SPEC_KEY}` && key !== `${CONFIG_NAMESPACE}:${SPEC_FILE_KEY}`));
  return { ...config, config: { ...rest, [`${CONFIG_NAMESPACE}:${SPEC_FILE_KEY}`]: resolve(specFile) }, specSource: source };
}
