// `npm run test:processes`: the suites that start child processes (test/tiers.js).
const { PROCESS_SUITES, SHARED_SETTINGS } = require('./test/tiers.js');

/** @type {import('jest').Config} */
module.exports = {
  ...SHARED_SETTINGS,
  testMatch: PROCESS_SUITES.map((suite) => `<rootDir>/${suite}`),
};
