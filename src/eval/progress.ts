import { createProgress, duration, eta, type ProgressSink } from '../report/progress';

/** Problems answered out of `total`, with the accuracy and the errors so far. */
export interface EvalProgress {
  tick(outcome: { correct: boolean; failed: boolean }): void;
  done(): void;
}

export function createEvalProgress(
  total: number,
  sink: ProgressSink,
  opts: { everyMs?: number; now?: () => number } = {},
): EvalProgress {
  let finished = 0;
  let correct = 0;
  let failed = 0;
  const bar = createProgress(sink, {
    label: 'eval',
    ...opts,
    status: (elapsed, share) =>
      `${finished}/${total} acc ${finished > 0 ? (correct / finished).toFixed(3) : '-'} errors ${failed} ${duration(elapsed)}${eta(elapsed, share)}`,
  });
  return {
    tick(outcome) {
      finished++;
      if (outcome.correct) correct++;
      if (outcome.failed) failed++;
      bar.update(total > 0 ? finished / total : 1);
    },
    done: () => bar.done(),
  };
}
