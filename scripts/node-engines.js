// The oldest Node.js that every installed package accepts, from their package.json `engines.node`
// ranges. package.json's own `engines.node` must say the same (a test checks it), and so must the README.
//
//   node scripts/node-engines.js     prints the floor and the packages that set it
const { readdirSync, readFileSync } = require('node:fs');
const { join, relative } = require('node:path');
// semver comes with the installed tree (npm and most of the tool chain use it).
const semver = require('semver');

/** package path -> its engines.node range, for every package under `nodeModules`, nested ones included. */
function engineRanges(nodeModules) {
  const ranges = new Map();
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.name.startsWith('@')) {
        visit(path);
        continue;
      }
      try {
        const range = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')).engines?.node;
        if (typeof range === 'string' && semver.validRange(range)) ranges.set(relative(nodeModules, path), range);
      } catch {
        // a directory without a readable package.json is not a package
      }
      try {
        visit(join(path, 'node_modules'));
      } catch {
        // no nested packages
      }
    }
  };
  visit(nodeModules);
  return ranges;
}

/**
 * The lowest version that satisfies every range. It is always the lower bound of one of them, so the
 * candidates are the versions the ranges name (and the next patch, for exclusive bounds).
 */
function strictestNodeFloor(nodeModules) {
  const ranges = engineRanges(nodeModules);
  const candidates = new Set();
  for (const range of ranges.values()) {
    for (const match of range.matchAll(/\d+(\.\d+){0,2}/g)) {
      const version = semver.coerce(match[0]);
      if (version) candidates.add(version.version).add(semver.inc(version, 'patch'));
    }
  }
  const sorted = [...candidates].sort(semver.compare);
  const index = sorted.findIndex((version) => [...ranges.values()].every((range) => semver.satisfies(version, range)));
  const floor = index < 0 ? undefined : sorted[index];
  // The packages that refuse the candidate just below the floor are the ones that set it.
  const below = index > 0 ? sorted[index - 1] : undefined;
  const binding = below === undefined ? [] : [...ranges].filter(([, range]) => !semver.satisfies(below, range)).map(([name, range]) => `${name} (${range})`);
  return { floor, binding, packages: ranges.size };
}

module.exports = { strictestNodeFloor, engineRanges };

if (require.main === module) {
  const { floor, binding, packages } = strictestNodeFloor(join(__dirname, '..', 'node_modules'));
  process.stdout.write(`Node.js >=${floor} (from ${packages} packages' engines.node; set by ${binding.join(', ')})\n`);
}
