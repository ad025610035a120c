// Runs a TypeScript entry point's exported `main(args)` from its bundle (rebuilt when sources change),
// so command-line tools start without a TypeScript compiler: `node scripts/run.js validate/cli.ts dist`.
const { ensureBundle } = require('./bundle.js');

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: node scripts/run.js <entry.ts> [args...]\n');
  process.exit(2);
}
Promise.resolve(require(ensureBundle(entry)).main(args)).then((code) => {
  process.exitCode = code;
});
