/** Every example spec in examples/ is valid and synthesizes manifests the offline validator reports clean. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadSpecFile } from '../../spec';
import { lines, synthObjects, validate } from '../validate/helpers';

const dir = join(__dirname, '..', '..', 'examples');
/** Spec files; examples/Pulumi.*.yaml is a stack configuration, not a spec. */
const examples = readdirSync(dir).filter((name) => name.endsWith('.yaml') && !name.startsWith('Pulumi.'));

test('there are examples of both profiles, a migration, pools behind one URL, scaling with a fast start and a closed Gateway', () => {
  expect(examples.sort()).toEqual(['ga-profile.yaml', 'migration.yaml', 'one-url.yaml', 'production.yaml', 'scale-and-start-fast.yaml', 'two-pools.yaml']);
});

test.each(examples)('%s is valid and its manifests validate clean', (name) => {
  const spec = loadSpecFile(join(dir, name));
  expect(lines(validate(synthObjects(spec), spec))).toEqual([]);
});
