/**
 * Writes synth output into a directory the user names (dist/, a folder of a GitOps repository, `.`) and
 * touches nothing there that synth did not write.
 *
 * - A record file (RECORD_FILE) lists each file synth wrote with its sha256, and the resolved spec that
 *   produced them. Every other file is foreign: never read, replaced or removed. Synth replaces or removes
 *   one of its own files only while it still has the recorded sha256; a foreign file, a changed file, a
 *   symlink or a directory where synth wants to write is an error that names it, and nothing is written.
 * - The new files are rendered into a staging directory inside the output directory (so every rename stays
 *   on one file system). Then a journal naming every rename and removal is written atomically: that is the
 *   commit point. The renames and removals follow, then the record, then the journal is dropped. POSIX has
 *   no atomic replacement of a set of files, so this is the exact guarantee: each file is always complete
 *   (old or new bytes, as rename(2) gives); a run killed before the commit point leaves every file as it
 *   was; one killed after it is finished by the next run, which rolls the journal forward before anything
 *   else.
 * - Every name synth uses for its own bookkeeping starts with OWN_PREFIX; leftovers of a killed run (a
 *   staging directory, a temporary file, a lock) are removed by the next run.
 * - The record and the journal sit in the output folder, usually a Git working tree, so a merged pull
 *   request can plant or edit them. Neither is taken on its word: they may name only files synth writes
 *   (chart-files.ts), and a journal is finished only when its staging entry is a real directory inside the
 *   output folder, each staged file is a regular file with the sha256 the journal lists, and each file it
 *   replaces or removes is listed with that sha256 in the record beside it. Otherwise nothing is touched.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  fsyncSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describeFileType, errnoReason, MiB, printable, readRegularFile, TextFileError } from '../spec/text-file';
import { version as TOOL_VERSION } from '../package.json';
import { CHART_FILE_NAMES, CRD_FOLDER_FILE_NAMES, isChartFileName, isCrdFolderFileName, isTopFolderFileName, TOP_FOLDER_FILE_NAMES } from './chart-files';

/** The record of what synth wrote. No .yaml or .json extension, so GitOps tools do not read it as a manifest. */
export const RECORD_FILE = '.inference-gateway-synth';
/** Every name synth creates for its own bookkeeping starts with this prefix. */
export const OWN_PREFIX = `${RECORD_FILE}.`;
export const JOURNAL_FILE = `${OWN_PREFIX}journal`;
export const LOCK_FILE = `${OWN_PREFIX}lock`;

/**
 * Whose directory this is: the record's name (every bookkeeping name starts with it and a dot), the
 * names the tool may write there, and the tool's name for messages. Synth and `npm run import` publish
 * under the same rules, each with its own layout.
 */
export interface OutputLayout {
  readonly record: string;
  readonly tool: string;
  readonly isOwnName: (name: string) => boolean;
  /** isOwnName in words, for messages. */
  readonly ownNames: string;
}

/** Any folder synth writes, for reading its record (validate, --check). */
export const SYNTH_LAYOUT: OutputLayout = { record: RECORD_FILE, tool: 'synth', isOwnName: isChartFileName, ownNames: CHART_FILE_NAMES };
/**
 * What synth publishes in each of its folders: a record or journal in crds/ naming a chart file (or one
 * beside the charts naming a CRD file) is refused, so neither folder's record can remove the other's files.
 */
export const TOP_FOLDER_LAYOUT: OutputLayout = { ...SYNTH_LAYOUT, isOwnName: isTopFolderFileName, ownNames: TOP_FOLDER_FILE_NAMES };
export const CRD_FOLDER_LAYOUT: OutputLayout = { ...SYNTH_LAYOUT, isOwnName: isCrdFolderFileName, ownNames: CRD_FOLDER_FILE_NAMES };

const bookkeeping = (layout: OutputLayout) => ({
  journal: `${layout.record}.journal`,
  lock: `${layout.record}.lock`,
  staging: `${layout.record}.staging-`,
  temp: `${layout.record}.tmp-`,
});
const RECORD_FORMAT = 1;
/** Larger than any record or generated file synth writes; a bigger file cannot be one of ours. */
const MAX_OWN_FILE_BYTES = 16 * MiB;

/** Why synth will not write: one line per problem, each naming a path. */
export class OutputError extends Error {
  constructor(
    readonly problems: readonly string[],
    /** True when some renames or removals were done before the problem (a journal remains to finish them). */
    readonly partial = false,
  ) {
    super(problems.join('\n'));
    this.name = 'OutputError';
  }
}

/**
 * Reports a writer's failure the same way for every command that writes through `writeOutput`: a refusal
 * before any change says nothing was written; a stop part-way says how to finish. `refusal` tells which
 * other errors (a bad spec) are refusals too. Returns false for an error that is not the writer's to report.
 */
export function reportWriteFailure(
  error: unknown,
  outdir: string,
  err: (line: string) => void,
  options: { readonly refusal: (error: unknown) => boolean; readonly partialAdvice: string },
): boolean {
  if (options.refusal(error) || (error instanceof OutputError && !error.partial)) {
    err((error as Error).message);
    err(`Nothing was written to ${printable(outdir)}/.`);
    return true;
  }
  if (error instanceof OutputError) {
    err(error.message);
    err(options.partialAdvice);
    return true;
  }
  return false;
}

export interface SynthRecord {
  readonly tool: 'inference-gateway';
  readonly format: number;
  readonly toolVersion: string;
  /** File name -> sha256 of the bytes synth wrote. */
  readonly files: Readonly<Record<string, string>>;
  /** The resolved deployment spec the files were synthesized from. */
  readonly spec: unknown;
}

interface WriteStep {
  readonly name: string;
  /** sha256 of the file this replaces, or null when there is none. */
  readonly before: string | null;
  readonly after: string;
}

interface RemoveStep {
  readonly name: string;
  readonly sha256: string;
}

interface Journal {
  readonly format: number;
  readonly staging: string;
  readonly write: readonly WriteStep[];
  readonly remove: readonly RemoveStep[];
  readonly record: SynthRecord;
}

export interface OutputReport {
  readonly written: readonly string[];
  readonly unchanged: readonly string[];
  readonly removed: readonly string[];
}

export const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Test hook: `IGW_SYNTH_TEST_PAUSE=<step>` makes synth announce the step on stderr and stop itself
 * (SIGSTOP) there, so a test can kill it at that exact point. Steps: staged, committed, renamed, removed,
 * recorded.
 */
function pausePoint(step: string): void {
  if (process.env.IGW_SYNTH_TEST_PAUSE !== step) return;
  // Written synchronously: once the test reads this line, synth does nothing more until it is killed.
  writeSync(2, `synth: paused at ${step}\n`);
  process.kill(process.pid, 'SIGSTOP');
}

/** A plain file name: no directory part, not `.` or `..`, no NUL. Guards every name read from a record. */
function isPlainName(name: unknown): name is string {
  return typeof name === 'string' && name.length > 0 && name.length <= 255 && name !== '.' && name !== '..' && !/[/\\\0]/.test(name);
}

const isSha256 = (value: unknown): value is string => typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);

type FileState = { readonly kind: 'absent' } | { readonly kind: 'file'; readonly sha256: string } | { readonly kind: 'other'; readonly what: string };

/** What is at `dir/name`, without following a symlink and without opening anything but a regular file. */
function inspect(dir: string, name: string): FileState {
  let stats: Stats;
  try {
    stats = lstatSync(join(dir, name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    return { kind: 'other', what: `unreadable (${errnoReason(error)})` };
  }
  if (!stats.isFile()) return { kind: 'other', what: describeFileType(stats) };
  if (stats.size > MAX_OWN_FILE_BYTES) return { kind: 'file', sha256: 'too-large' };
  try {
    return { kind: 'file', sha256: sha256(readRegularFile(join(dir, name), MAX_OWN_FILE_BYTES)) };
  } catch (error) {
    return { kind: 'other', what: error instanceof TextFileError ? error.reason : 'unreadable' };
  }
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes `dir/name` whole or not at all: a temporary file under our prefix, flushed, then renamed. */
function writeAtomically(dir: string, name: string, text: string, layout: OutputLayout): void {
  const temp = join(dir, `${bookkeeping(layout).temp}${randomBytes(6).toString('hex')}`);
  const fd = openSync(temp, 'wx');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, join(dir, name));
  fsyncPath(dir);
}

/**
 * The directory to write into, created (with its parents) when missing. A symlink to a directory is
 * followed and kept; anything else that is not a directory is refused.
 */
export function resolveOutputDir(path: string, created: string[] = []): string {
  const shown = printable(path);
  let stats: Stats;
  try {
    stats = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new OutputError([`${shown}: ${errnoReason(error)}`]);
    try {
      const first = mkdirSync(path, { recursive: true });
      // Remember what we created (leaf first), so a run that writes nothing can take it away again.
      if (first !== undefined) for (let dir = resolve(path); dir.length >= resolve(first).length; dir = dirname(dir)) created.push(dir);
    } catch (mkdirError) {
      throw new OutputError([`${shown}: cannot create the output directory (${errnoReason(mkdirError)})`]);
    }
    return realpathSync(path);
  }
  if (stats.isSymbolicLink()) {
    let target: Stats;
    try {
      target = statSync(path);
    } catch (error) {
      throw new OutputError([`${shown}: is a symbolic link whose target cannot be used (${errnoReason(error)})`]);
    }
    if (!target.isDirectory()) throw new OutputError([`${shown}: is a symbolic link to ${describeFileType(target)}, not to a directory`]);
  } else if (!stats.isDirectory()) {
    throw new OutputError([`${shown}: is ${describeFileType(stats)}, not a directory; name a directory for the output`]);
  }
  return realpathSync(path);
}

function parseJsonFile(path: string, shown: string, what: string, tool: string): unknown {
  let text: string;
  try {
    text = readRegularFile(path, MAX_OWN_FILE_BYTES).toString('utf8');
  } catch (error) {
    throw new OutputError([`${shown}: cannot read the ${what} (${error instanceof TextFileError ? error.reason : errnoReason(error)})`]);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new OutputError([`${shown}: is not a ${what} ${tool} can read (not JSON)`]);
  }
}

function checkRecord(value: unknown, layout: OutputLayout): string | undefined {
  const record = value as Partial<SynthRecord> | null;
  if (typeof record !== 'object' || record === null || record.tool !== 'inference-gateway') return 'not written by this tool';
  if (record.format !== RECORD_FORMAT) return `format ${String(record.format)}, this ${layout.tool} reads format ${RECORD_FORMAT}`;
  if (typeof record.files !== 'object' || record.files === null || Array.isArray(record.files)) return 'no file list';
  for (const [name, hash] of Object.entries(record.files)) {
    if (!isPlainName(name) || name.startsWith(layout.record) || !isSha256(hash)) return 'a file entry that is not a plain name with a sha256';
    if (!layout.isOwnName(name)) return `it lists ${printable(name)}, which is not a file ${layout.tool} writes (only ${layout.ownNames})`;
  }
  return undefined;
}

/**
 * The record in `dir` (the real directory), or undefined when there is none. Throws OutputError when a
 * file by that name is there but is not a record this tool wrote.
 */
export function readRecord(dir: string, shownDir = dir, layout: OutputLayout = SYNTH_LAYOUT): SynthRecord | undefined {
  const path = join(dir, layout.record);
  const shown = `${printable(shownDir)}/${layout.record}`;
  const tool = layout.tool;
  const state = lstatOrUndefined(path);
  if (state === undefined) return undefined;
  if (!state.isFile()) throw new OutputError([`${shown}: is ${describeFileType(state)}, not ${tool}'s record`]);
  const record = parseJsonFile(path, shown, `${tool} record`, tool);
  const problem = checkRecord(record, layout);
  if (problem) throw new OutputError([`${shown}: is not a record ${tool} can use (${problem}); move it away to treat every file here as not ${tool}'s`]);
  return record as SynthRecord;
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new OutputError([`${printable(path)}: ${errnoReason(error)}`]);
  }
}

/** True when a directory holds the journal of a synth that was killed after its commit point. */
export function hasPendingJournal(dir: string, layout: OutputLayout = SYNTH_LAYOUT): boolean {
  return lstatOrUndefined(join(dir, bookkeeping(layout).journal)) !== undefined;
}

function readJournal(dir: string, shownDir: string, layout: OutputLayout): Journal {
  const names = bookkeeping(layout);
  const tool = layout.tool;
  const shown = `${printable(shownDir)}/${names.journal}`;
  const journal = parseJsonFile(join(dir, names.journal), shown, `${tool} journal`, tool) as Partial<Journal> | null;
  const fine =
    typeof journal === 'object' &&
    journal !== null &&
    journal.format === RECORD_FORMAT &&
    isPlainName(journal.staging) &&
    journal.staging.startsWith(names.staging) &&
    Array.isArray(journal.write) &&
    journal.write.every((step) => isPlainName(step?.name) && layout.isOwnName(step.name) && (step.before === null || isSha256(step.before)) && isSha256(step.after)) &&
    Array.isArray(journal.remove) &&
    journal.remove.every((step) => isPlainName(step?.name) && layout.isOwnName(step.name) && isSha256(step.sha256)) &&
    checkRecord(journal.record, layout) === undefined;
  if (!fine) throw new OutputError([`${shown}: is not a journal ${tool} can finish; if no ${tool} is running, move it away and check the directory`]);
  return journal as Journal;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of a live process other than this one that holds the directory's lock, if any. */
function lockHolder(dir: string): number | undefined {
  let holder = NaN;
  try {
    holder = Number.parseInt(readRegularFile(join(dir, LOCK_FILE), 64).toString('utf8'), 10);
  } catch {
    return undefined;
  }
  return Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder) ? holder : undefined;
}

/** Takes the directory's lock (a file holding our pid); a lock left by a process that is gone is taken over. */
function lock(dir: string, shownDir: string, layout: OutputLayout): () => void {
  const lockName = bookkeeping(layout).lock;
  const path = join(dir, lockName);
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new OutputError([`${printable(shownDir)}: cannot write here (${errnoReason(error)})`]);
    }
    let holder = NaN;
    try {
      holder = Number.parseInt(readRegularFile(path, 64).toString('utf8'), 10);
    } catch {
      // An unreadable lock is treated like one whose holder is gone.
    }
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
      throw new OutputError([`${printable(shownDir)}: another ${layout.tool} (process ${holder}) is writing here; wait for it, or delete ${lockName} if no ${layout.tool} is running`]);
    }
    if (attempt > 0) throw new OutputError([`${printable(shownDir)}: cannot take the lock ${lockName}`]);
    rmSync(path, { force: true });
  }
}

/** Removes what killed runs left behind: staging directories and temporary files (our prefix only). */
function removeLeftovers(dir: string, layout: OutputLayout): void {
  const names = bookkeeping(layout);
  for (const entry of readdirSync(dir)) {
    if (entry.startsWith(names.staging) || entry.startsWith(names.temp)) rmSync(join(dir, entry), { recursive: true, force: true });
  }
}

const changed = (tool: string) => `changed while ${tool} was writing; move it away, then run ${tool} again to finish`;

/**
 * Checks a journal found on disk before acting on it (see the top of this file): throws OutputError, with
 * nothing touched, unless it is a journal synth could have written for this directory and its record.
 */
function verifyJournal(dir: string, shownDir: string, journal: Journal, layout: OutputLayout): void {
  const tool = layout.tool;
  const shownJournal = `${printable(shownDir)}/${bookkeeping(layout).journal}`;
  const show = (name: string) => `${printable(shownDir)}/${printable(name)}`;
  const refuse = (why: string): never => {
    throw new OutputError([`${shownJournal}: ${why}, so ${tool} did not act on it; if no synth is running, move the journal away and check ${printable(shownDir)}/`]);
  };
  const recorded = readRecord(dir, shownDir, layout)?.files ?? {};
  const staging = join(dir, journal.staging);
  const stagingStats = lstatOrUndefined(staging);
  if (stagingStats !== undefined && !stagingStats.isDirectory()) refuse(`its staging entry ${printable(journal.staging)} is ${describeFileType(stagingStats)}, not a directory ${tool} made`);
  const problems: string[] = [];
  const shaOf = (state: FileState) => (state.kind === 'absent' ? null : state.kind === 'file' ? state.sha256 : undefined);
  for (const step of journal.write) {
    const current = shaOf(inspect(dir, step.name));
    const staged = stagingStats === undefined ? undefined : lstatOrUndefined(join(staging, step.name));
    if (staged === undefined) {
      // Moved into place before a kill: the file there must be the one that was staged.
      if (current !== step.after) problems.push(`${show(step.name)}: ${changed(layout.tool)}`);
      continue;
    }
    if (!staged.isFile()) refuse(`its staged ${printable(step.name)} is ${describeFileType(staged)}, not a file ${tool} staged`);
    const stagedSha = inspect(staging, step.name);
    if (stagedSha.kind !== 'file' || stagedSha.sha256 !== step.after) refuse(`its staged ${printable(step.name)} does not have the sha256 the journal lists`);
    if (current !== step.before && current !== step.after) problems.push(`${show(step.name)}: ${changed(layout.tool)}`);
    else if (current === step.before && step.before !== null && recorded[step.name] !== step.before) {
      refuse(`it would replace ${printable(step.name)}, which ${tool}'s record does not list with that sha256`);
    }
  }
  for (const step of journal.remove) {
    const current = inspect(dir, step.name);
    if (current.kind === 'absent') continue;
    if (current.kind !== 'file' || current.sha256 !== step.sha256) problems.push(`${show(step.name)}: ${changed(layout.tool)}`);
    else if (recorded[step.name] !== step.sha256) refuse(`it would remove ${printable(step.name)}, which ${tool}'s record does not list with that sha256`);
  }
  if (problems.length > 0) throw new OutputError(problems);
}

/** Carries out a committed journal. Idempotent: a step already done is skipped, so it can be rerun after a kill. */
function rollForward(dir: string, shownDir: string, journal: Journal, layout: OutputLayout): void {
  const staging = join(dir, journal.staging);
  const show = (name: string) => `${printable(shownDir)}/${printable(name)}`;
  const problems: string[] = [];
  let renamed = 0;
  for (const step of journal.write) {
    if (lstatOrUndefined(join(staging, step.name)) === undefined) continue; // moved before a kill
    const current = inspect(dir, step.name);
    const sha = current.kind === 'absent' ? null : current.kind === 'file' ? current.sha256 : undefined;
    if (sha !== step.before && sha !== step.after) {
      problems.push(`${show(step.name)}: ${changed(layout.tool)}`);
      continue;
    }
    renameSync(join(staging, step.name), join(dir, step.name));
    if (++renamed === 1) pausePoint('renamed');
  }
  for (const step of journal.remove) {
    const current = inspect(dir, step.name);
    if (current.kind === 'absent') continue;
    if (current.kind !== 'file' || current.sha256 !== step.sha256) {
      problems.push(`${show(step.name)}: ${changed(layout.tool)}`);
      continue;
    }
    unlinkSync(join(dir, step.name));
  }
  if (problems.length > 0) throw new OutputError(problems, true);
  pausePoint('removed');
  writeAtomically(dir, layout.record, `${JSON.stringify(journal.record, null, 2)}\n`, layout);
  pausePoint('recorded');
  rmSync(staging, { recursive: true, force: true });
  unlinkSync(join(dir, bookkeeping(layout).journal));
  fsyncPath(dir);
}

/** The plain files `render` wrote into the staging directory, by name. */
function stagedFiles(staging: string, layout: OutputLayout): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of readdirSync(staging, { withFileTypes: true })) {
    if (!entry.isFile() || !isPlainName(entry.name) || !layout.isOwnName(entry.name)) {
      throw new OutputError([`${layout.tool} produced ${printable(entry.name)}, which is not a plain file it can publish (an internal error)`]);
    }
    const path = join(staging, entry.name);
    files.set(entry.name, readRegularFile(path, MAX_OWN_FILE_BYTES));
    fsyncPath(path);
  }
  fsyncPath(staging);
  return files;
}

export interface WriteOutputOptions {
  /** Renders the output files into the (empty) directory it is given. */
  readonly render: (stagingDir: string) => void;
  /** The resolved spec, kept in the record for `npm run validate`. */
  readonly spec: unknown;
  /** Told when this run first finishes a run that was killed after its commit point. */
  readonly log?: (line: string) => void;
  /** @default SYNTH_LAYOUT */
  readonly layout?: OutputLayout;
}

/**
 * Publishes the files `render` produces into `outdir` under the rules at the top of this file. Throws
 * OutputError (nothing written) when a file synth would replace or remove is not synth's own.
 */
export function writeOutput(outdir: string, options: WriteOutputOptions): OutputReport {
  const created: string[] = [];
  try {
    return publish(outdir, options, created);
  } catch (error) {
    for (const dir of created) {
      try {
        rmdirSync(dir); // only ever removes an empty directory, and only one this run created
      } catch {
        break;
      }
    }
    // A failing system call (no space left, permission denied, read-only file system) is a one-line problem.
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof OutputError || typeof code !== 'string' || !code.startsWith('E')) throw error;
    throw new OutputError([`${printable(outdir)}: ${printable(String((error as Error).message).split('\n')[0])}`], hasPendingJournalSafe(outdir, options.layout ?? SYNTH_LAYOUT));
  }
}

function hasPendingJournalSafe(outdir: string, layout: OutputLayout): boolean {
  try {
    return hasPendingJournal(realpathSync(outdir), layout);
  } catch {
    return false;
  }
}

function publish(outdir: string, options: WriteOutputOptions, created: string[]): OutputReport {
  const layout = options.layout ?? SYNTH_LAYOUT;
  const tool = layout.tool;
  const dir = resolveOutputDir(outdir, created);
  const show = (name: string) => `${printable(outdir)}/${printable(name)}`;
  const unlock = lock(dir, outdir, layout);
  try {
    if (hasPendingJournal(dir, layout)) {
      const journal = readJournal(dir, outdir, layout);
      verifyJournal(dir, outdir, journal, layout);
      rollForward(dir, outdir, journal, layout);
      options.log?.(`finished the ${tool} that was interrupted earlier in ${printable(outdir)}`);
    }
    removeLeftovers(dir, layout);
    const previous = readRecord(dir, outdir, layout);
    const staging = mkdtempSync(join(dir, bookkeeping(layout).staging));
    // Once the journal is written, the staged files belong to it: a failure after that point leaves them
    // for the next run to finish, instead of deleting what the journal still has to move.
    let committed = false;
    try {
      options.render(staging);
      const files = stagedFiles(staging, layout);
      pausePoint('staged');

      const write: WriteStep[] = [];
      const unchanged: string[] = [];
      const remove: RemoveStep[] = [];
      const problems: string[] = [];
      const recordedFiles: Record<string, string> = {};
      // Code-unit order, not localeCompare: the first locale comparison loads ICU collation (6 ms of a
      // 200 ms synth), and the record only needs an order that is the same on every machine.
      for (const [name, bytes] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const after = sha256(bytes);
        recordedFiles[name] = after;
        const current = inspect(dir, name);
        const recorded = previous?.files[name];
        if (current.kind === 'absent') write.push({ name, before: null, after });
        else if (current.kind === 'other') problems.push(`${show(name)}: is ${current.what}; ${tool} writes only regular files and leaves this alone (move it away)`);
        // Byte-identical to what synth would write: adopting it loses nothing, even if synth did not write it.
        else if (current.sha256 === after) unchanged.push(name);
        else if (recorded === undefined) problems.push(`${show(name)}: exists and was not written by ${tool}; move it away or choose another output directory`);
        else if (current.sha256 === recorded) write.push({ name, before: current.sha256, after });
        else problems.push(`${show(name)}: changed since ${tool} wrote it; move it away (or restore it) so ${tool} can replace it`);
      }
      for (const [name, recorded] of Object.entries(previous?.files ?? {})) {
        if (files.has(name)) continue;
        const current = inspect(dir, name);
        if (current.kind === 'absent') continue;
        if (current.kind === 'file' && current.sha256 === recorded) remove.push({ name, sha256: recorded });
        else problems.push(`${show(name)}: ${tool} wrote it and would remove it (it is no longer produced), but it changed since; move it away`);
      }
      if (problems.length > 0) throw new OutputError(problems);

      const record: SynthRecord = { tool: 'inference-gateway', format: RECORD_FORMAT, toolVersion: TOOL_VERSION, files: recordedFiles, spec: options.spec };
      const nothingToDo = write.length === 0 && remove.length === 0 && previous !== undefined && isDeepStrictEqual(previous, JSON.parse(JSON.stringify(record)));
      if (!nothingToDo) {
        const journal: Journal = { format: RECORD_FORMAT, staging: basename(staging), write, remove, record };
        writeAtomically(dir, bookkeeping(layout).journal, `${JSON.stringify(journal)}\n`, layout);
        committed = true;
        pausePoint('committed');
        rollForward(dir, outdir, journal, layout);
      }
      return { written: write.map((step) => step.name), unchanged, removed: remove.map((step) => step.name) };
    } finally {
      if (!committed) rmSync(staging, { recursive: true, force: true });
    }
  } finally {
    unlock();
  }
}

/**
 * What writeOutput would refuse in `outdir` for `files` (name -> bytes), checked without writing or
 * creating anything: for a run that publishes into several folders (synth's crds/ and its output folder)
 * and must refuse all of them before writing any. A folder with an unfinished journal is left to
 * writeOutput, which finishes the journal first; a folder that does not exist yet has nothing to refuse.
 */
export function preflightOutput(outdir: string, files: ReadonlyMap<string, string>, layout: OutputLayout = SYNTH_LAYOUT): string[] {
  let dir: string;
  try {
    if (lstatOrUndefined(outdir) === undefined) return [];
    dir = resolveOutputDir(outdir);
    try {
      accessSync(dir, constants.W_OK);
    } catch (error) {
      return [`${printable(outdir)}: cannot write here (${errnoReason(error)})`];
    }
    const holder = lockHolder(dir);
    if (holder !== undefined) {
      return [`${printable(outdir)}: another synth (process ${holder}) is writing here; wait for it, or delete ${LOCK_FILE} if no synth is running`];
    }
    // writeOutput finishes a pending journal first; one it could not read would stop it there.
    if (hasPendingJournal(dir, layout)) {
      readJournal(dir, outdir, layout);
      return [];
    }
    const previous = readRecord(dir, outdir, layout);
    const show = (name: string) => `${printable(outdir)}/${printable(name)}`;
    const problems: string[] = [];
    for (const [name, text] of files) {
      const current = inspect(dir, name);
      if (current.kind === 'absent' || (current.kind === 'file' && current.sha256 === sha256(text))) continue;
      if (current.kind === 'other') problems.push(`${show(name)}: is ${current.what}; synth writes only regular files and leaves this alone (move it away)`);
      else if (previous?.files[name] === undefined) problems.push(`${show(name)}: exists and was not written by synth; move it away or choose another output directory`);
      else if (current.sha256 !== previous.files[name]) problems.push(`${show(name)}: changed since synth wrote it; move it away (or restore it) so synth can replace it`);
    }
    for (const [name, recorded] of Object.entries(previous?.files ?? {})) {
      if (files.has(name)) continue;
      const current = inspect(dir, name);
      if (current.kind !== 'absent' && !(current.kind === 'file' && current.sha256 === recorded)) {
        problems.push(`${show(name)}: synth wrote it and would remove it (the spec no longer produces it), but it changed since; move it away`);
      }
    }
    return problems;
  } catch (error) {
    if (error instanceof OutputError) return [...error.problems];
    throw error;
  }
}
