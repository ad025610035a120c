// The two tiers of the test suite and the jest settings they share, in one place (jest.config.js,
// jest.processes.config.js and test/tiers.test.ts read it).
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

/** Settings both tiers share. */
const SHARED_SETTINGS = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // esbuild strips types (fast); `tsc --noEmit` in `npm test` checks them once for the whole project.
  transform: { '^.+\\.ts$': '<rootDir>/scripts/jest-esbuild.js' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 60000,
  // A temporary directory for the whole run (removed after it), and the pinned CRD schemas (checked, or
  // downloaded into the cache on a fresh clone).
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  // Jest's default leaves one core idle (cores - 1 workers); on the 2-core CI machine that is a single
  // worker. The suites are independent processes' worth of work, so use every core.
  maxWorkers: '100%',
};

module.exports = { PROCESS_SUITES, SHARED_SETTINGS };
