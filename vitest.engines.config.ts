// Tests against real search engines (`npm run test:engines`): one embedded OpenSearch node is
// started for the whole run by test/engines/global-setup.ts; Elasticsearch joins when
// ELASTICSEARCH_URL is set. Kept out of the default `npm test` run, which needs no JVM.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/engines/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', 'test/engines/opensearch/**'],
    globalSetup: ['test/engines/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 240_000,
    // Stopping both nodes (a clean Elasticsearch shutdown takes a few seconds on a busy machine).
    teardownTimeout: 60_000,
    pool: 'forks',
    // One engine on a small machine: test files take turns rather than compete for it.
    fileParallelism: false,
  },
});
