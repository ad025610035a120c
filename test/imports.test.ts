/**
 * imports/ is exactly what `npm run import` generates from the CRDs listed in cdk8s.yaml, whether they
 * come from the local mirror or, as on a fresh clone, are downloaded from a mirror URL.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PINNED_SCHEMAS, VALIDATION_ONLY_SCHEMAS } from '../validate';
import { describeWithSources, pinnedSources } from './pinned-sources';

const root = join(__dirname, '..');

/** Runs `npm run import -- --output <fresh dir>` with `env` added to a clean environment. */
function runImport(env: NodeJS.ProcessEnv): Promise<{ status: number | null; stderr: string; dir: string }> {
  const dir = join(mkdtempSync(join(tmpdir(), 'igw-imports-')), 'imports');
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(base)) if (name.startsWith('IGW_')) delete base[name];
  const child = spawn(process.execPath, ['scripts/import.mjs', '--output', dir], { cwd: root, env: { ...base, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stderr, dir })));
}

function expectSameAsCommitted(dir: string): void {
  const committed = readdirSync(join(root, 'imports')).sort();
  expect(readdirSync(dir).sort()).toEqual(committed);
  for (const file of committed) expect(readFileSync(join(dir, file), 'utf8')).toBe(readFileSync(join(root, 'imports', file), 'utf8'));
}

describeWithSources('npm run import', () => {
  test('imports/ matches a fresh `npm run import` of the CRDs listed in cdk8s.yaml', async () => {
    const run = await runImport({});
    expect(run.status).toBe(0);
    expectSameAsCommitted(run.dir);
  });

  test('imports/ matches `npm run import` with no mirror directory, the CRDs downloaded from a mirror URL', async () => {
    const texts = pinnedSources ?? new Map<string, string>();
    const requested: string[] = [];
    const server = createServer((request, response) => {
      const file = decodeURIComponent(request.url ?? '').replace(/^\/schemas\//, '');
      requested.push(file);
      const text = texts.get(file);
      response.writeHead(text === undefined ? 404 : 200).end(text ?? '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/schemas/`;
      const run = await runImport({ IGW_SCHEMAS_URL: url, IGW_SCHEMAS_CACHE: mkdtempSync(join(tmpdir(), 'igw-import-cache-')) });
      expect(run.status).toBe(0);
      expect(requested.sort()).toEqual(PINNED_SCHEMAS.map((schema) => schema.file).sort());
      expectSameAsCommitted(run.dir);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

test('cdk8s.yaml imports exactly the CRD files whose sha256 the validator pins', () => {
  const config = parse(readFileSync(join(root, 'cdk8s.yaml'), 'utf8')) as { imports: string[] };
  const imported = config.imports.map((spec) => spec.split(':=')[1].replace('../shared/schemas/', '')).sort();
  expect(imported).toEqual(PINNED_SCHEMAS.map((schema) => schema.file).filter((file) => !VALIDATION_ONLY_SCHEMAS.includes(file)).sort());
  for (const file of VALIDATION_ONLY_SCHEMAS) expect(PINNED_SCHEMAS.map((schema) => schema.file)).toContain(file);
});
