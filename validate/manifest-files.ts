/**
 * Reading a directory of manifests for the validator: only regular files, each at most
 * MAX_MANIFEST_BYTES, the directory at most MAX_MANIFEST_DIRECTORY_BYTES, YAML with the limits of
 * spec/yaml-text.ts. Kept apart from the validator so the CLI can read (and refuse) a directory before it
 * loads Ajv and CEL.
 */
import { existsSync, lstatSync, readdirSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { errnoReason, formatBytes, MiB, printable, readTextFile, TextFileError } from '../spec/text-file';
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

/** The file names kustomize reads as a folder's kustomization (kustomize's own list, in its order). */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

const isManifestName = (name: string): boolean => /\.ya?ml$/.test(name) && !(KUSTOMIZATION_FILES as readonly string[]).includes(name);

function listDirectory(dir: string): string[] {
  const shown = printable(dir);
  try {
    if (!statSync(dir).isDirectory()) throw new ManifestReadError(`${shown}: not a directory`);
    return readdirSync(dir).sort();
  } catch (error) {
    if (error instanceof ManifestReadError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ManifestReadError(`${shown}: cannot read the directory (${code === 'ENOENT' ? 'no such directory' : errnoReason(error)})`);
  }
}

function isDirectory(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The kustomization file of a folder, if it has one. */
function kustomizationOf(dir: string, names: readonly string[]): string | undefined {
  const name = KUSTOMIZATION_FILES.find((candidate) => names.includes(candidate));
  return name === undefined ? undefined : join(dir, name);
}

/**
 * Checks a kustomization against its folder: every listed resource exists here, and every manifest here
 * is listed (kustomize, and so Argo CD, Flux and `kubectl apply -k`, applies only what it lists).
 */
function checkKustomization(file: string, dir: string, manifests: readonly string[], problems: Problem[]): void {
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
  const resources = (value as { resources?: unknown }).resources ?? [];
  if (!Array.isArray(resources) || !resources.every((entry) => typeof entry === 'string')) {
    report('resources', 'must be a list of file or folder names');
    return;
  }
  resources.forEach((entry: string, index) => {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || entry.startsWith('/') || entry.split('/').includes('..')) return; // remote or outside: not ours to check
    const target = join(dir, entry);
    if (!existsSync(target)) report(`resources[${index}]`, `${printable(entry)} does not exist in ${printable(dir)}`);
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
  const names = listDirectory(dir);
  const folders: { readonly dir: string; readonly names: readonly string[] }[] = [{ dir, names }];
  for (const name of names) {
    const sub = join(dir, name);
    if (!isDirectory(sub)) continue;
    const subNames = listDirectory(sub);
    if (kustomizationOf(sub, subNames) !== undefined) folders.push({ dir: sub, names: subNames });
  }
  const files = folders.flatMap((folder) => folder.names.filter(isManifestName).map((name) => join(folder.dir, name)));
  if (files.length === 0) throw new ManifestReadError(`${shown}: no .yaml files to validate (run npm run synth first?)`);
  // Sizes first, from metadata alone, so an oversized directory is refused before anything is parsed.
  let total = 0;
  for (const file of files) {
    let stats: Stats | undefined;
    try {
      stats = statSync(file);
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
  for (const folder of folders) {
    const kustomization = kustomizationOf(folder.dir, folder.names);
    if (kustomization !== undefined) checkKustomization(kustomization, folder.dir, folder.names.filter(isManifestName), problems);
  }
  for (const file of files) {
    let text: string;
    try {
      text = readTextFile(file, MAX_MANIFEST_BYTES);
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
