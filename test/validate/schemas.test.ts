import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PINNED_SCHEMAS, SchemaSourceError, loadSchemaTextsSync, upstreamUrl } from '../../validate';
import { localSchemasDir, sha256 } from '../../validate/schema-source';

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
