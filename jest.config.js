/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
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
