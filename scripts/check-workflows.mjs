// `node scripts/check-workflows.mjs [file...]` (default: .github/workflows/*.yml): checks GitHub Actions
// workflow files offline with GitHub's own parser, @actions/workflow-parser (the schema, expressions,
// job needs, cron syntax; what the Actions service reports as "Invalid workflow file"). Exit 0 when every
// file is valid, 1 with one line per problem, 2 for a usage error.
//
// The package is ESM and imports its JSON schema without an import attribute, which Node.js 20 refuses,
// so it is bundled once with esbuild (which inlines the JSON) into node_modules/.cache.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);


async function loadParser() {
  // The package's exports hide package.json; it sits in node_modules like any other.
  const entry = join(root, 'node_modules', '@actions', 'workflow-parser', 'package.json');
  const version = JSON.parse(readFileSync(entry, 'utf8')).version;
  const bundle = join(root, 'node_modules', '.cache', `igw-workflow-parser-${version}.cjs`);
  if (!existsSync(bundle) || statSync(bundle).size === 0) {
    const { buildSync } = require('esbuild');
    const result = buildSync({ entryPoints: [join(dirname(entry), 'dist', 'index.js')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'silent' });
    mkdirSync(dirname(bundle), { recursive: true });
    require('./bundle.js').writeAtomically(bundle, result.outputFiles[0].contents);
  }
  return require(bundle);
}

/** Every problem GitHub's parser finds in one workflow file, as `<file>: <message>` lines. */
export async function checkWorkflow(name, content) {
  const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await loadParser();
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const problems = parsed.context.errors.getErrors().map((error) => error.message);
  if (parsed.value !== undefined && problems.length === 0) {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    problems.push(...(template.errors ?? []).map((error) => error.Message));
  }
  return problems.map((message) => `${name}: ${String(message).split('\n')[0]}`);
}

async function main(args) {
  if (args.some((arg) => arg.startsWith('-'))) {
    process.stderr.write('usage: node scripts/check-workflows.mjs [workflow file...]\n');
    return 2;
  }
  const dir = join(root, '.github', 'workflows');
  const files = args.length > 0 ? args : readdirSync(dir).filter((file) => /\.ya?ml$/.test(file)).map((file) => join(dir, file));
  let problems = 0;
  for (const file of files) {
    const found = await checkWorkflow(file, readFileSync(file, 'utf8'));
    for (const line of found) process.stdout.write(`${line}\n`);
    problems += found.length;
  }
  process.stdout.write(`${files.length} workflow file(s), ${problems === 0 ? 'no problems' : `${problems} problem(s)`}\n`);
  return problems === 0 ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then((code) => (process.exitCode = code), (error) => {
    process.stderr.write(`check-workflows: internal error: ${error.message}\n`);
    process.exitCode = 1;
  });
}
