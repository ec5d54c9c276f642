// Two projects: fast tests that need no server (pure code, the gateway through inject, the emulator, replays), and
// integration tests that share one real Temporal dev server for the run.
/** @type {import('jest').Config} */
const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/lib/'],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/integration/'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/helpers/global-setup.ts',
      globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
    },
  ],
  // One file at a time unless told otherwise. `npm run test:unit` runs the unit files two at a time (they share
  // nothing); `npm run test:integration` runs the integration files two at a time on their shared dev server (each
  // has its own task queue; they mostly wait on timers and Temporal), then the Zoom budget's alone: it counts calls
  // per second, which a busy neighbour would bend.
  maxWorkers: 1,
  testTimeout: 120_000,
};
