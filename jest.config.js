// ESM project: jest runs under --experimental-vm-modules and swc strips types without type-checking
// (`make lint` runs tsc for that), which keeps the suite fast on a 2-core machine.
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/test/e2e/'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'es6' } }],
  },
  testTimeout: 20000,
  reporters: ['default', '<rootDir>/test/summary-reporter.cjs'],
};
