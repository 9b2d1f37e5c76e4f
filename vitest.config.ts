import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'services/**/*.test.ts',
      'crawler/**/*.test.ts',
      'indexer/**/*.test.ts',
      'api/**/*.test.ts',
      'web/**/*.test.ts',
      'cli/**/*.test.ts',
      'scripts/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    exclude: [
      '**/node_modules/**',
      '**/dist/**',
      'test/engines/**',
      'test/deploy/compose-stack.test.ts',
      'test/models/**',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
