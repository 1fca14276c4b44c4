/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.bench/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 30000,
  // default, plus the reasons of skipped suites (KurrentDB without KURRENTDB_URL...) in plain `npm test` output
  reporters: ['default', '<rootDir>/test/support/skip-reporter.js'],
  // Browser tests: build the web app if stale and start one Chromium for the run (only when they are selected).
  globalSetup: '<rootDir>/test/web/global-setup.ts',
  globalTeardown: '<rootDir>/test/web/global-teardown.ts',
};
