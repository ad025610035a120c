/** imports/ is exactly what `cdk8s import` generates from the pinned CRDs in ../shared/schemas. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PINNED_SCHEMAS } from '../validate';

const root = join(__dirname, '..');

test('imports/ matches a fresh `cdk8s import` of the CRDs listed in cdk8s.yaml', () => {
  const fresh = mkdtempSync(join(tmpdir(), 'igw-imports-'));
  execFileSync(join(root, 'node_modules', '.bin', 'cdk8s'), ['import', '--no-check-upgrade', '--language', 'typescript', '--output', fresh], {
    cwd: root,
    stdio: 'pipe',
  });
  const committed = readdirSync(join(root, 'imports')).sort();
  expect(readdirSync(fresh).sort()).toEqual(committed);
  for (const file of committed) {
    expect(readFileSync(join(fresh, file), 'utf8')).toBe(readFileSync(join(root, 'imports', file), 'utf8'));
  }
});

test('cdk8s.yaml imports exactly the CRD files whose sha256 the validator pins', () => {
  const config = parse(readFileSync(join(root, 'cdk8s.yaml'), 'utf8')) as { imports: string[] };
  const imported = config.imports.map((spec) => spec.split(':=')[1].replace('../shared/schemas/', '')).sort();
  expect(imported).toEqual(PINNED_SCHEMAS.map((schema) => schema.file).sort());
});
