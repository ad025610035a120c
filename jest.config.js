// `npm test`: every suite but those that start child processes (test/tiers.js; `npm run test:processes`).
const { PROCESS_SUITES, SHARED_SETTINGS } = require('./test/tiers.js');

const escapeRegExp = (path) => path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** @type {import('jest').Config} */
module.exports = {
  ...SHARED_SETTINGS,
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', ...PROCESS_SUITES.map((suite) => `<rootDir>/${escapeRegExp(suite)}$`)],
};
