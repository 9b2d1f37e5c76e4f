// Tests against real search engines (`npm run test:engines`): an OpenSearch 2.19 node and an
// Elasticsearch 9 node are started side by side for the whole run by test/engines/global-setup.ts,
// and every suite runs on both. Kept out of the default `npm test` run, which needs no JVM.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/engines/**/*.test.ts'],
    exclude: [
      '**/node_modules/**',
      '**/dist/**',
      'test/engines/opensearch/**',
      'test/engines/elasticsearch/**',
    ],
    globalSetup: ['test/engines/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
    // Stopping both nodes (a clean Elasticsearch shutdown takes a few seconds on a busy machine).
    teardownTimeout: 60_000,
    pool: 'forks',
    // Two engines on a small machine: test files take turns rather than compete for them.
    fileParallelism: false,
  },
});
