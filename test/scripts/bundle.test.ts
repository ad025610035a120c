/**
 * scripts/bundle.js: a bundle is rebuilt unless its recorded inputs prove it fresh, and it is published
 * whole (temporary file, then rename), so no run trusts a half-written one. Uses its own small entry so
 * the bundles other tests run are never disturbed.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- scripts/ is CommonJS without types
const { ensureBundle, root } = require('../../scripts/bundle.js') as { ensureBundle: (entry: string) => string; root: string };

const ENTRY = 'spec/text-file.ts';
const outfile = join(root, 'lib', 'spec', 'text-file.js');
const inputsFile = `${outfile}.inputs.json`;

beforeAll(() => {
  rmSync(outfile, { force: true });
  rmSync(inputsFile, { force: true });
});

test('builds the bundle and records its inputs, leaving no temporary file behind', () => {
  expect(ensureBundle(ENTRY)).toBe(outfile);
  expect(JSON.parse(readFileSync(inputsFile, 'utf8'))).toEqual([ENTRY]);
  expect(readFileSync(outfile, 'utf8')).toContain('function readTextFile(');
  expect(readdirSync(dirname(outfile)).filter((name) => name.includes('.tmp-'))).toEqual([]);
});

test('a bundle whose inputs file is missing is rebuilt, not trusted', () => {
  ensureBundle(ENTRY);
  writeFileSync(outfile, 'module.exports = {}; // half-writ');
  rmSync(inputsFile);
  ensureBundle(ENTRY);
  expect(readFileSync(outfile, 'utf8')).toContain('function readTextFile(');
  expect(existsSync(inputsFile)).toBe(true);
});

test('a bundle whose inputs file is truncated is rebuilt, not trusted', () => {
  ensureBundle(ENTRY);
  writeFileSync(outfile, 'garbage');
  writeFileSync(inputsFile, '["spec/text-');
  ensureBundle(ENTRY);
  expect(readFileSync(outfile, 'utf8')).toContain('function readTextFile(');
  expect(JSON.parse(readFileSync(inputsFile, 'utf8'))).toEqual([ENTRY]);
});

test('a fresh bundle is kept as it is', () => {
  ensureBundle(ENTRY);
  const marked = `${readFileSync(outfile, 'utf8')}\n// still fresh\n`;
  writeFileSync(outfile, marked);
  ensureBundle(ENTRY);
  expect(readFileSync(outfile, 'utf8')).toBe(marked);
});
