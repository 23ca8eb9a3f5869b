// ES modules + TypeScript through ts-jest's ESM preset (run with --experimental-vm-modules).
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts', '.tsx'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/tests/e2e/',
    '<rootDir>/tests/pg/',
    '<rootDir>/tests/artifact/',
    '<rootDir>/tests/security/',
  ],
  // Build outputs (dist/, build/deploy/ with its own package.json) are not part of the test module graph.
  modulePathIgnorePatterns: ['<rootDir>/build/', '<rootDir>/dist/'],
  testTimeout: 30000,
};
