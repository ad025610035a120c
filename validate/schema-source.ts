/**
 * Finds the pinned CRD files: `IGW_SCHEMAS_DIR`, else `../shared/schemas` beside the project root, else
 * (only when asked to, because it needs the network) a download from the pinned upstream URL into a cache
 * directory. Every file, local or downloaded, must match its pinned sha256: a mirror that drifted would
 * make the validator vouch for manifests against schemas nobody reviewed.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PINNED_SCHEMAS, upstreamUrl, type PinnedSchema } from './pinned-schemas';

export const SCHEMAS_DIR_VARIABLE = 'IGW_SCHEMAS_DIR';

/** A schema source that cannot be used; the CLI prints its message without a stack trace. */
export class SchemaSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaSourceError';
  }
}

export interface SchemaSourceOptions {
  /** Environment to read `IGW_SCHEMAS_DIR` from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Project root, whose sibling `../shared/schemas` is the default mirror. @default found from this file or the working directory */
  readonly projectRoot?: string;
  /** Download missing files from upstream when no mirror exists. @default false (tests and CI stay offline) */
  readonly download?: boolean;
  /** Where downloads are kept. @default <projectRoot>/node_modules/.cache/igw-schemas */
  readonly cacheDir?: string;
}

/** The pinned file texts, keyed by their mirror-relative path. */
export type SchemaTexts = ReadonlyMap<string, string>;

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The nearest directory above `start` that holds this project's package.json. */
function findProjectRoot(start: string): string | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && existsSync(join(dir, 'spec')) && existsSync(join(dir, 'validate'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

export function projectRoot(): string {
  return findProjectRoot(__dirname) ?? findProjectRoot(process.cwd()) ?? process.cwd();
}

/** The mirror directory to read, or undefined when there is none. */
export function localSchemasDir(options: SchemaSourceOptions = {}): string | undefined {
  const env = options.env ?? process.env;
  const fromEnv = env[SCHEMAS_DIR_VARIABLE];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new SchemaSourceError(`${SCHEMAS_DIR_VARIABLE}=${fromEnv}: no such directory`);
    return resolve(fromEnv);
  }
  const beside = join(options.projectRoot ?? projectRoot(), '..', 'shared', 'schemas');
  return existsSync(beside) ? beside : undefined;
}

function verified(schema: PinnedSchema, text: string, where: string): string {
  const actual = sha256(text);
  if (actual !== schema.sha256) {
    throw new SchemaSourceError(`${where}: sha256 ${actual} does not match the pinned ${schema.sha256} (${schema.repository}@${schema.ref})`);
  }
  return text;
}

/** Reads the pinned files from a mirror directory, checking each sha256. */
export function readSchemaDir(dir: string): SchemaTexts {
  const texts = new Map<string, string>();
  const problems: string[] = [];
  for (const schema of PINNED_SCHEMAS) {
    const path = join(dir, schema.file);
    try {
      texts.set(schema.file, verified(schema, readFileSync(path, 'utf8'), path));
    } catch (error) {
      problems.push(error instanceof SchemaSourceError ? error.message : `${path}: cannot read (${(error as Error).message})`);
    }
  }
  if (problems.length > 0) throw new SchemaSourceError(problems.join('\n'));
  return texts;
}

/** Local mirror only: what tests and the synchronous API use. */
export function loadSchemaTextsSync(options: SchemaSourceOptions = {}): SchemaTexts {
  const dir = localSchemasDir(options);
  if (dir === undefined) {
    throw new SchemaSourceError(
      `no schema mirror: set ${SCHEMAS_DIR_VARIABLE} or provide ../shared/schemas beside the project root (or allow downloads)`,
    );
  }
  return readSchemaDir(dir);
}

async function download(schema: PinnedSchema, cacheDir: string): Promise<string> {
  const cached = join(cacheDir, schema.file);
  if (existsSync(cached)) {
    const text = readFileSync(cached, 'utf8');
    if (sha256(text) === schema.sha256) return text;
  }
  const url = upstreamUrl(schema);
  let text: string;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    text = await response.text();
  } catch (error) {
    throw new SchemaSourceError(`${url}: download failed (${(error as Error).message})`);
  }
  verified(schema, text, url);
  mkdirSync(dirname(cached), { recursive: true });
  writeFileSync(cached, text);
  return text;
}

/** The mirror when there is one; otherwise, with `download`, the pinned upstream files via a cache. */
export async function loadSchemaTexts(options: SchemaSourceOptions = {}): Promise<SchemaTexts> {
  const dir = localSchemasDir(options);
  if (dir !== undefined || !options.download) return loadSchemaTextsSync(options);
  const cacheDir = options.cacheDir ?? join(options.projectRoot ?? projectRoot(), 'node_modules', '.cache', 'igw-schemas');
  const texts = new Map<string, string>();
  for (const schema of PINNED_SCHEMAS) texts.set(schema.file, await download(schema, cacheDir));
  return texts;
}
