// Jest config for the real-cluster e2e suite (the root config ignores test/e2e/).
//   test/e2e/cluster.sh run -- node --experimental-vm-modules --no-warnings \
//     node_modules/jest/bin/jest.js -c test/e2e/jest.config.js
// Tests skip themselves when no cluster is up (see lib/cluster.ts clusterUp()),
// unless BTLS_E2E_REQUIRED=1, which turns that into a failure (use it in CI).
import base from '../../jest.config.js';

export default {
  ...base,
  rootDir: '../..',
  roots: ['<rootDir>/test/e2e'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 60000,
  maxWorkers: 2,
};
