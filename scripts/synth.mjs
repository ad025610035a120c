// `npm run synth` (and cdk8s.yaml's app): bundle when sources changed, then run the cdk8s app.
import { createRequire } from 'node:module';
import { bundle } from './build.mjs';

const require = createRequire(import.meta.url);
const { main } = require(await bundle('charts-gen/main.ts'));
process.exitCode = main();
