// Tests with a real small model (`npm run test:models`): the 0.5B model served on 127.0.0.1 by the
// local test bed. Kept out of `npm test`, which needs no model; skipped, saying why, when
// `npm run models:prepare` has not fetched it. One file at a time: the model has the CPU to itself.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/models/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 200_000,
    hookTimeout: 240_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
