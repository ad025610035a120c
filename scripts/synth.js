// `npm run synth` and cdk8s.yaml's app: bundle when sources changed, then run the cdk8s app.
const { ensureBundle } = require('./bundle.js');

process.exitCode = require(ensureBundle('charts-gen/main.ts')).main();
