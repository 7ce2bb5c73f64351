import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Live tests start real processes and read the machine's /proc; running files in
    // parallel on a 2-core machine makes rate measurements noisy, so keep a small pool.
    maxWorkers: 2,
  },
});
