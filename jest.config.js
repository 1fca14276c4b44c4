/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.bench/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 30000,
  // Browser tests: build the web app if stale and start one Chromium for the run (only when they are selected).
  globalSetup: '<rootDir>/test/web/global-setup.ts',
  globalTeardown: '<rootDir>/test/web/global-teardown.ts',
};
