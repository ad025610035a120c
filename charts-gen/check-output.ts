/**
 * `synth --check`: whether an output folder already holds exactly what the spec synthesizes, for CI to
 * say "the committed output is stale". It renders in memory and reads the folder; it writes nothing, takes
 * no lock and creates nothing.
 *
 * A folder matches when every file synth would write is there byte for byte, no file synth recorded and
 * would now remove is still there, no interrupted synth left a journal, and the record names the same
 * spec (validate reads the spec from the record).
 */
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { version as TOOL_VERSION } from '../package.json';
import type { DeploymentSpec } from '../spec';
import { MiB, printable, readRegularFile, TextFileError } from '../spec/text-file';
import { hasPendingJournal, OutputError, OWN_PREFIX, readRecord, RECORD_FILE, sha256 } from './output-dir';

/** Larger than any file synth writes. */
const MAX_FILE_BYTES = 16 * MiB;

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function differences(dir: string, shown: string, files: ReadonlyMap<string, string>, spec: DeploymentSpec): string[] {
  const show = (name: string) => `${shown}/${printable(name)}`;
  if (!exists(dir)) return [`${shown}: missing (synth would create it)`];
  if (hasPendingJournal(dir)) return [`${shown}: a synth was interrupted while writing here; run synth to finish it`];
  const out: string[] = [];
  let record;
  try {
    record = readRecord(dir, shown);
  } catch (error) {
    if (!(error instanceof OutputError)) throw error;
    return [...error.problems];
  }
  for (const [name, text] of files) {
    let bytes: Buffer;
    try {
      bytes = readRegularFile(join(dir, name), MAX_FILE_BYTES);
    } catch (error) {
      if (!(error instanceof TextFileError)) throw error;
      out.push(exists(join(dir, name)) ? `${show(name)}: ${error.reason}; synth would write a file here` : `${show(name)}: missing (synth would write it)`);
      continue;
    }
    if (!bytes.equals(Buffer.from(text))) out.push(`${show(name)}: differs from what the spec synthesizes`);
  }
  for (const name of Object.keys(record?.files ?? {})) {
    if (!files.has(name) && exists(join(dir, name))) out.push(`${show(name)}: no longer produced by the spec (synth would remove it)`);
  }
  if (record === undefined) out.push(`${show(RECORD_FILE)}: missing (synth would write its record)`);
  else if (!isDeepStrictEqual(record.spec, JSON.parse(JSON.stringify(spec)))) out.push(`${show(RECORD_FILE)}: records another spec than this one`);
  return out;
}

/**
 * The differences between `outdir` and what `folders` (from renderOutput) would make it, one line each,
 * naming the file; empty when the folder is up to date.
 */
export function checkOutput(spec: DeploymentSpec, outdir: string, folders: ReadonlyMap<string, ReadonlyMap<string, string>>): string[] {
  return [...folders].flatMap(([folder, files]) => {
    const dir = folder === '' ? outdir : join(outdir, folder);
    return differences(dir, printable(dir), files, spec);
  });
}

/**
 * True when `dir` already holds exactly `files` and a record synth would write again unchanged (same
 * files, spec and tool version), with no lock, journal or leftover of a killed run: publishing would
 * change nothing there, so synth can leave the folder alone without taking its lock or syncing anything
 * to disk. Anything else, including anything unreadable, is false, and writeOutput does the work.
 */
export function isUpToDate(dir: string, files: ReadonlyMap<string, string>, spec: DeploymentSpec): boolean {
  try {
    if (readdirSync(dir).some((name) => name.startsWith(OWN_PREFIX))) return false;
    const record = readRecord(dir);
    if (record === undefined || record.toolVersion !== TOOL_VERSION || !isDeepStrictEqual(record.spec, JSON.parse(JSON.stringify(spec)))) return false;
    if (Object.keys(record.files).length !== files.size) return false;
    for (const [name, text] of files) {
      const expected = sha256(text);
      if (record.files[name] !== expected || sha256(readRegularFile(join(dir, name), MAX_FILE_BYTES)) !== expected) return false;
    }
    return true;
  } catch {
    return false;
  }
}
