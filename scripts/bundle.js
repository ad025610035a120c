// Bundles a TypeScript entry point (our modules, not node_modules) into lib/ with esbuild, only when one
// of the files it was built from changed. Commands then start as fast as node loads their dependencies:
// no TypeScript compiler and no ts-node at run time. esbuild itself is loaded only to rebuild.
const { readFileSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

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

/** Returns the path of an up-to-date CommonJS bundle of `entry` (a path relative to the project root). */
function ensureBundle(entry) {
  const outfile = join(root, 'lib', entry.replace(/\.ts$/, '.js'));
  const inputsFile = `${outfile}.inputs.json`;
  if (!isFresh(outfile, inputsFile)) {
    const result = require('esbuild').buildSync({
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
      logLevel: 'warning',
    });
    writeFileSync(inputsFile, JSON.stringify(Object.keys(result.metafile.inputs)));
  }
  return outfile;
}

module.exports = { root, ensureBundle };
