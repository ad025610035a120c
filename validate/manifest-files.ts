/**
 * Reading a directory of manifests for the validator: only regular files, each at most
 * MAX_MANIFEST_BYTES, the directory at most MAX_MANIFEST_DIRECTORY_BYTES, YAML with the limits of
 * spec/yaml-text.ts. Kept apart from the validator so the CLI can read (and refuse) a directory before it
 * loads Ajv and CEL.
 */
import { existsSync, lstatSync, readdirSync, statSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import { errnoReason, fileNameText, formatBytes, MiB, printable, readTextFile, TextFileError } from '../spec/text-file';
import { formatYamlProblem, MAX_YAML_DEPTH, parseYamlText } from '../spec/yaml-text';
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

/** Comment lines, then a JSON object: synth's CRD files (and any manifest written as JSON). */
const JSON_DOCUMENT = /^(?:[ \t]*(?:#[^\n]*)?\n)*[ \t]*\{/;

/** What a scan of valid JSON text finds that JSON.parse does not say. */
export type JsonScan =
  | { readonly kind: 'duplicate key' }
  /** A collection nested deeper than MAX_YAML_DEPTH, opened at `offset`. */
  | { readonly kind: 'too deep'; readonly offset: number }
  | undefined;

/**
 * Scans valid JSON text for what the YAML parser would refuse and JSON.parse accepts: a key twice in one
 * object (JSON.parse keeps the last silently; keys are compared decoded, so "a" and "\u0061" are one key),
 * and collections nested deeper than MAX_YAML_DEPTH (the checks walk objects recursively, and thousands
 * of levels would exhaust their stack). Reports the first found.
 */
export function scanJson(text: string): JsonScan {
  const objects: (Set<string> | undefined)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (expectKey) {
        const keys = objects[objects.length - 1] as Set<string>;
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (keys.has(key)) return { kind: 'duplicate key' };
        keys.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === '{' || c === '[') {
      objects.push(c === '{' ? new Set() : undefined);
      if (objects.length > MAX_YAML_DEPTH) return { kind: 'too deep', offset: i };
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      objects.pop();
    } else if (c === ',') {
      expectKey = objects[objects.length - 1] !== undefined;
    }
  }
  return undefined;
}

/** Whether valid JSON text has a key twice in one object (see scanJson). */
export function hasDuplicateJsonKey(text: string): boolean {
  return scanJson(text)?.kind === 'duplicate key';
}

/** The 1-based line and column of `offset` in `text`, as the YAML parser counts them. */
function linePosition(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, col: offset - lineStart + 1 };
}

/**
 * A manifest file's documents. A file that is one JSON object after its comments is read with
 * JSON.parse, many times faster than the YAML parser (synth's CRDs are the largest files it writes), and
 * refused past MAX_YAML_DEPTH as the YAML parser refuses it; any other text, or JSON with a repeated key,
 * goes through the YAML parser and its messages.
 */
function parseManifestText(text: string): ReturnType<typeof parseYamlText> {
  if (JSON_DOCUMENT.test(text)) {
    const prefix = /^(?:[ \t]*(?:#[^\n]*)?\n)*/.exec(text)?.[0] ?? '';
    const body = text.slice(prefix.length);
    try {
      const value: unknown = JSON.parse(body);
      const scan = scanJson(body);
      if (scan?.kind === 'too deep') {
        const { line, col } = linePosition(text, prefix.length + scan.offset);
        return { documents: [], problems: [{ line, col, document: 1, message: `collections nested more than ${MAX_YAML_DEPTH} levels deep` }] };
      }
      if (scan === undefined) return { documents: [{ index: 1, value }], problems: [] };
    } catch {
      // Not JSON after all: the YAML parser says what is wrong.
    }
  }
  return parseYamlText(text, true);
}

/** The file names kustomize reads as a folder's kustomization (kustomize's own list, in its order). */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

const isManifestName = (name: string): boolean => /\.ya?ml$/.test(name) && !(KUSTOMIZATION_FILES as readonly string[]).includes(name);

/**
 * The names in a folder, as bytes: a name that is not UTF-8 is still read (by its bytes) and shown with
 * U+FFFD, rather than decoded into a name no file has.
 */
function listDirectory(dir: string): Buffer[] {
  const shown = printable(dir);
  try {
    if (!statSync(dir).isDirectory()) throw new ManifestReadError(`${shown}: not a directory`);
    return readdirSync(dir, { encoding: 'buffer' }).sort((a, b) => Buffer.compare(a, b));
  } catch (error) {
    if (error instanceof ManifestReadError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ManifestReadError(`${shown}: cannot read the directory (${code === 'ENOENT' ? 'no such directory' : errnoReason(error)})`);
  }
}

/**
 * What a name inside the directory is, by lstat: symbolic links are not followed, here and where the
 * command line looks for an interrupted synth (cli.ts), so a folder is either read or reported, never
 * checked for one and skipped for the other.
 */
function entryKind(path: string): 'directory' | 'link to a directory' | 'other' {
  try {
    const stats = lstatSync(path);
    if (stats.isDirectory()) return 'directory';
    return stats.isSymbolicLink() && statSync(path).isDirectory() ? 'link to a directory' : 'other';
  } catch {
    return 'other';
  }
}

/** The kustomization file of a folder, if it has one. */
function kustomizationOf(dir: string, names: readonly string[]): string | undefined {
  const name = KUSTOMIZATION_FILES.find((candidate) => names.includes(candidate));
  return name === undefined ? undefined : join(dir, name);
}

/** The keys synth writes in a kustomization: the only ones that leave the objects as written. */
const PLAIN_KUSTOMIZATION_KEYS: readonly string[] = ['apiVersion', 'kind', 'resources'];

/**
 * Checks a kustomization against its folder and what validate read: every listed resource exists and was
 * read here (kustomize applies what it lists, read or not), every manifest here is listed (kustomize, and
 * so Argo CD, Flux and `kubectl apply -k`, applies only what it lists), and nothing but resources is set
 * (images, patches, namespace and the like change the objects after validate has judged them).
 */
function checkKustomization(file: string, dir: string, manifests: readonly string[], read: ReadonlySet<string>, problems: Problem[]): void {
  const report = (path: string, message: string) => problems.push({ file, kind: 'Kustomization', name: '-', path, message });
  let text: string;
  try {
    text = readTextFile(file, MAX_MANIFEST_BYTES);
  } catch (error) {
    if (!(error instanceof TextFileError)) throw error;
    report('(file)', `cannot read: ${error.reason}`);
    return;
  }
  const parsed = parseYamlText(text, false);
  for (const problem of parsed.problems) report(`(document ${problem.document})`, formatYamlProblem(problem));
  if (parsed.problems.length > 0) return;
  const value = parsed.documents[0]?.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    report('(document)', 'is not a YAML mapping');
    return;
  }
  for (const key of Object.keys(value)) {
    if (!PLAIN_KUSTOMIZATION_KEYS.includes(key)) {
      report(key, `changes the objects kustomize applies, and validate checks objects as written; run it on the output of kustomize build ${printable(dir)} instead`);
    }
  }
  const resources = (value as { resources?: unknown }).resources ?? [];
  if (!Array.isArray(resources) || !resources.every((entry) => typeof entry === 'string')) {
    report('resources', 'must be a list of file or folder names');
    return;
  }
  resources.forEach((entry: string, index) => {
    const path = `resources[${index}]`;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || /^(?:git@|(?:github\.com|gitlab\.com|bitbucket\.org)\/)/i.test(entry)) {
      report(path, `lists ${printable(entry)}, a remote resource validate does not read; run validate on the output of kustomize build ${printable(dir)} instead`);
      return;
    }
    const target = resolve(dir, entry);
    if (!existsSync(target)) report(path, `${printable(entry)} does not exist in ${printable(dir)}`);
    else if (!read.has(target)) report(path, `lists ${printable(entry)}, which validate did not read (it reads the manifests of this directory and of the folders right below it that hold a kustomization); validate that folder too, or the output of kustomize build ${printable(dir)}`);
  });
  const listed = new Set(resources.map((entry: string) => entry.replace(/^\.\//, '')));
  for (const name of manifests) {
    if (!listed.has(name)) report('resources', `does not list ${printable(name)}, so kustomize (Argo CD, Flux, kubectl apply -k) will not apply it`);
  }
}

/**
 * Reads every `*.yaml`/`*.yml` file of `dir` (sorted), and of each folder right below it that holds a
 * kustomization (synth's `crds/`), into documents. A kustomization file is not a manifest: it is checked
 * against its folder instead (see checkKustomization). Only regular files are read, each at most
 * MAX_MANIFEST_BYTES; anything else is a problem line, not a hang or a crash.
 */
export function readManifestDirectory(dir: string): ManifestFiles {
  const shown = printable(dir);
  const byteNames = listDirectory(dir);
  const folders: { readonly dir: string; readonly names: readonly Buffer[] }[] = [{ dir, names: byteNames }];
  const problems: Problem[] = [];
  for (const name of byteNames) {
    const sub = join(dir, fileNameText(name));
    const kind = entryKind(sub);
    if (kind === 'link to a directory') {
      problems.push({ file: sub, kind: '?', name: '?', path: '(folder)', message: 'is a symbolic link to a folder, which validate does not follow: nothing in it was checked; validate the folder it points to' });
    }
    if (kind !== 'directory') continue;
    const subNames = listDirectory(sub);
    if (kustomizationOf(sub, subNames.map(fileNameText)) !== undefined) folders.push({ dir: sub, names: subNames });
  }
  const files = folders.flatMap((folder) =>
    folder.names.filter((name) => isManifestName(fileNameText(name))).map((name) => ({ bytes: Buffer.concat([Buffer.from(`${folder.dir}/`), name]), file: join(folder.dir, fileNameText(name)) })),
  );
  if (files.length === 0) throw new ManifestReadError(`${shown}: no .yaml files to validate (run npm run synth first?)`);
  // Sizes first, from metadata alone, so an oversized directory is refused before anything is parsed.
  let total = 0;
  for (const { bytes } of files) {
    let stats: Stats | undefined;
    try {
      stats = statSync(bytes);
    } catch {
      stats = undefined; // reported when the file is read
    }
    if (stats?.isFile()) total += stats.size;
  }
  if (total > MAX_MANIFEST_DIRECTORY_BYTES) {
    throw new ManifestReadError(`${shown}: its .yaml files add up to ${formatBytes(total)}, more than the ${formatBytes(MAX_MANIFEST_DIRECTORY_BYTES)} the validator reads`);
  }
  const objects: SourcedObject[] = [];
  // What validate reads, as kustomize would resolve a resources entry: the folders and their manifest files.
  const read = new Set([...folders.map((folder) => resolve(folder.dir)), ...files.map(({ file }) => resolve(file))]);
  for (const folder of folders) {
    const texts = folder.names.map(fileNameText);
    const kustomization = kustomizationOf(folder.dir, texts);
    if (kustomization !== undefined) checkKustomization(kustomization, folder.dir, texts.filter(isManifestName), read, problems);
  }
  for (const { bytes, file } of files) {
    let text: string;
    try {
      text = readTextFile(bytes, MAX_MANIFEST_BYTES);
    } catch (error) {
      if (!(error instanceof TextFileError)) throw error;
      problems.push({ file, kind: '?', name: '?', path: '(file)', message: `cannot read: ${error.reason}` });
      continue;
    }
    const parsed = parseManifestText(text);
    for (const problem of parsed.problems) {
      problems.push({ file, kind: '?', name: '?', path: `(document ${problem.document})`, message: formatYamlProblem(problem) });
    }
    for (const document of parsed.documents) objects.push({ file, object: document.value });
  }
  return { objects, problems };
}
