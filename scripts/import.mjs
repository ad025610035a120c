// `npm run import [-- --output <dir>]`: regenerates imports/ (or <dir>) with `cdk8s import` from the CRDs
// listed in cdk8s.yaml. Each listed file is resolved through the same source as the validator's schemas
// (IGW_SCHEMAS_DIR, IGW_SCHEMAS_URL, ../shared/schemas, or the pinned upstream URL via the cache) and
// checked against its pinned sha256 before cdk8s reads it, so a fresh clone without ../shared works too.
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { copyFileSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { parseArgs as nodeParseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { root, ensureBundle } = require('./bundle.js');
const { oneLine, runEntry } = require('./entry.js');
const { parse, stringify } = require('yaml');

/** cdk8s.yaml names the files as they sit in the mirror; this prefix is the mirror's place beside the project. */
const MIRROR_PREFIX = '../shared/schemas/';

/**
 * The output directory is published under synth's rules (charts-gen/output-dir.ts): a record,
 * `.inference-gateway-import`, lists each file import wrote with its sha256; only those files, while they
 * still have it, are replaced or removed, and a file already holding the bytes import would write is
 * adopted. Everything else there (a user's file, even one that starts with cdk8s' banner, a FIFO, a
 * symlink) is never opened, replaced or removed. cdk8s import names each file `<plural>-<group>.ts` after
 * the CRD; a record may name nothing else.
 */
const IMPORT_LAYOUT = {
  record: '.inference-gateway-import',
  tool: 'import',
  isOwnName: (name) => /^[a-z0-9]+-[a-z0-9-]+(\.[a-z0-9-]+)+\.ts$/.test(name),
  ownNames: '<plural>-<group>.ts files generated from CRDs',
};

const USAGE = 'usage: npm run import [-- --output <dir>]   (default: imports)\n';

function usage(message) {
  process.stderr.write(`import: ${message}\nrun npm run import -- --help for usage\n`);
  return 2;
}

/**
 * The output directory, or a usage error: the grammar of the other commands (spec/command-line.ts), on the
 * same Node.js parser. parseArgs keeps the last of a repeated option, so its tokens are checked for that.
 */
function parseArgs(args) {
  let tokens;
  try {
    ({ tokens } = nodeParseArgs({ args, options: { output: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: false, allowPositionals: true, tokens: true }));
  } catch (error) {
    return { error: oneLine(error.message) };
  }
  let output;
  for (const token of tokens) {
    if (token.kind === 'positional') return { error: `takes no arguments, got ${oneLine(token.value)}` };
    if (token.kind !== 'option') continue;
    if (token.name === 'help') return { help: true };
    if (token.name !== 'output') return { error: `unknown option ${oneLine(token.rawName)}` };
    if (output !== undefined) return { error: '--output is given twice' };
    if (token.value === undefined || token.value === '' || (!token.inlineValue && token.value.startsWith('-'))) return { error: '--output needs a value' };
    output = token.value;
  }
  return { output: output === undefined ? 'imports' : userPath(output) };
}

/** A directory the user typed, from where they ran `npm run import` (npm sets INIT_CWD). */
function userPath(path) {
  const from = process.env.INIT_CWD;
  if (isAbsolute(path) || !from || process.env.npm_lifecycle_event !== 'import') return path;
  return relative(process.cwd(), resolve(from, path)) || '.';
}

async function main(args) {
  const parsed = parseArgs(args);
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (parsed.error) return usage(parsed.error);
  const output = parsed.output;
  // Relative to the project (the default) or to the working directory, as for the other commands.
  const target = output === 'imports' ? join(root, 'imports') : output;
  const { resolveSchemaFiles, SchemaSourceError } = require(ensureBundle('validate/schema-source.ts'));
  const { writeOutput, readRecord, resolveOutputDir, sha256, OutputError } = require(ensureBundle('charts-gen/output-dir.ts'));
  const { printable, readRegularFile } = require(ensureBundle('spec/text-file.ts'));
  const config = parse(readFileSync(join(root, 'cdk8s.yaml'), 'utf8'));
  const specs = [];
  for (const entry of config.imports ?? []) {
    const [alias, file] = String(entry).split(':=');
    if (!file?.startsWith(MIRROR_PREFIX)) throw new Error(`cdk8s.yaml import ${entry} is not a file under ${MIRROR_PREFIX}`);
    specs.push({ alias, file: file.slice(MIRROR_PREFIX.length) });
  }
  // An output path that exists but is no directory is refused before the (slow) generation.
  if (lstatOrUndefined(target) !== undefined) {
    let problems;
    try {
      problems = foreignFiles(resolveOutputDir(target), output, { readRecord, sha256, readRegularFile, printable });
    } catch (error) {
      if (!(error instanceof OutputError)) throw error;
      problems = error.problems;
    }
    if (problems.length > 0) {
      process.stderr.write(`${problems.join('\n')}\nNothing was written to ${printable(output)}/.\n`);
      return 1;
    }
  }
  let paths;
  try {
    paths = await resolveSchemaFiles({ download: true });
  } catch (error) {
    if (!(error instanceof SchemaSourceError)) throw error;
    process.stderr.write(`import: ${error.message}\n`);
    return 1;
  }
  const resolved = specs.map(({ alias, file }) => {
    const path = paths.get(file);
    if (path === undefined) throw new Error(`cdk8s.yaml imports ${file}, which validate/pinned-schemas.ts does not pin`);
    return `${alias}:=${path}`;
  });
  // Generate into a fresh directory first, so a failed import leaves the old files in place. The CLI
  // takes one file per argument list but every entry of a cdk8s.yaml's imports, so it runs once, in a
  // scratch directory whose cdk8s.yaml lists the resolved files.
  const scratch = mkdtempSync(join(tmpdir(), 'igw-import-'));
  const fresh = join(scratch, 'out');
  try {
    writeFileSync(join(scratch, 'cdk8s.yaml'), stringify({ language: 'typescript', imports: resolved }));
    // The CLI's progress lines ("Importing resources...") are not shown; its own error is, if it fails.
    try {
      execFileSync(join(root, 'node_modules', '.bin', 'cdk8s'), ['import', '--no-check-upgrade', '--no-save', '--language', 'typescript', '--output', fresh], {
        cwd: scratch,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    } catch (error) {
      const said = String(error.stderr ?? '').split('\n').filter((line) => line.trim() !== '' && !line.startsWith('Importing resources'));
      throw new Error(`cdk8s import failed (${error.status ?? error.code}): ${said[0] ?? 'no message'}`);
    }
    try {
      writeOutput(target, {
        render: (staging) => {
          for (const name of readdirSync(fresh)) copyFileSync(join(fresh, name), join(staging, name));
        },
        spec: { imports: config.imports ?? [] },
        layout: IMPORT_LAYOUT,
        log: (line) => process.stderr.write(`import: ${line}\n`),
      });
    } catch (error) {
      if (!(error instanceof OutputError)) throw error;
      process.stderr.write(`${error.message}\n`);
      if (!error.partial) process.stderr.write(`Nothing was written to ${printable(output)}/.\n`);
      return 1;
    }
    process.stdout.write(`imported ${resolved.length} CRD files into ${printable(output)}/\n`);
    return 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * What the publish step would refuse that can be seen before the (slow) generation: an entry of a
 * generated name that is not a regular file, or a regular one that import did not write (its record does
 * not list it with its sha256) and that cannot hold what import writes, since it lacks cdk8s' banner. The
 * publish step checks everything again; this only answers sooner.
 */
function foreignFiles(dir, shownDir, { readRecord, sha256, readRegularFile, printable }) {
  const recorded = readRecord(dir, shownDir, IMPORT_LAYOUT)?.files ?? {};
  const problems = [];
  for (const name of readdirSync(dir)) {
    if (!IMPORT_LAYOUT.isOwnName(name)) continue;
    const shown = `${printable(shownDir)}/${printable(name)}`;
    const stats = lstatSync(join(dir, name));
    if (!stats.isFile()) {
      const what = stats.isSymbolicLink() ? 'a symbolic link' : stats.isFIFO() ? 'a FIFO (named pipe)' : stats.isDirectory() ? 'a directory' : 'not a regular file';
      problems.push(`${shown}: is ${what}; import writes only regular files and leaves this alone (move it away)`);
      continue;
    }
    const bytes = readRegularFile(join(dir, name), 16 * 1024 * 1024);
    if (recorded[name] !== sha256(bytes) && !bytes.subarray(0, GENERATED_BANNER.length).equals(GENERATED_BANNER)) {
      problems.push(`${shown}: exists and was not written by import; move it away or choose another output directory`);
    }
  }
  return problems;
}

/** How every file cdk8s import generates begins. */
const GENERATED_BANNER = Buffer.from('// generated by cdk8s');

function lstatOrUndefined(path) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

runEntry('import', () => main(process.argv.slice(2)));
