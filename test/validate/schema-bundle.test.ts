/**
 * The committed schema bundle (schemas/bundle.json): exactly what `npm run schemas -- --update` derives
 * from the pinned CRD files, smaller than them, trusted only while it names the pins, and judging
 * manifests as the pinned files do.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PINNED_SCHEMAS, validateWithSchemas } from '../../validate';
import { buildSchemaBundle, bundledCrds, bundledSchemaTexts, bundleMismatch, bundleText, readSchemaBundle, SCHEMA_BUNDLE_PATH, withoutDescriptions } from '../../validate/schema-bundle';
import { main } from '../../validate/schema-bundle-cli';
import { describeWithSources, pinnedSources } from '../pinned-sources';
import { defaultSpec, find, synthObjects } from './helpers';
import { runMain } from '../safety/helpers';

const root = join(__dirname, '..', '..');
const committed = readFileSync(join(root, SCHEMA_BUNDLE_PATH), 'utf8');

const run = (args: string[], env: NodeJS.ProcessEnv, projectRoot: string) => runMain(main, args, { env, root: projectRoot });

test('the bundle names exactly the pinned files, with their refs and sha256', () => {
  const bundle = readSchemaBundle();
  expect(bundle.sources).toEqual(PINNED_SCHEMAS);
  expect(bundleMismatch(bundle)).toBeUndefined();
  expect(Object.keys(bundle.crds).sort()).toEqual(PINNED_SCHEMAS.map((schema) => schema.file).sort());
});

test('the bundle stays compact: under 13 KB a pinned file on average (152 KB for 13 files)', () => {
  expect(Buffer.byteLength(committed) / PINNED_SCHEMAS.length).toBeLessThan(13_000);
});

test('a moved pin makes the bundle untrusted, naming the file and the command', () => {
  const bundle = JSON.parse(committed);
  bundle.sources[2].sha256 = '0'.repeat(64);
  expect(bundleMismatch(bundle)).toBe(`${PINNED_SCHEMAS[2].file} is in the bundle at ${PINNED_SCHEMAS[2].ref} (sha256 ${'0'.repeat(64)}), pinned at ${PINNED_SCHEMAS[2].ref} (sha256 ${PINNED_SCHEMAS[2].sha256})`);
  const project = mkdtempSync(join(tmpdir(), 'igw-stale-bundle-'));
  mkdirSync(join(project, 'schemas'));
  writeFileSync(join(project, SCHEMA_BUNDLE_PATH), JSON.stringify(bundle));
  expect(() => bundledSchemaTexts(project)).toThrow(/^schemas\/bundle\.json does not match validate\/pinned-schemas\.ts \(.*\); run npm run schemas -- --update$/);
});

test('descriptions go, a property called description stays', () => {
  const schema = {
    type: 'object',
    description: 'dropped',
    properties: { description: { type: 'string', description: 'dropped too' }, items: { type: 'array', items: { type: 'string', description: 'x' } } },
    'x-kubernetes-validations': [{ rule: 'has(self.description)', message: 'kept' }],
  };
  expect(withoutDescriptions(schema)).toEqual({
    type: 'object',
    properties: { description: { type: 'string' }, items: { type: 'array', items: { type: 'string' } } },
    'x-kubernetes-validations': [{ rule: 'has(self.description)', message: 'kept' }],
  });
});

test('the profile CRDs are in the bundle with their names and served versions', () => {
  const [pool] = bundledCrds('inference-extension/v0.3.0/inference.networking.x-k8s.io_inferencepools.yaml');
  expect(pool.metadata.name).toBe('inferencepools.inference.networking.x-k8s.io');
  expect((pool.spec.versions as { name: string }[]).map((version) => version.name)).toEqual(['v1alpha2']);
});

describeWithSources('against the pinned files themselves', () => {
  const sources = pinnedSources as NonNullable<typeof pinnedSources>;

  test('the committed bundle is exactly what npm run schemas -- --update derives from them', () => {
    expect(bundleText(buildSchemaBundle(sources))).toBe(committed);
  });

  test('it is at most a quarter of their size', () => {
    const full = [...sources.values()].reduce((sum, text) => sum + Buffer.byteLength(text), 0);
    expect(Buffer.byteLength(committed) * 4).toBeLessThan(full);
  });

  test('it judges manifests exactly as the pinned files do: clean output, and every broken field', () => {
    expect(validateWithSchemas(synthObjects(), bundledSchemaTexts(), { spec: defaultSpec }).problems).toEqual([]);
    const broken = () => {
      const objects = synthObjects();
      (find(objects, 'InferencePool').spec as Record<string, unknown>).targetPortNumber = 'eighty';
      (find(objects, 'HTTPRoute').spec as Record<string, unknown>).hostnames = ['UPPER..case'];
      (find(objects, 'HealthCheckPolicy').spec as { default: Record<string, unknown> }).default.config = { type: 'HTTP' };
      return objects;
    };
    const fromBundle = validateWithSchemas(broken(), bundledSchemaTexts(), { spec: defaultSpec }).problems.map((p) => `${p.kind} ${p.path}: ${p.message}`);
    const fromFiles = validateWithSchemas(broken(), sources, { spec: defaultSpec }).problems.map((p) => `${p.kind} ${p.path}: ${p.message}`);
    expect(fromBundle.length).toBeGreaterThanOrEqual(3);
    expect(fromBundle).toEqual(fromFiles);
  });

  test('npm run schemas says up to date; on a stale bundle it exits 1 and --update rewrites it', async () => {
    const project = mkdtempSync(join(tmpdir(), 'igw-schemas-cli-'));
    const mirror = join(project, 'mirror');
    for (const [file, text] of sources) {
      mkdirSync(join(mirror, file, '..'), { recursive: true });
      writeFileSync(join(mirror, file), text);
    }
    cpSync(join(root, 'schemas'), join(project, 'schemas'), { recursive: true });
    const env = { IGW_SCHEMAS_DIR: mirror };
    expect(await run([], env, project)).toMatchObject({ code: 0, out: [expect.stringMatching(new RegExp(`^schemas/bundle\\.json is up to date \\(${PINNED_SCHEMAS.length} pinned files, \\d+ bytes\\)$`))] });
    writeFileSync(join(project, SCHEMA_BUNDLE_PATH), committed.replace('"format": 1', '"format": 1 '));
    expect(await run([], env, project)).toMatchObject({ code: 1, err: ['schemas/bundle.json is not what the pinned CRD files give; run npm run schemas -- --update'] });
    expect(await run(['--update'], env, project)).toMatchObject({ code: 0, out: [expect.stringMatching(/^wrote schemas\/bundle\.json/)] });
    expect(readFileSync(join(project, SCHEMA_BUNDLE_PATH), 'utf8')).toBe(committed);
    expect(await run(['--bogus'], env, project)).toMatchObject({ code: 2, err: ['schemas: unknown option --bogus', 'run npm run schemas -- --help for usage'] });
  });
});
