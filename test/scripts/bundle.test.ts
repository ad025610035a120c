/**
 * scripts/bundle.js: a bundle is rebuilt unless its recorded inputs prove it fresh, and it is published
 * whole (temporary file, then rename), so no run trusts a half-written one. Uses its own small entry so
 * the bundles other tests run are never disturbed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/**
 * The code cache (scripts/bundle.js loadWithCodeCache), run in child processes because it is written when
 * a process exits. What matters of V8 here: it accepts a cache for any source of the same length (it keeps
 * no hash of the text), so the key we add is all that stops old code running for a changed bundle.
 */
describe('the code cache of a bundle', () => {
  const work = mkdtempSync(join(tmpdir(), 'igw-code-cache-'));
  const file = join(work, 'entry.js');
  const cacheFile = `${file}.v8-cache`;
  const source = (value: string) => `module.exports = { value: '${value}', twice: (x) => x * 2 };\n`;
  const load = () =>
    execFileSync(process.execPath, ['-e', `const m = require(${JSON.stringify(join(root, 'scripts', 'bundle.js'))}).loadWithCodeCache(${JSON.stringify(file)}); process.stdout.write(m.value + ' ' + m.twice(21))`], { encoding: 'utf8' });
  const keyOf = (text: string) => createHash('sha256').update(process.version).update('\0').update(text).digest();

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test('is written on the first load, keyed to the source and the Node version, and kept when it matches', () => {
    writeFileSync(file, source('aaaa'));
    expect(load()).toBe('aaaa 42');
    const written = readFileSync(cacheFile);
    expect(written.subarray(0, 32).equals(keyOf(source('aaaa')))).toBe(true);
    expect(written.length).toBeGreaterThan(32);
    expect(load()).toBe('aaaa 42');
    expect(readFileSync(cacheFile).equals(written)).toBe(true);
  });

  test('is not used for a changed source of the same length, which runs as written', () => {
    writeFileSync(file, source('aaaa'));
    load();
    writeFileSync(file, source('bbbb'));
    expect(load()).toBe('bbbb 42');
    expect(readFileSync(cacheFile).subarray(0, 32).equals(keyOf(source('bbbb')))).toBe(true);
  });

  test('a damaged cache under the right key is refused by V8 and replaced', () => {
    writeFileSync(file, source('cccc'));
    writeFileSync(cacheFile, Buffer.concat([keyOf(source('cccc')), Buffer.from('not code at all')]));
    expect(load()).toBe('cccc 42');
    expect(readFileSync(cacheFile).length).toBeGreaterThan(32 + 'not code at all'.length);
  });

  test('a run that fails writes no cache: the next successful run does', () => {
    writeFileSync(file, source('eeee'));
    rmSync(cacheFile, { force: true });
    const failing = `const m = require(${JSON.stringify(join(root, 'scripts', 'bundle.js'))}).loadWithCodeCache(${JSON.stringify(file)}); process.exitCode = 1`;
    expect(spawnSync(process.execPath, ['-e', failing]).status).toBe(1);
    expect(existsSync(cacheFile)).toBe(false);
    expect(load()).toBe('eeee 42');
    expect(existsSync(cacheFile)).toBe(true);
  });

  test('a cache that cannot be written costs nothing but speed', () => {
    writeFileSync(file, source('dddd'));
    rmSync(cacheFile, { force: true });
    mkdirSync(cacheFile);
    expect(load()).toBe('dddd 42');
    rmSync(cacheFile, { recursive: true });
  });
});
