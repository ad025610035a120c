// Bundles an entry point (and our own modules, not node_modules) into lib/ with esbuild, only when a
// source is newer than the bundle. Synth then starts as fast as node can load cdk8s: no TypeScript
// compiler and no ts-node at run time.
import { build } from 'esbuild';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_DIRS = ['spec', 'charts-gen', 'imports', 'infra', 'validate'];

function newestSource() {
  let newest = statSync(join(root, 'package-lock.json'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) if (existsSync(join(root, dir))) walk(join(root, dir));
  return newest;
}

/** Returns the path of an up-to-date bundle of `entry` (relative to the project root). */
export async function bundle(entry) {
  const outfile = join(root, 'lib', entry.replace(/\.ts$/, '.js'));
  const built = statSync(outfile, { throwIfNoEntry: false })?.mtimeMs ?? -1;
  if (built < newestSource()) {
    await build({
      entryPoints: [join(root, entry)],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      packages: 'external',
      sourcemap: 'inline',
      logLevel: 'warning',
    });
  }
  return outfile;
}
