import { defineConfig } from 'vitest/config';

/** The long reliability suite (`npm run test:chaos`): crash loops, fault storms. See RELIABILITY.md. */
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.test.ts'],
    testTimeout: 15 * 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One file at a time: each one already loads both cores.
    fileParallelism: false,
  },
});
