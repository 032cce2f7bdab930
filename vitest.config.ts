import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Loopback servers and ONNX sessions: generous per-test time on a busy 2-core machine, no retries.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Files share one module graph per worker instead of re-importing hono, openai, zod and mathjs for each
    // (about half the suite's wall time on 2 cores). It holds because every test builds its own state
    // through factories (gateways, scorers, registries) and restores what it spies on. A file that mocks
    // modules (vi.mock) or changes globals for good would leak into the files after it: don't.
    isolate: false,
    // One file more than cores (vitest's default is one fewer: a single worker on 2 cores). Much of the suite
    // waits on loopback sockets, child processes, Redis leases and timers, so a spare worker fills that time.
    maxWorkers: availableParallelism() + 1,
  },
});
