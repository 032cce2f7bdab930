import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Loopback servers and ONNX sessions: generous per-test time on a busy 2-core machine, no retries.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
