// Bundles a TypeScript entry point (our modules, not node_modules) into lib/ with esbuild, only when one
// of the files it was built from changed. Commands then start as fast as node loads their dependencies:
// no TypeScript compiler and no ts-node at run time. esbuild itself is loaded only to rebuild.
const { Buffer } = require('node:buffer');
const { createHash } = require('node:crypto');
const { accessSync, constants, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

const root = join(__dirname, '..');

function mtime(path) {
  return statSync(path, { throwIfNoEntry: false })?.mtimeMs;
}

/** True when the bundle exists and none of its recorded inputs (nor the lockfile) is newer. */
function isFresh(outfile, inputsFile) {
  const built = mtime(outfile);
  if (built === undefined) return false;
  let inputs;
  try {
    inputs = JSON.parse(readFileSync(inputsFile, 'utf8'));
  } catch {
    return false;
  }
  return [...inputs, 'package-lock.json'].every((input) => {
    const changed = mtime(join(root, input));
    return changed !== undefined && changed <= built;
  });
}

/**
 * Writes a file whole or not at all (a temporary file renamed over it), so a run killed mid-write never
 * leaves a truncated bundle that a later run would trust. The temporary name is unique per process:
 * parallel test workers may rebuild the same bundle at once, and the last rename wins with equal bytes.
 */
function writeAtomically(path, contents) {
  const temp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    writeFileSync(temp, contents);
    renameSync(temp, path);
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Bundles `entry` in memory; a build error becomes one line naming the entry and the first error. */
function build(entry, outfile) {
  try {
    return require('esbuild').buildSync({
      entryPoints: [join(root, entry)],
      outfile,
      absWorkingDir: root,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      packages: 'external',
      // cdk8s ships its own copy of yaml (the version we pin); using it saves loading a second copy.
      alias: { yaml: 'cdk8s/node_modules/yaml' },
      sourcemap: 'linked',
      metafile: true,
      // Errors are reported in one line below; esbuild's own report would add a multi-line block.
      logLevel: 'silent',
      write: false,
    });
  } catch (error) {
    const first = error.errors?.[0];
    const where = first?.location ? ` (${first.location.file}:${first.location.line})` : '';
    throw new Error(`cannot bundle ${entry}: ${first ? first.text : error.message}${where}`);
  }
}

/** Returns the path of an up-to-date CommonJS bundle of `entry` (a path relative to the project root). */
function ensureBundle(entry) {
  const outfile = join(root, 'lib', entry.replace(/\.ts$/, '.js'));
  const inputsFile = `${outfile}.inputs.json`;
  if (!isFresh(outfile, inputsFile)) {
    const result = build(entry, outfile);
    mkdirSync(dirname(outfile), { recursive: true });
    // The inputs file goes first and comes back last: while it is missing the bundle counts as stale, so a
    // kill between the writes below means a rebuild next time, never a new bundle judged by old inputs.
    rmSync(inputsFile, { force: true });
    const files = [...result.outputFiles].sort((a, b) => Number(a.path === outfile) - Number(b.path === outfile));
    for (const file of files) writeAtomically(file.path, file.contents);
    writeAtomically(inputsFile, JSON.stringify(Object.keys(result.metafile.inputs)));
  }
  return outfile;
}

/**
 * Loads a CommonJS file as `require` would, keeping V8's compiled code for it in `<file>.v8-cache`: the
 * next run skips parsing and compiling the bundle (about a third of a millisecond per 10 KB here, and
 * synth's bundle is 400 KB), the same thing Node 22's module compile cache does. V8 checks a cache only
 * against the source's length and its own version and flags, so the cache starts with a sha256 of the
 * source and Node's version and is used only when that matches; a changed bundle of the same length
 * never runs old code. The cache is written when the process exits, so it holds the functions the run
 * compiled lazily too: only when there was none or V8 refused it, and only after a run that succeeded (a
 * refused spec or --help compiles little of what the next real run needs). Where the bundle's folder
 * cannot be written (a read-only checkout) no cache is made or looked for twice.
 */
function loadWithCodeCache(file) {
  const source = readFileSync(file, 'utf8');
  const key = createHash('sha256').update(process.version).update('\0').update(source).digest();
  const cacheFile = `${file}.v8-cache`;
  let cachedData;
  try {
    const cache = readFileSync(cacheFile);
    if (cache.length > key.length && cache.subarray(0, key.length).equals(key)) cachedData = cache.subarray(key.length);
  } catch {
    // No cache yet.
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const module = new Module(file, require.main);
  module.filename = file;
  module.paths = Module._nodeModulePaths(dirname(file));
  script.runInThisContext().call(module.exports, module.exports, Module.createRequire(file), module, file, dirname(file));
  module.loaded = true;
  if ((cachedData === undefined || script.cachedDataRejected) && isWritable(dirname(file))) {
    process.once('exit', (code) => {
      if (code !== 0) return;
      try {
        writeAtomically(cacheFile, Buffer.concat([key, script.createCachedData()]));
      } catch {
        // Speed only.
      }
    });
  }
  return module.exports;
}

function isWritable(dir) {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The exports of `entry`'s up-to-date bundle (see ensureBundle), loaded with its code cache. */
function requireBundle(entry) {
  return loadWithCodeCache(ensureBundle(entry));
}

module.exports = { root, ensureBundle, requireBundle, loadWithCodeCache };
