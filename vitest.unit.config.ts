import { defineConfig } from 'vitest/config';

/**
 * `npm run test:unit`: the tests of pure code (grading, answers, aggregation, ranking, metrics: no server,
 * no process, no Redis), the inner loop while changing them. `npm test` runs these with everything else.
 */
export default defineConfig({
  test: {
    include: [
      'test/core/**/*.test.ts',
      'test/eval/metrics.test.ts',
      'test/scorer/vote.test.ts',
      'test/util-shard.test.ts',
      'test/util-abort-scope.test.ts',
    ],
    // One module graph for all files: mathjs and zod load once (each file builds its own state).
    isolate: false,
  },
});
