/** The on-disk cache of generated code: trusted only when key, code hash and package versions all hold. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { entryFile, packageDirs, readEntry, runEntry, writeEntry, type CacheEntry } from '../../validate/build-cache';
import { coreKindsCacheEntry, loadCoreModels } from '../../validate/core-kinds';
import { crdCacheEntry, loadCrdVersions } from '../../validate/crds';
import { loadSchemaValidator, type OpenApiSchema } from '../../validate/openapi';
import { schemas } from './helpers';

const root = join(__dirname, '..', '..');
/** A real installed package, so its version can be read back. */
const yamlDir = relative(root, join(require.resolve('yaml'), '..', '..'));
const CODE = 'module.exports.answer = 42;';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'igw-build-cache-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const entry = (key = 'k1'): CacheEntry => ({ dir, prefix: 'sample', key, root });

describe('cache entries', () => {
  test('an entry written is read back, and nothing but the entry is left in the directory', () => {
    expect(writeEntry(entry(), CODE, [yamlDir])).toBe(true);
    expect(readEntry(entry())).toBe(CODE);
    expect(readdirSync(dir)).toEqual([entryFile(entry()).split('/').pop()]);
  });

  test('an entry for another key is not read, and is removed when the new key is written', () => {
    writeEntry(entry('k1'), CODE, [yamlDir]);
    expect(readEntry(entry('k2'))).toBeUndefined();
    writeEntry(entry('k2'), CODE, [yamlDir]);
    expect(readdirSync(dir)).toEqual([entryFile(entry('k2')).split('/').pop()]);
  });

  test('edited or truncated code is not trusted', () => {
    writeEntry(entry(), CODE, [yamlDir]);
    const file = entryFile(entry());
    writeFileSync(file, readFileSync(file, 'utf8').replace('42', '43'));
    expect(readEntry(entry())).toBeUndefined();
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 20));
    expect(readEntry(entry())).toBeUndefined();
  });

  test('a file without the header is not trusted', () => {
    writeFileSync(entryFile(entry()), CODE);
    expect(readEntry(entry())).toBeUndefined();
  });

  test('an entry built from a package version that is no longer installed is stale', () => {
    writeEntry(entry(), CODE, [yamlDir]);
    const file = entryFile(entry());
    const text = readFileSync(file, 'utf8');
    const newline = text.indexOf('\n');
    const prefix = text.slice(0, text.indexOf('{'));
    const header = JSON.parse(text.slice(prefix.length, newline));
    header.packages[yamlDir] = '0.0.0-older';
    writeFileSync(file, `${prefix}${JSON.stringify(header)}${text.slice(newline)}`);
    expect(readEntry(entry())).toBeUndefined();
  });

  test('a directory that cannot be written is not an error', () => {
    const blocked = join(dir, 'a-file');
    writeFileSync(blocked, '');
    expect(writeEntry({ ...entry(), dir: join(blocked, 'cache') }, CODE, [yamlDir])).toBe(false);
  });

  test('code runs as a CommonJS module, and V8 code cache is kept beside the entry', () => {
    writeEntry(entry(), CODE, [yamlDir]);
    expect(runEntry(entry(), CODE, require).answer).toBe(42);
    expect(readdirSync(dir).sort()).toEqual([entryFile(entry()), `${entryFile(entry())}.v8`].map((f) => f.split('/').pop()).sort());
    expect(runEntry(entry(), CODE, require).answer).toBe(42);
  });

  test('package directories are found in bundle inputs, scoped ones included', () => {
    expect(packageDirs(['node_modules/ajv/dist/core.js', '../main/node_modules/@kubernetes-models/base/index.js', '<stdin>', 'node_modules/ajv/lib/x.js'])).toEqual([
      '../main/node_modules/@kubernetes-models/base',
      'node_modules/ajv',
    ]);
  });
});

describe('the kubernetes-models bundle', () => {
  const invalidDeployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { selector: {}, template: { spec: { containers: [{ name: 'c', ports: [{ containerPort: 'eighty' }] }] } } } };
  const rejects = (models: ReturnType<typeof loadCoreModels>['models']) => {
    try {
      new models['apps/v1/Deployment'](invalidDeployment).validate();
      return false;
    } catch {
      return true;
    }
  };

  test('is built once, then loaded from the cache, and both validate alike', () => {
    const first = loadCoreModels(dir);
    expect(first.source).toBe('built');
    const second = loadCoreModels(dir);
    expect(second.source).toBe('cache');
    expect(rejects(first.models)).toBe(true);
    expect(rejects(second.models)).toBe(true);
  });

  test('a cache entry that does not export the models is rebuilt', () => {
    const cacheEntry = coreKindsCacheEntry(dir);
    writeEntry(cacheEntry, 'module.exports = {};', []);
    expect(readEntry(cacheEntry)).toBe('module.exports = {};');
    expect(loadCoreModels(dir).source).toBe('built');
    expect(loadCoreModels(dir).source).toBe('cache');
  });

  test('the cache key follows the kind list', () => {
    expect(entryFile(coreKindsCacheEntry(dir, ['v1/ConfigMap']))).not.toBe(entryFile(coreKindsCacheEntry(dir)));
  });
});

describe('the parsed CRDs', () => {
  /** The two small llm-d CRDs: enough to show the cache at work without parsing megabytes of YAML. */
  const texts = new Map([...schemas].filter(([file]) => file.startsWith('llm-d-router/')));

  test('are parsed once, then read from the cache, and both give the same versions', () => {
    const first = loadCrdVersions(texts, dir);
    expect(first.source).toBe('parsed');
    const second = loadCrdVersions(texts, dir);
    expect(second.source).toBe('cache');
    expect(second.versions).toEqual(first.versions);
    expect(second.versions.map((v) => `${v.group}/${v.version}/${v.kind}`).sort()).toEqual(['llm-d.ai/v1alpha2/InferenceModelRewrite', 'llm-d.ai/v1alpha2/InferenceObjective']);
  });

  test('a cache entry that is not a list of CRD versions is parsed again', () => {
    writeEntry(crdCacheEntry(texts, dir), JSON.stringify([{ kind: 'InferencePool' }]), []);
    expect(loadCrdVersions(texts, dir).source).toBe('parsed');
  });

  test('the key follows the texts: a changed CRD file is a different entry', () => {
    const changed = new Map([...texts].map(([file, text], i) => [file, i === 0 ? `${text}\n# changed\n` : text]));
    expect(entryFile(crdCacheEntry(changed, dir))).not.toBe(entryFile(crdCacheEntry(texts, dir)));
  });
});

describe('compiled schema validators', () => {
  /** A pattern only RE2 accepts as written, a format, an enum and a required field. */
  const schema: OpenApiSchema = {
    type: 'object',
    required: ['name'],
    properties: {
      name: { type: 'string', pattern: String.raw`^[a-z\"-]+$` },
      at: { type: 'string', format: 'date-time' },
      mode: { type: 'string', enum: ['FailOpen', 'FailClose'] },
    },
  };
  const bad = { name: 'Not A Name', at: 'yesterday', mode: 'FailClosed' };
  const good = { name: 'a"b', at: '2026-01-01T00:00:00Z', mode: 'FailOpen' };
  const errorsOf = (validate: ReturnType<typeof loadSchemaValidator>['validate'], value: unknown) => (validate(value) ? [] : validate.errors?.map((e) => `${e.instancePath} ${e.keyword}`));

  test('are compiled once, then loaded from the cache, and both report the same errors', () => {
    const first = loadSchemaValidator(schema, dir);
    expect(first.source).toBe('compiled');
    const second = loadSchemaValidator(schema, dir);
    expect(second.source).toBe('cache');
    expect(errorsOf(first.validate, bad)).toEqual(['/name pattern', '/at format', '/mode enum']);
    expect(errorsOf(second.validate, bad)).toEqual(errorsOf(first.validate, bad));
    expect(errorsOf(second.validate, good)).toEqual([]);
    expect(errorsOf(second.validate, {})).toEqual([' required']);
  });

  test('another schema is another entry', () => {
    loadSchemaValidator(schema, dir);
    expect(loadSchemaValidator({ ...schema, required: [] }, dir).source).toBe('compiled');
  });
});
