import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PINNED_SCHEMAS, SchemaSourceError, loadSchemaTextsSync, upstreamUrl } from '../../validate';
import { loadSchemaTexts, localSchemasDir, sha256 } from '../../validate/schema-source';

const mirror = localSchemasDir() as string;

describe('the pinned schema table', () => {
  const manifest = readFileSync(join(mirror, 'MANIFEST.md'), 'utf8');
  const rows = new Map(
    manifest
      .split('\n')
      .filter((line) => /^\| [a-z]/.test(line) && !line.startsWith('| file'))
      .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()))
      .map(([file, repository, ref, upstreamPath, hash]) => [file, { file, repository, ref, upstreamPath, sha256: hash }]),
  );

  test.each(PINNED_SCHEMAS.map((s) => [s.file, s]))('%s agrees with ../shared/schemas/MANIFEST.md', (_file, schema) => {
    expect(rows.get(schema.file)).toEqual(schema);
  });

  test.each(PINNED_SCHEMAS.map((s) => [s.file, s]))('the mirror copy of %s has the pinned sha256', (_file, schema) => {
    expect(sha256(readFileSync(join(mirror, schema.file)))).toBe(schema.sha256);
  });

  test('download URLs point at the pinned ref on raw.githubusercontent.com', () => {
    expect(upstreamUrl(PINNED_SCHEMAS[0])).toBe(
      'https://raw.githubusercontent.com/kubernetes-sigs/gateway-api-inference-extension/v0.3.0/config/crd/bases/inference.networking.x-k8s.io_inferencepools.yaml',
    );
  });
});

describe('schema resolution', () => {
  test('IGW_SCHEMAS_DIR wins over ../shared/schemas', () => {
    expect(localSchemasDir({ env: { IGW_SCHEMAS_DIR: mirror } })).toBe(mirror);
  });

  test('a missing IGW_SCHEMAS_DIR is a clear error', () => {
    expect(() => localSchemasDir({ env: { IGW_SCHEMAS_DIR: '/nonexistent/schemas' } })).toThrow(SchemaSourceError);
  });

  test('no mirror and no download is an error that says how to fix it', () => {
    expect(() => loadSchemaTextsSync({ env: {}, projectRoot: '/nonexistent/project' })).toThrow(/IGW_SCHEMAS_DIR/);
  });
});

describe('downloading the pinned schemas when there is no mirror', () => {
  const realFetch = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  /** A fetch that serves the mirror's files at their upstream URLs, optionally altered. */
  function serveUpstream(alter: (text: string) => string = (text) => text): string[] {
    const requested: string[] = [];
    const byUrl = new Map(PINNED_SCHEMAS.map((schema) => [upstreamUrl(schema), join(mirror, schema.file)]));
    globalThis.fetch = (async (url: string | URL) => {
      requested.push(String(url));
      const file = byUrl.get(String(url));
      return file ? new Response(alter(readFileSync(file, 'utf8'))) : new Response('not found', { status: 404 });
    }) as typeof fetch;
    return requested;
  }

  const offline = () => ({ env: {}, projectRoot: '/nonexistent/project', download: true, cacheDir: mkdtempSync(join(tmpdir(), 'igw-schema-cache-')) });

  test('fetches every pinned file from its upstream URL and keeps those whose sha256 matches', async () => {
    const requested = serveUpstream();
    const texts = await loadSchemaTexts(offline());
    expect(requested.sort()).toEqual(PINNED_SCHEMAS.map(upstreamUrl).sort());
    expect([...texts.keys()].sort()).toEqual(PINNED_SCHEMAS.map((schema) => schema.file).sort());
  });

  test('refuses a download whose sha256 differs from the pin', async () => {
    serveUpstream((text) => `${text}\n# tampered\n`);
    await expect(loadSchemaTexts(offline())).rejects.toThrow(/does not match the pinned/);
  });

  test('reports a failed download with its URL', async () => {
    globalThis.fetch = (async () => new Response('gone', { status: 404 })) as unknown as typeof fetch;
    await expect(loadSchemaTexts(offline())).rejects.toThrow(/raw\.githubusercontent\.com.*download failed \(HTTP 404\)/);
  });
});
