// Runs a TypeScript entry point's exported `main(args)` from an esbuild bundle (built when sources change),
// so command-line tools start without a TypeScript compiler: `node scripts/run.mjs validate/cli.ts dist`.
import { createRequire } from 'node:module';
import { bundle } from './build.mjs';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run.mjs <entry.ts> [args...]');
  process.exit(2);
}
const require = createRequire(import.meta.url);
const { main } = require(await bundle(entry));
process.exitCode = await main(args);
