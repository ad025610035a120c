// The two tiers of the test suite, jest's two projects (jest.config.js; test/tiers.test.ts reads it too).
//
// `npm test`: everything that runs in jest's own processes: the spec, the charts, the validator, the
// Pulumi program under mocks, the plan model, the docs.
// `npm run test:processes`: the suites that start child processes (the real synth, validate, plan,
// import and cdk8s commands, a shell, the workflow parser): each start costs a Node.js boot, and the
// hostile-input table alone starts about 150. CI runs both tiers (.ci/run).

/** Test files, relative to the project root, that start child processes. */
const PROCESS_SUITES = [
  'test/imports.test.ts',
  'test/infra/curl.test.ts',
  'test/safety/hostile-inputs.test.ts',
  'test/safety/output-dir.test.ts',
  'test/scripts/bundle.test.ts',
  'test/scripts/entry.test.ts',
  'test/scripts/workflows.test.ts',
  'test/spec/grammar.test.ts',
  'test/spec/input-files.test.ts',
  'test/spec/synth-command.test.ts',
  'test/validate/cli.test.ts',
];

module.exports = { PROCESS_SUITES };
