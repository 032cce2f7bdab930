import { availableParallelism } from 'node:os';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * The files that take longest (real processes, Redis leases, socket floods, every-byte stream splits) start
 * first, so that the short ones fill the last seconds. Vitest orders by the durations it cached last run,
 * but a clean clone (CI) has no cache and would order by file size, which can leave a 15 s file for the end.
 * A name missing here only loses its head start.
 */
const SLOW_FIRST = [
  'test/tools/package.test.ts',
  'test/access/redis-limits.test.ts',
  'test/http/connections.test.ts',
  'test/http/sse-boundaries.test.ts',
  'test/record/record-crash.test.ts',
  'test/worker.test.ts',
  'test/inspector/inspector-browser.test.ts',
  'test/scorer/redis-score-tier.test.ts',
  'test/faults/client-faults.test.ts',
];

class SlowFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => {
      const at = SLOW_FIRST.findIndex((name) => f.moduleId.endsWith(name));
      return at === -1 ? SLOW_FIRST.length : at;
    };
    return sorted
      .map((f, i) => ({ f, i }))
      .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
      .map(({ f }) => f);
  }
}

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
    sequence: { sequencer: SlowFirst },
  },
});
