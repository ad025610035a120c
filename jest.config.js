/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // esbuild strips types (fast); `tsc --noEmit` in `npm test` checks them once for the whole project.
  transform: { '^.+\\.ts$': '<rootDir>/scripts/jest-esbuild.js' },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 60000,
};
