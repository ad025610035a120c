/**
 * Reading a file a user names (a spec, a manifest, a synth record) without trusting it: only regular files,
 * a size cap, UTF-8 text only, and never blocking. Problems come back as one-line `TextFileError`s that
 * say what the path is, never what it contains.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';

export const KiB = 1024;
export const MiB = 1024 * KiB;

/** A file that cannot be used as text input; the message is one line and names no file content. */
export class TextFileError extends Error {
  readonly path: string;
  constructor(
    path: string | Buffer,
    readonly reason: string,
  ) {
    const shown = typeof path === 'string' ? path : fileNameText(path);
    super(`${printable(shown)}: ${reason}`);
    this.path = shown;
    this.name = 'TextFileError';
  }
}

/** A file name as text: its UTF-8, with U+FFFD for bytes that are not UTF-8 (for messages only). */
export function fileNameText(name: string | Buffer): string {
  return typeof name === 'string' ? name : name.toString('utf8');
}

/**
 * Why a path could not be used. A missing file whose name holds U+FFFD most likely has a name that is not
 * UTF-8: Node.js receives command-line arguments and environment variables as UTF-8 text and replaces
 * such bytes, so the name it tries is not the file's.
 */
function pathReason(path: string | Buffer, error: unknown): string {
  const reason = errnoReason(error);
  if ((error as NodeJS.ErrnoException).code === 'ENOENT' && typeof path === 'string' && path.includes('\uFFFD')) {
    return `${reason} (the name holds U+FFFD: a file name that is not UTF-8 cannot be given on the command line or in a variable; rename the file)`;
  }
  return reason;
}

/** What a non-regular file is, in words a user recognizes. */
export function describeFileType(stats: Stats): string {
  if (stats.isFile()) return 'a regular file';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

const ERRNO_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a parent of this path is not a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'the path is too long',
  EISDIR: 'is a directory',
  EIO: 'input/output error',
};

/** A one-line reason for a failed file system call: the errno's meaning, never a stack. */
export function errnoReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code && ERRNO_REASONS[code]) return ERRNO_REASONS[code];
  return code ? `cannot read (${code})` : `cannot read (${String((error as Error).message ?? error).split('\n')[0]})`;
}

export function formatBytes(bytes: number): string {
  if (bytes >= MiB) return `${+(bytes / MiB).toFixed(1)} MiB`;
  if (bytes >= KiB) return `${+(bytes / KiB).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

// C0 controls other than tab, LF and CR, DEL, and C1 controls other than NEL are outside YAML's printable
// set (YAML 1.2, section 5.1); a file holding them raw is binary, or text that would not mean what it shows.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F]/;

/** Line and column (both from 1) of an offset in `text`. */
export function lineColumn(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}

/**
 * The bytes of a regular file of at most `maxBytes`. Checks the type before opening (so a device is never
 * opened) and again on the open descriptor (so a swap in between is caught), and opens with O_NONBLOCK so
 * that even a FIFO slipped in at that moment cannot block the read.
 */
export function readRegularFile(path: string | Buffer, maxBytes: number): Buffer {
  let before: Stats;
  try {
    before = statSync(path);
  } catch (error) {
    throw new TextFileError(path, pathReason(path, error));
  }
  if (!before.isFile()) throw new TextFileError(path, `is ${describeFileType(before)}, not a regular file`);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
  } catch (error) {
    throw new TextFileError(path, errnoReason(error));
  }
  const tooBig = () => new TextFileError(path, `is larger than the ${formatBytes(maxBytes)} limit`);
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) throw new TextFileError(path, `is ${describeFileType(stats)}, not a regular file`);
    if (stats.size > maxBytes) throw tooBig();
    // Read until end of file rather than trusting the size: the file may grow while we read it.
    let buffer = Buffer.alloc(Math.min(maxBytes + 1, Math.max(stats.size + 1, 64 * KiB)));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (buffer.length > maxBytes) throw tooBig();
        const grown = Buffer.alloc(Math.min(maxBytes + 1, buffer.length * 2));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    if (length > maxBytes) throw tooBig();
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof TextFileError) throw error;
    throw new TextFileError(path, errnoReason(error));
  } finally {
    closeSync(fd);
  }
}

/** The text of a regular UTF-8 file of at most `maxBytes` with no raw control characters (see readRegularFile). */
export function readTextFile(path: string | Buffer, maxBytes: number): string {
  const bytes = readRegularFile(path, maxBytes);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new TextFileError(path, 'is not UTF-8 text (a binary file?)');
  }
  const control = CONTROL_CHARACTER.exec(text);
  if (control) {
    const where = lineColumn(text, control.index);
    const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw new TextFileError(path, `holds the control character U+${code} at line ${where.line}, column ${where.col} (a binary file?)`);
  }
  return text;
}

// Characters that would break a one-line message or make a terminal show something else than the text:
// C0/C1 controls, the Unicode line and paragraph separators, and the bidirectional overrides.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNPRINTABLE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** `text` with every unprintable character written as \uXXXX, for paths and names echoed in messages. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/**
 * Writes a file whole or not at all: a temporary file beside it, unique per process and call (parallel
 * runs may write the same file; the last rename wins with equal bytes), renamed over it, and removed
 * whatever happens. For caches and generated files, where a torn file must never be read; synth's output
 * has its own journal (charts-gen/output-dir.ts).
 */
export function writeFileAtomically(path: string, contents: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    writeFileSync(temp, contents);
    renameSync(temp, path);
  } finally {
    rmSync(temp, { force: true });
  }
}
