/**
 * Reading a directory of manifests for the validator: only regular files, each at most
 * MAX_MANIFEST_BYTES, the directory at most MAX_MANIFEST_DIRECTORY_BYTES, YAML with the limits of
 * spec/yaml-text.ts. Kept apart from the validator so the CLI can read (and refuse) a directory before it
 * loads Ajv and CEL.
 */
import { readdirSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { errnoReason, fileNameText, formatBytes, MiB, printable, readTextFile, TextFileError } from '../spec/text-file';
import { formatYamlProblem, parseYamlText } from '../spec/yaml-text';
import type { Problem, SourcedObject } from './types';

/** A directory that cannot be read at all: a user error, reported without a stack trace. */
export class ManifestReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestReadError';
  }
}

export interface ManifestFiles {
  readonly objects: SourcedObject[];
  /** YAML syntax errors, one per broken document. */
  readonly problems: Problem[];
}

/**
 * The largest manifest file read. Kubernetes keeps an object under about 1.5 MiB (etcd's request limit), so
 * 4 MiB holds two of the largest objects there can be; our 20-pool benchmark writes files of tens of KiB.
 * Parsing 4 MiB of manifests takes about 2 s on the 2-core development machine.
 */
export const MAX_MANIFEST_BYTES = 4 * MiB;
/** The most all manifest files of a directory may add up to (about 8 s to parse at the same rate). */
export const MAX_MANIFEST_DIRECTORY_BYTES = 16 * MiB;

/**
 * Reads every `*.yaml`/`*.yml` file of `dir` (sorted, not recursive) into documents. Only regular files
 * are read, each at most MAX_MANIFEST_BYTES; anything else is a problem line, not a hang or a crash.
 */
export function readManifestDirectory(dir: string): ManifestFiles {
  const shown = printable(dir);
  // Names as bytes: a name that is not UTF-8 is still read (by its bytes) and shown with U+FFFD, rather
  // than decoded into a name no file has.
  let names: Buffer[];
  try {
    if (!statSync(dir).isDirectory()) throw new ManifestReadError(`${shown}: not a directory`);
    names = readdirSync(dir, { encoding: 'buffer' })
      .filter((name) => /\.ya?ml$/.test(fileNameText(name)))
      .sort((a, b) => Buffer.compare(a, b));
  } catch (error) {
    if (error instanceof ManifestReadError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ManifestReadError(`${shown}: cannot read the directory (${code === 'ENOENT' ? 'no such directory' : errnoReason(error)})`);
  }
  if (names.length === 0) throw new ManifestReadError(`${shown}: no .yaml files to validate (run npm run synth first?)`);
  // Sizes first, from metadata alone, so an oversized directory is refused before anything is parsed.
  let total = 0;
  for (const name of names) {
    let stats: Stats | undefined;
    try {
      stats = statSync(Buffer.concat([Buffer.from(`${dir}/`), name]));
    } catch {
      stats = undefined; // reported when the file is read
    }
    if (stats?.isFile()) total += stats.size;
  }
  if (total > MAX_MANIFEST_DIRECTORY_BYTES) {
    throw new ManifestReadError(`${shown}: its .yaml files add up to ${formatBytes(total)}, more than the ${formatBytes(MAX_MANIFEST_DIRECTORY_BYTES)} the validator reads`);
  }
  const objects: SourcedObject[] = [];
  const problems: Problem[] = [];
  for (const name of names) {
    const file = join(dir, fileNameText(name));
    let text: string;
    try {
      text = readTextFile(Buffer.concat([Buffer.from(`${dir}/`), name]), MAX_MANIFEST_BYTES);
    } catch (error) {
      if (!(error instanceof TextFileError)) throw error;
      problems.push({ file, kind: '?', name: '?', path: '(file)', message: `cannot read: ${error.reason}` });
      continue;
    }
    const parsed = parseYamlText(text, true);
    for (const problem of parsed.problems) {
      problems.push({ file, kind: '?', name: '?', path: `(document ${problem.document})`, message: formatYamlProblem(problem) });
    }
    for (const document of parsed.documents) objects.push({ file, object: document.value });
  }
  return { objects, problems };
}

