/**
 * Finds the pinned upstream CRD files themselves, for `npm run schemas -- --update` (which derives the
 * committed schema bundle from them, see schema-bundle.ts), `npm run import`, and a validation against a
 * mirror named explicitly. The validator and the tests read the bundle and need none of this. Order:
 *
 * 1. `IGW_SCHEMAS_DIR`: a directory laid out like ../shared/schemas;
 * 2. `IGW_SCHEMAS_URL`: the base URL of such a mirror, the same relative paths below it;
 * 3. `../shared/schemas` beside the project root;
 * 4. the pinned upstream URLs (raw.githubusercontent.com).
 *
 * Setting both variables is an error. Files from 2 and 4 are downloaded (only when the caller allows it,
 * because it needs the network) into a cache directory (`IGW_SCHEMAS_CACHE`, default
 * node_modules/.cache/igw-schemas) and read from there afterwards; downloads go through the proxy that
 * HTTPS_PROXY / HTTP_PROXY name unless NO_PROXY exempts the host (Node's own fetch reads none of them).
 * Every file, local, cached or downloaded, must match its pinned sha256: a mirror that drifted would make
 * the validator vouch for manifests against schemas nobody reviewed.
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { errnoReason, MiB, printable, readTextFile, TextFileError, writeFileAtomically } from '../spec/text-file';
import { PINNED_SCHEMAS, upstreamUrl, type PinnedSchema } from './pinned-schemas';

export const SCHEMAS_DIR_VARIABLE = 'IGW_SCHEMAS_DIR';
export const SCHEMAS_URL_VARIABLE = 'IGW_SCHEMAS_URL';
export const SCHEMAS_CACHE_VARIABLE = 'IGW_SCHEMAS_CACHE';
/** The largest pinned file is about 330 KiB (HTTPRoute v1.2.1); a bigger answer is not one of them. */
const MAX_SCHEMA_BYTES = 4 * MiB;
const DOWNLOAD_TIMEOUT_MS = 30_000;
/**
 * The whole download (every missing file) ends within this many seconds, or fails: a mirror that answers
 * a byte at a time would otherwise cost the per-file limit once per file. IGW_SCHEMAS_TIMEOUT changes it.
 */
export const SCHEMAS_TIMEOUT_VARIABLE = 'IGW_SCHEMAS_TIMEOUT';
const DEFAULT_TOTAL_SECONDS = 60;

/** A schema source that cannot be used; the CLI prints its message (one line) without a stack trace. */
export class SchemaSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaSourceError';
  }
}

export interface SchemaSourceOptions {
  /** Environment to read the IGW_SCHEMAS_* variables from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Project root, whose sibling `../shared/schemas` is the default mirror. @default found from this file or the working directory */
  readonly projectRoot?: string;
  /** Download files that are not cached yet. @default false (only `npm run schemas -- --update`, `npm run import`, and `npm run validate` with IGW_SCHEMAS_URL set download) */
  readonly download?: boolean;
  /** Where downloads are kept. @default $IGW_SCHEMAS_CACHE, else <projectRoot>/node_modules/.cache/igw-schemas */
  readonly cacheDir?: string;
}

/** The pinned file texts, keyed by their mirror-relative path. */
export type SchemaTexts = ReadonlyMap<string, string>;

/** Where the pinned files come from: a directory, or downloads (from a mirror URL or upstream) via a cache. */
export type SchemaOrigin =
  | { readonly kind: 'mirror'; readonly dir: string }
  | { readonly kind: 'download'; readonly baseUrl: string | undefined; readonly cacheDir: string };

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

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A URL as messages may show it: no user name, password, query or fragment (they may hold a token). */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const hidden = parsed.username || parsed.password ? '***@' : '';
    return printable(`${parsed.protocol}//${hidden}${parsed.host}${parsed.pathname}${parsed.search || parsed.hash ? '?...' : ''}`);
  } catch {
    return '(a URL that cannot be parsed)';
  }
}

function baseUrlFrom(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SchemaSourceError(`${SCHEMAS_URL_VARIABLE} is not a URL; set it to the http:// or https:// address of a copy of ../shared/schemas`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SchemaSourceError(`${SCHEMAS_URL_VARIABLE} must be an http:// or https:// URL, not ${printable(url.protocol)}`);
  }
  // The pinned paths are resolved below the base, so the base must name a directory.
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url.href;
}

/** Where the pinned files come from, following the order at the top of this file. */
export function schemaOrigin(options: SchemaSourceOptions = {}): SchemaOrigin {
  const env = options.env ?? process.env;
  const fromDir = env[SCHEMAS_DIR_VARIABLE];
  const fromUrl = env[SCHEMAS_URL_VARIABLE];
  if (fromDir !== undefined && fromUrl !== undefined) {
    throw new SchemaSourceError(`set ${SCHEMAS_DIR_VARIABLE} or ${SCHEMAS_URL_VARIABLE}, not both`);
  }
  if (fromDir !== undefined) {
    if (!isDirectory(fromDir)) throw new SchemaSourceError(`${SCHEMAS_DIR_VARIABLE}=${printable(fromDir)}: no such directory`);
    return { kind: 'mirror', dir: resolve(fromDir) };
  }
  const root = options.projectRoot ?? projectRoot();
  const fromCacheVariable = env[SCHEMAS_CACHE_VARIABLE];
  if (fromCacheVariable === '') throw new SchemaSourceError(`${SCHEMAS_CACHE_VARIABLE} is set but empty; unset it or set it to a directory for downloaded schemas`);
  const cacheDir = options.cacheDir ?? (fromCacheVariable ? resolve(fromCacheVariable) : join(root, 'node_modules', '.cache', 'igw-schemas'));
  if (fromUrl !== undefined) return { kind: 'download', baseUrl: baseUrlFrom(fromUrl), cacheDir };
  const beside = join(root, '..', 'shared', 'schemas');
  if (isDirectory(beside)) return { kind: 'mirror', dir: beside };
  return { kind: 'download', baseUrl: undefined, cacheDir };
}

/** The mirror directory to read, or undefined when the files come from downloads. */
export function localSchemasDir(options: SchemaSourceOptions = {}): string | undefined {
  const origin = schemaOrigin(options);
  return origin.kind === 'mirror' ? origin.dir : undefined;
}

/** Where a pinned file is downloaded from: below the mirror URL, else upstream. */
export function schemaUrl(schema: PinnedSchema, baseUrl: string | undefined): string {
  return baseUrl === undefined ? upstreamUrl(schema) : new URL(schema.file, baseUrl).href;
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
      texts.set(schema.file, verified(schema, readTextFile(path, MAX_SCHEMA_BYTES), printable(path)));
    } catch (error) {
      if (error instanceof SchemaSourceError) problems.push(error.message);
      else if (error instanceof TextFileError) problems.push(`${error.message} (a pinned schema file)`);
      else throw error;
    }
  }
  if (problems.length > 0) throw new SchemaSourceError(problems.join('\n'));
  return texts;
}

/** A cached file that still has its pinned sha256, or undefined (absent, unreadable or altered). */
function readCached(schema: PinnedSchema, cacheDir: string): string | undefined {
  try {
    const text = readTextFile(join(cacheDir, schema.file), MAX_SCHEMA_BYTES);
    return sha256(text) === schema.sha256 ? text : undefined;
  } catch {
    return undefined;
  }
}

const OFFLINE_SOURCES = `set ${SCHEMAS_DIR_VARIABLE} to a copy of the schema mirror (../shared/schemas), or ${SCHEMAS_URL_VARIABLE} to the base URL of one`;
const HOW_TO_GET_THEM = `${OFFLINE_SOURCES}, or run npm run schemas -- --update once with network access to download them into that cache`;

function notCached(origin: Extract<SchemaOrigin, { kind: 'download' }>, missing: number): SchemaSourceError {
  const from = origin.baseUrl === undefined ? 'no ../shared/schemas beside the project root' : `${SCHEMAS_URL_VARIABLE} is set`;
  return new SchemaSourceError(`the pinned CRD schemas are not available offline: ${from}, and ${missing} of ${PINNED_SCHEMAS.length} files are not in the cache ${printable(origin.cacheDir)}; ${HOW_TO_GET_THEM}`);
}

/** Mirror or cache only, no network: what tests and the synchronous API use. */
export function loadSchemaTextsSync(options: SchemaSourceOptions = {}): SchemaTexts {
  const origin = schemaOrigin(options);
  if (origin.kind === 'mirror') return readSchemaDir(origin.dir);
  const texts = new Map<string, string>();
  for (const schema of PINNED_SCHEMAS) {
    const text = readCached(schema, origin.cacheDir);
    if (text !== undefined) texts.set(schema.file, text);
  }
  if (texts.size < PINNED_SCHEMAS.length) throw notCached(origin, PINNED_SCHEMAS.length - texts.size);
  return texts;
}

/** The seconds the whole download may take: IGW_SCHEMAS_TIMEOUT, else DEFAULT_TOTAL_SECONDS. */
function totalSeconds(env: NodeJS.ProcessEnv): number {
  const written = env[SCHEMAS_TIMEOUT_VARIABLE];
  if (written === undefined) return DEFAULT_TOTAL_SECONDS;
  if (!/^[1-9][0-9]{0,3}$/.test(written)) throw new SchemaSourceError(`${SCHEMAS_TIMEOUT_VARIABLE} must be a whole number of seconds from 1 to 9999, got "${printable(written.slice(0, 40))}"`);
  return Number(written);
}

/** Why a download stopped; `total` is the whole download's limit in seconds, when that is what ran out. */
function failureReason(error: unknown, total?: number): string {
  // fetch() says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, "bad port") is in its cause.
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (total !== undefined) return `the downloads took longer than the ${total} s allowed in all (${SCHEMAS_TIMEOUT_VARIABLE})`;
  if ((error as Error).name === 'TimeoutError') return `no answer within ${DOWNLOAD_TIMEOUT_MS / 1000} s`;
  return printable(cause?.code ?? cause?.message ?? (error as Error).message ?? String(error)).split('\n')[0];
}

/** The body of a response, refused once it passes MAX_SCHEMA_BYTES. */
async function cappedText(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_SCHEMA_BYTES) throw new Error(`the answer is larger than the ${MAX_SCHEMA_BYTES / MiB} MiB a pinned file can be`);
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = response.body?.getReader();
  if (reader === undefined) return '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.length;
    if (length > MAX_SCHEMA_BYTES) {
      await reader.cancel();
      throw new Error(`the answer is larger than the ${MAX_SCHEMA_BYTES / MiB} MiB a pinned file can be`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The proxy variables curl, npm and Go read; Node's own fetch reads none of them. */
const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'] as const;

/** The first of `names` set (and not empty) in `env`. */
function variable(env: NodeJS.ProcessEnv, names: readonly string[]): string | undefined {
  return names.map((name) => env[name]).find((value) => value !== undefined && value !== '');
}

/**
 * Whether NO_PROXY (or no_proxy) exempts `url`'s host, as curl reads it: names separated by commas or
 * spaces, `*` alone exempts every host, a name (a leading `.` or `*.` dropped) exempts that host and the
 * hosts below it, and a `:port` suffix limits the name to that port.
 */
export function exemptFromProxy(url: URL, env: NodeJS.ProcessEnv): boolean {
  const host = url.hostname.toLowerCase();
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  return (variable(env, ['NO_PROXY', 'no_proxy']) ?? '').split(/[,\s]+/).some((raw) => {
    if (raw === '*') return true;
    const entry = /^(.+?)(?::(\d+))?$/.exec(raw.toLowerCase());
    if (entry === null) return false;
    const name = entry[1].replace(/^\*?\./, '');
    if (entry[2] !== undefined && Number(entry[2]) !== port) return false;
    return name !== '' && (host === name || host.endsWith(`.${name}`));
  });
}

/**
 * The proxy a download of `url` goes through, from the given environment only: HTTPS_PROXY for https://
 * (else HTTP_PROXY, as undici's and npm's agents do), HTTP_PROXY for http://, none when NO_PROXY exempts
 * the host.
 */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv): string | undefined {
  if (exemptFromProxy(url, env)) return undefined;
  const http = variable(env, ['HTTP_PROXY', 'http_proxy']);
  return url.protocol === 'https:' ? (variable(env, ['HTTPS_PROXY', 'https_proxy']) ?? http) : http;
}

/**
 * fetch(), through the proxy `proxyFor` chooses (undici's ProxyAgent, built here from the chosen variable:
 * its EnvHttpProxyAgent prints an "experimental" warning and reads the real process.env for whatever it is
 * not given); Node's global fetch when no proxy applies.
 */
async function fetchThroughProxy(url: URL, init: { headers: Record<string, string>; signal: AbortSignal }, env: NodeJS.ProcessEnv, read: (response: Response) => Promise<string>): Promise<string> {
  const check = async (response: Response) => {
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return read(response);
  };
  const proxy = PROXY_VARIABLES.some((name) => env[name]) ? proxyFor(url, env) : undefined;
  if (proxy === undefined) return check(await fetch(url, init));
  // Loaded only when a proxy is used: undici's own fetch, which takes its dispatcher.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const undici = require('undici') as typeof import('undici');
  const dispatcher = new undici.ProxyAgent(proxy);
  try {
    return await check((await undici.fetch(url, { ...init, dispatcher })) as unknown as Response);
  } finally {
    await dispatcher.close();
  }
}

/** The whole download's deadline: one signal shared by every file, and its length in seconds. */
interface Deadline {
  readonly signal: AbortSignal;
  readonly seconds: number;
}

async function download(schema: PinnedSchema, origin: Extract<SchemaOrigin, { kind: 'download' }>, deadline: Deadline, env: NodeJS.ProcessEnv): Promise<string> {
  const url = schemaUrl(schema, origin.baseUrl);
  const shown = displayUrl(url);
  // fetch() refuses credentials in a URL (and would quote the URL, password included, in its error), so
  // a mirror's user name and password travel as a Basic Authorization header instead.
  const request = new URL(url);
  const headers: Record<string, string> = {};
  if (request.username || request.password) {
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(request.username)}:${decodeURIComponent(request.password)}`).toString('base64')}`;
    request.username = '';
    request.password = '';
  }
  let text: string;
  try {
    // The signal also ends a body that arrives a byte at a time (the reader then fails).
    const signal = AbortSignal.any([AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS), deadline.signal]);
    text = await fetchThroughProxy(request, { headers, signal }, env, cappedText);
  } catch (error) {
    // Whatever the reason quotes, the URL in it is shown as displayUrl shows it.
    const reason = failureReason(error, deadline.signal.aborted ? deadline.seconds : undefined).split(request.href).join(shown).split(url).join(shown);
    throw new SchemaSourceError(`${shown}: download failed (${reason}); ${OFFLINE_SOURCES}`);
  }
  verified(schema, text, shown);
  try {
    // Whole or not at all: a killed download never leaves a truncated file behind.
    writeFileAtomically(join(origin.cacheDir, schema.file), text);
  } catch (error) {
    // A cache path that is a file, or a directory that may not be written: the user's setting to fix.
    throw new SchemaSourceError(`${printable(origin.cacheDir)}: cannot keep downloaded schemas there (${errnoReason(error)}); set ${SCHEMAS_CACHE_VARIABLE} to a directory you may write`);
  }
  return text;
}

/** The mirror's files, or, from downloads, the cached ones, downloading what is missing when `download` allows. */
export async function loadSchemaTexts(options: SchemaSourceOptions = {}): Promise<SchemaTexts> {
  const origin = schemaOrigin(options);
  if (origin.kind === 'mirror') return readSchemaDir(origin.dir);
  const texts = new Map<string, string>();
  const missing = PINNED_SCHEMAS.filter((schema) => {
    const text = readCached(schema, origin.cacheDir);
    if (text !== undefined) texts.set(schema.file, text);
    return text === undefined;
  });
  if (missing.length > 0 && !options.download) throw notCached(origin, missing.length);
  if (missing.length === 0) return texts;
  const seconds = totalSeconds(options.env ?? process.env);
  const deadline: Deadline = { signal: AbortSignal.timeout(seconds * 1000), seconds };
  for (const schema of missing) texts.set(schema.file, await download(schema, origin, deadline, options.env ?? process.env));
  return texts;
}

/**
 * A local path for every pinned file (mirror-relative path -> absolute path), each checked against its
 * sha256: the mirror's own file, or the cached download. For tools that read files, like `cdk8s import`.
 */
export async function resolveSchemaFiles(options: SchemaSourceOptions = {}): Promise<ReadonlyMap<string, string>> {
  const origin = schemaOrigin(options);
  await loadSchemaTexts(options);
  const base = origin.kind === 'mirror' ? origin.dir : origin.cacheDir;
  return new Map(PINNED_SCHEMAS.map((schema) => [schema.file, join(base, schema.file)]));
}
