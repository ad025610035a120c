/** The Node.js version we ask for is the oldest one every installed package accepts. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- scripts/ is CommonJS without types
const { strictestNodeFloor } = require('../../scripts/node-engines.js') as { strictestNodeFloor: (dir: string) => { floor: string; binding: string[] } };

const root = join(__dirname, '..', '..');
const { floor, binding } = strictestNodeFloor(join(root, 'node_modules'));

test("package.json's engines.node is the floor the installed packages set (node scripts/node-engines.js)", () => {
  expect(binding.length).toBeGreaterThan(0);
  expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines).toEqual({ node: `>=${floor}` });
  expect(JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages[''].engines).toEqual({ node: `>=${floor}` });
});

test('the README and the deploy guide name the same version', () => {
  const [major, minor] = floor.split('.');
  expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain(`Node.js ${major}.${minor} or newer`);
  expect(readFileSync(join(root, 'docs', 'deploy.md'), 'utf8')).toContain(`Node.js ${major}.${minor} or newer`);
});
