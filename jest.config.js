// Two projects (test/tiers.js): `npm test` runs `in-process`, `npm run test:processes` runs `processes`;
// `npx jest <file>` finds a suite in either.
const { PROCESS_SUITES } = require('./test/tiers.js');

const escapeRegExp = (path) => path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Settings of both projects. */
const project = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  // esbuild strips types (fast); `tsc --noEmit` in `npm test` checks them once for the whole project.
  transform: { '^.+\\.ts$': '<rootDir>/scripts/jest-esbuild.js' },
  moduleFileExtensions: ['ts', 'js', 'json'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...project,
      displayName: 'in-process',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', ...PROCESS_SUITES.map((suite) => `<rootDir>/${escapeRegExp(suite)}$`)],
    },
    { ...project, displayName: 'processes', testMatch: PROCESS_SUITES.map((suite) => `<rootDir>/${suite}`) },
  ],
  testTimeout: 60000,
  // A temporary directory for the whole run (removed after it), and the committed schema bundle checked.
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  // Jest's default leaves one core idle (cores - 1 workers); on the 2-core CI machine that is a single
  // worker. The suites are independent processes' worth of work, so use every core.
  maxWorkers: '100%',
};
