/**
 * `npm run schemas [-- --update]`: derives the schema bundle from the pinned upstream CRD files and checks
 * that `schemas/bundle.json` is exactly that (exit 1 naming the command otherwise), or with `--update`
 * rewrites it. The pinned files come from IGW_SCHEMAS_DIR, IGW_SCHEMAS_URL, ../shared/schemas, or their
 * upstream URLs (schema-source.ts), each checked against its sha256; from a mirror directory that has a
 * MANIFEST.md, every pinned row must also agree with it.
 *
 * Exit codes: 0 up to date (or updated), 1 stale bundle or unusable source, 2 usage error.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomically } from '../spec/text-file';
import { parseCommandLine, UsageError } from '../spec/command-line';
import { PINNED_SCHEMAS, type PinnedSchema } from './pinned-schemas';
import { buildSchemaBundle, bundleText, SCHEMA_BUNDLE_PATH, UPDATE_COMMAND } from './schema-bundle';
import { loadSchemaTexts, projectRoot, SchemaSourceError, schemaOrigin } from './schema-source';

export interface SchemasIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** The project whose bundle is checked or written. @default the project this file belongs to */
  readonly root?: string;
}

const processIo: SchemasIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
};

export const USAGE = [
  'usage: npm run schemas [-- --update]',
  `  (no option)  check that ${SCHEMA_BUNDLE_PATH} is what the pinned CRD files give`,
  `  --update     rewrite ${SCHEMA_BUNDLE_PATH} from the pinned CRD files`,
  '  -h, --help   show this help',
  'The pinned files come from $IGW_SCHEMAS_DIR, $IGW_SCHEMAS_URL, ../shared/schemas, else their upstream URLs.',
  'Exit codes: 0 up to date or updated, 1 stale bundle or unusable source, 2 usage error.',
].join('\n');

/** The rows of a MANIFEST.md (`| file | repository | ref | upstream path | sha256 |`), by file. */
export function manifestRows(text: string): Map<string, PinnedSchema> {
  return new Map(
    text
      .split('\n')
      .filter((line) => /^\| [a-z]/.test(line) && !line.startsWith('| file'))
      .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()))
      .map(([file, repository, ref, upstreamPath, hash]) => [file, { file, repository, ref, upstreamPath, sha256: hash }]),
  );
}

function manifestProblems(env: NodeJS.ProcessEnv, root: string): string[] {
  const origin = schemaOrigin({ env, projectRoot: root });
  if (origin.kind !== 'mirror' || !existsSync(join(origin.dir, 'MANIFEST.md'))) return [];
  const rows = manifestRows(readFileSync(join(origin.dir, 'MANIFEST.md'), 'utf8'));
  return PINNED_SCHEMAS.flatMap((schema) => {
    const row = rows.get(schema.file);
    if (row === undefined) return [`${schema.file}: pinned in validate/pinned-schemas.ts but not listed in ${origin.dir}/MANIFEST.md`];
    const differs = (['repository', 'ref', 'upstreamPath', 'sha256'] as const).filter((field) => row[field] !== schema[field]);
    return differs.length === 0 ? [] : [`${schema.file}: ${differs.join(', ')} differ between validate/pinned-schemas.ts and MANIFEST.md`];
  });
}

export async function main(args: readonly string[], io: SchemasIo = processIo): Promise<number> {
  let update: boolean;
  try {
    const line = parseCommandLine(args, { flags: ['--update'], positional: { max: 0, name: 'argument' } });
    if (line.help) {
      io.out(USAGE);
      return 0;
    }
    update = line.flags.has('--update');
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`schemas: ${error.message}`);
    io.err('run npm run schemas -- --help for usage');
    return 2;
  }
  const root = io.root ?? projectRoot();
  let text: string;
  try {
    const problems = manifestProblems(io.env, root);
    if (problems.length > 0) {
      for (const problem of problems) io.err(problem);
      return 1;
    }
    text = bundleText(buildSchemaBundle(await loadSchemaTexts({ env: io.env, projectRoot: root, download: true })));
  } catch (error) {
    if (!(error instanceof SchemaSourceError)) throw error;
    io.err(error.message);
    return 1;
  }
  const path = join(root, SCHEMA_BUNDLE_PATH);
  const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  if (current === text) {
    io.out(`${SCHEMA_BUNDLE_PATH} is up to date (${PINNED_SCHEMAS.length} pinned files, ${Buffer.byteLength(text)} bytes)`);
    return 0;
  }
  if (!update) {
    io.err(`${SCHEMA_BUNDLE_PATH} ${current === undefined ? 'is missing' : 'is not what the pinned CRD files give'}; run ${UPDATE_COMMAND}`);
    return 1;
  }
  writeFileAtomically(path, text);
  io.out(`wrote ${SCHEMA_BUNDLE_PATH} (${PINNED_SCHEMAS.length} pinned files, ${Buffer.byteLength(text)} bytes)`);
  return 0;
}
