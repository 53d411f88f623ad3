// Run with NODE_OPTIONS=--experimental-vm-modules (see the root "test" script): sources are ESM TypeScript
// whose relative imports end in `.ts`, transformed by ts-jest in ESM mode.
/** @type {import('jest').Config} */
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  // End-to-end suites start Postgres and five servers in beforeAll; a loaded 2-core machine needs more than 5 s.
  testTimeout: 60_000,
  testMatch: ['**/*.test.ts'],
  // One worker runs the files one at a time (they share Postgres and the machine's two cores) and is replaced once a
  // file leaves it above this heap: jest evaluates every file's modules afresh, and in one process for a whole run
  // they added up to more heap than CI's Node allows.
  maxWorkers: 1,
  workerIdleMemoryLimit: '800MB',
  setupFilesAfterEnv: ['<rootDir>/test/support/afterEachFile.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/\\.data/', '/__generated__/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
  },
};
