/**
 * A small on-disk cache for what the validator would otherwise rebuild on every run (the
 * kubernetes-models bundle, the parsed CRDs, the compiled schema validators), kept under `lib/` like
 * synth's bundles: `lib/` belongs to this checkout, while `node_modules` may be shared between checkouts.
 *
 * An entry is one file: a header line (the key it was built for, the sha256 of the code, and the version
 * of every package the code was built from) and the code. It is trusted only when all of that still
 * holds: a file built for another key, cut short, edited, or built from packages that have since changed
 * is rebuilt. Files are written to a temporary name and renamed, so a reader never sees half a file and
 * concurrent writers (jest workers) do not corrupt each other. V8's code cache for the entry sits beside
 * it (`.v8`), and V8 itself refuses one that does not match the code or the running V8.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Script } from 'node:vm';
import { projectRoot } from './schema-source';

const HEADER_PREFIX = '// igw-build-cache ';

interface Header {
  readonly key: string;
  readonly sha256: string;
  /** Package directory (relative to the project root) -> the version the code was built from. */
  readonly packages: Readonly<Record<string, string>>;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The version in `<dir>/package.json`, or undefined when it cannot be read. */
export function packageVersion(dir: string): string | undefined {
  try {
    const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}

/** The package directories (`…/node_modules/<name>` or `…/node_modules/@scope/<name>`) that input files lie in. */
export function packageDirs(inputs: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const input of inputs) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) dirs.add(match[1]);
  }
  return [...dirs].sort();
}

/** Atomically replaces `file` with `text`: a temporary file in the same directory, then a rename. */
function writeAtomically(file: string, text: string | Buffer): void {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Where the validator keeps its cache: beside synth's bundles, in this checkout's lib/. */
export function defaultCacheDir(): string {
  return join(projectRoot(), 'lib', 'validate');
}

export interface CacheEntry {
  /** Directory of the cache files. */
  readonly dir: string;
  /** File name prefix. */
  readonly prefix: string;
  /** Everything the content depends on besides the package versions, as a string (hashed into the file name). */
  readonly key: string;
  /** Directory that package directories are relative to. */
  readonly root: string;
  /** @default 'cjs' */
  readonly extension?: string;
  /** Remove entries of the same prefix built for other keys when this one is written. @default true */
  readonly prune?: boolean;
}

export function entryFile(entry: CacheEntry): string {
  return join(entry.dir, `${entry.prefix}-${sha256(entry.key).slice(0, 16)}.${entry.extension ?? 'cjs'}`);
}

/** The cached content, or undefined when there is none or it cannot be trusted. */
export function readEntry(entry: CacheEntry): string | undefined {
  let text: string;
  try {
    text = readFileSync(entryFile(entry), 'utf8');
  } catch {
    return undefined;
  }
  const newline = text.indexOf('\n');
  if (!text.startsWith(HEADER_PREFIX) || newline < 0) return undefined;
  let header: Header;
  try {
    header = JSON.parse(text.slice(HEADER_PREFIX.length, newline)) as Header;
  } catch {
    return undefined;
  }
  const code = text.slice(newline + 1);
  if (header.key !== entry.key || header.sha256 !== sha256(code) || typeof header.packages !== 'object' || header.packages === null) return undefined;
  for (const [dir, version] of Object.entries(header.packages)) {
    if (packageVersion(resolve(entry.root, dir)) !== version) return undefined;
  }
  return code;
}

/**
 * Writes the content with its header (and, unless `prune` is false, drops entries of the same prefix built
 * for other keys). A cache that cannot be written is not an error: the next run builds again.
 */
export function writeEntry(entry: CacheEntry, code: string, packages: readonly string[]): boolean {
  const versions: Record<string, string> = {};
  for (const dir of packages) {
    const version = packageVersion(resolve(entry.root, dir));
    if (version === undefined) return false; // cannot be verified later, so not worth keeping
    versions[dir] = version;
  }
  const header: Header = { key: entry.key, sha256: sha256(code), packages: versions };
  const file = entryFile(entry);
  try {
    mkdirSync(entry.dir, { recursive: true });
    writeAtomically(file, `${HEADER_PREFIX}${JSON.stringify(header)}\n${code}`);
    for (const name of entry.prune === false ? [] : readdirSync(entry.dir)) {
      if (name.startsWith(`${entry.prefix}-`) && join(entry.dir, name) !== file && !join(entry.dir, name).startsWith(file)) rmSync(join(entry.dir, name), { force: true });
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs CommonJS code as a module and returns its exports, compiling with V8's code cache beside the
 * entry when it has one and writing that cache when it has none (or V8 refused it).
 */
export function runEntry(entry: CacheEntry, code: string, requireFn: NodeJS.Require): Record<string, unknown> {
  const file = entryFile(entry);
  const codeCache = `${file}.v8`;
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(codeCache);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(`(function (module, exports, require) {${code}\n})`, { filename: file, cachedData });
  const module = { exports: {} as Record<string, unknown> };
  (script.runInThisContext() as (m: unknown, e: unknown, r: NodeJS.Require) => void)(module, module.exports, requireFn);
  if (cachedData === undefined || script.cachedDataRejected) {
    try {
      mkdirSync(dirname(codeCache), { recursive: true });
      writeAtomically(codeCache, script.createCachedData());
    } catch {
      // Only start-up time is lost.
    }
  }
  return module.exports;
}
