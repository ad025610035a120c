// Runs a TypeScript entry point's exported `main(args)` from its bundle (rebuilt when sources change),
// so command-line tools start without a TypeScript compiler: `node scripts/run.js validate/cli.ts dist`.
const { basename } = require('node:path');
const { runEntry } = require('./entry.js');

/** The name each tool goes by in its messages (`validate: ...`). */
const TOOLS = {
  'validate/cli.ts': 'validate',
  'plan/cli.ts': 'plan',
  'spec/write-json-schema.ts': 'schema',
  'spec/metrics-command.ts': 'metrics',
  'charts-gen/benchmark-command.ts': 'benchmark',
  'validate/schema-bundle-cli.ts': 'schemas',
};

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: node scripts/run.js <entry.ts> [args...]\n');
  process.exit(2);
}
runEntry(TOOLS[entry] ?? basename(entry, '.ts'), () => {
  return require('./bundle.js').requireBundle(entry).main(args);
});
