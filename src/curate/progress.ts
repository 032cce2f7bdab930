import { createProgress, eta, type ProgressSink } from '../report/progress';

/** Told the input bytes read and the rows scored after each chunk of rows. */
export interface RowProgress {
  update(bytesRead: number, rows: number): void;
  done(): void;
}

/** The share of the input read (its bytes are known up front, its rows are not), the rows scored and their rate. */
export function createRowProgress(sink: ProgressSink | null, totalBytes: number, now?: () => number): RowProgress {
  let rows = 0;
  const bar = createProgress(sink, {
    label: 'scoring',
    // Updated per chunk of rows: a terminal is redrawn five times a second at most.
    redrawMs: 200,
    ...(now ? { now } : {}),
    status: (elapsed, share) =>
      `${(share * 100).toFixed(1)}% ${rows} rows ${(rows / Math.max(0.001, elapsed / 1000)).toFixed(1)}/s${eta(elapsed, share)}`,
  });
  return {
    update(bytesRead, rowsSoFar) {
      rows = rowsSoFar;
      bar.update(totalBytes > 0 ? Math.min(1, bytesRead / totalBytes) : 1);
    },
    done: () => bar.done(),
  };
}
