/** Running the real command-line tools as child processes, and photographing directories byte for byte. */
import { spawn } from 'node:child_process';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export const root = join(__dirname, '..', '..');

/** The process each entry point runs as, exactly as package.json's scripts start it. */
export const ENTRY_POINTS = {
  synth: ['scripts/synth.js'],
  validate: ['scripts/run.js', 'validate/cli.ts'],
  plan: ['scripts/run.js', 'plan/cli.ts'],
  schema: ['scripts/run.js', 'spec/write-json-schema.ts'],
  import: ['scripts/import.mjs'],
} as const;
export type EntryPoint = keyof typeof ENTRY_POINTS;

export interface ProcessResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

export interface RunOptions {
  readonly cwd?: string;
  /** Added to a clean environment (no IGW_CONFIG, CDK8S_OUTDIR, IGW_SCHEMAS_* or IGW_DEBUG from the caller). */
  readonly env?: NodeJS.ProcessEnv;
  /** Kill (SIGKILL) the process once it reports `synth: paused at <step>` (IGW_SYNTH_TEST_PAUSE). */
  readonly killAt?: string;
  readonly uid?: number;
  readonly gid?: number;
  /** Kill the process after this long, so a hang fails the test instead of the whole run. */
  readonly timeoutMs?: number;
}

/** The environment a tool runs in: ours minus every variable the tools read. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env)) if (/^(IGW_|CDK8S_)/.test(name)) delete env[name];
  return { ...env, ...extra };
}

export function runTool(entry: EntryPoint, args: readonly string[], options: RunOptions = {}): Promise<ProcessResult> {
  const started = process.hrtime.bigint();
  const env = cleanEnv({ ...options.env, ...(options.killAt ? { IGW_SYNTH_TEST_PAUSE: options.killAt } : {}) });
  const [script, ...scriptArgs] = ENTRY_POINTS[entry];
  const child = spawn(process.execPath, [join(root, script), ...scriptArgs, ...args], {
    cwd: options.cwd ?? root,
    env,
    uid: options.uid,
    gid: options.gid,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    if (options.killAt && stderr.includes(`synth: paused at ${options.killAt}\n`)) child.kill('SIGKILL');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 45_000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
    });
  });
}

/** Runs `jobs` with at most `limit` at a time (the CI machine has two cores). */
export async function inParallel<T>(jobs: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      results[index] = await jobs[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}

/**
 * Every entry under `dir`, recursively, as `path -> description`: a file's bytes (base64), a symlink's
 * target, `<dir>` or the kind of a special file. Entries it may not read (mode 000) are described by
 * their metadata. Two equal snapshots mean nothing was added, removed,
 * replaced or changed.
 */
export function snapshot(dir: string): Record<string, string> {
  const entries: Record<string, string> = {};
  // Names are read as bytes, so a file whose name is not UTF-8 is photographed too (keyed by its hex).
  const walk = (relative: Buffer) => {
    const names = readdirSync(Buffer.concat([Buffer.from(`${dir}/`), relative]), { encoding: 'buffer' }).sort((a, b) => Buffer.compare(a, b));
    for (const name of names) {
      const bytes = relative.length > 0 ? Buffer.concat([relative, Buffer.from('/'), name]) : name;
      const text = bytes.toString('utf8');
      const path = Buffer.from(text, 'utf8').equals(bytes) ? text : `<name 0x${bytes.toString('hex')}>`;
      const full = Buffer.concat([Buffer.from(`${dir}/`), bytes]);
      const stats = lstatSync(full);
      const mode = (stats.mode & 0o7777).toString(8);
      if (stats.isSymbolicLink()) entries[path] = `<symlink to ${readlinkSync(full)}>`;
      else if (stats.isDirectory()) {
        entries[path] = `<dir ${mode}>`;
        try {
          walk(bytes);
        } catch {
          entries[path] = `<unreadable dir ${mode}, modified ${stats.mtimeMs}>`;
        }
      } else if (stats.isFile()) {
        try {
          // A huge (sparse) test file is described by what any write would change, rather than read whole.
          entries[path] = stats.size > 16 * 1024 * 1024 ? `<file of ${stats.size} bytes, inode ${stats.ino}, modified ${stats.mtimeMs}>` : readFileSync(full).toString('base64');
        } catch {
          entries[path] = `<unreadable file ${mode} of ${stats.size} bytes, modified ${stats.mtimeMs}>`;
        }
      } else entries[path] = stats.isFIFO() ? `<fifo ${mode}>` : `<special ${mode}>`;
    }
  };
  walk(Buffer.alloc(0));
  return entries;
}

/** What a command's `main` printed and returned when run in process: its lines, not process output. */
export interface CommandRun {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

/** The line sinks every command's io has; the rest of its io (env, root) is the caller's. */
interface Lines {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/**
 * Runs a command's `main` in this process (synth, validate, benchmark, schemas), collecting the lines it
 * prints; `io` is the rest of its io, such as `env`. A synchronous main gives its result at once, an
 * asynchronous one a promise of it, as each command itself returns.
 */
export function runMain<M extends (args: readonly string[], io: never) => number>(main: M, args: readonly string[], io: RestOfIo<M>): CommandRun;
export function runMain<M extends (args: readonly string[], io: never) => Promise<number>>(main: M, args: readonly string[], io: RestOfIo<M>): Promise<CommandRun>;
export function runMain(main: (args: readonly string[], io: Lines) => number | Promise<number>, args: readonly string[], io: object): CommandRun | Promise<CommandRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(args, { ...io, out: (line: string) => out.push(line), err: (line: string) => err.push(line) });
  return typeof code === 'number' ? { code, out, err } : code.then((resolved) => ({ code: resolved, out, err }));
}

/** A command's io without the line sinks runMain supplies. */
type RestOfIo<M extends (args: readonly string[], io: never) => unknown> = Omit<NonNullable<Parameters<M>[1]>, keyof Lines>;

/** A stack trace line, as Node prints them. */
export const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m;
