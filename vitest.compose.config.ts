// The docker compose stack test (`npm run test:compose`, after test/deploy/prepare.sh): builds and
// starts the whole stack and breaks it on purpose, so it takes minutes and needs a Docker engine.
// Kept out of the default `npm test` run.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/deploy/compose-stack.test.ts'],
    testTimeout: 900_000,
    hookTimeout: 1_800_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
