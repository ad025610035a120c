// `npm run import`: regenerates imports/ from the CRDs listed in cdk8s.yaml (../shared/schemas).
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from "node:module";
const { root } = createRequire(import.meta.url)("./bundle.js");

const imports = join(root, 'imports');
for (const file of readdirSync(imports)) if (file.endsWith('.ts')) rmSync(join(imports, file));
execFileSync('npx', ['cdk8s', 'import', '--no-check-upgrade', '--language', 'typescript', '--output', 'imports'], {
  cwd: root,
  stdio: 'inherit',
});
