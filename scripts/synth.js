// `npm run synth` and cdk8s.yaml's app: bundle when sources changed, then run the cdk8s app with the
// command-line arguments (`npm run synth -- --help`).
const { runEntry } = require('./entry.js');

runEntry('synth', () => {
  return require('./bundle.js').requireBundle('charts-gen/main.ts').main(process.argv.slice(2));
});
