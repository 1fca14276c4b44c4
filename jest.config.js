/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testMatch: ['**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.bench/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
    // jose and openid-client (and its oauth4webapi) ship ES modules only: Node 20.19 requires them as they are, Jest's
    // module loader needs them compiled to CommonJS.
    '/node_modules/(jose|openid-client|oauth4webapi)/.+\\.js$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|openid-client|oauth4webapi)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 30000,
  // default, plus the reasons of skipped suites (KurrentDB without KURRENTDB_URL...) in plain `npm test` output
  reporters: ['default', '<rootDir>/test/support/skip-reporter.js'],
  // Browser tests: build the web app if stale and start one Chromium for the run (only when they are selected).
  globalSetup: '<rootDir>/test/web/global-setup.ts',
  globalTeardown: '<rootDir>/test/web/global-teardown.ts',
};
