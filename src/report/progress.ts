/**
 * Progress of a long offline run on stderr (bestofn eval, bestofn select): a bar redrawn in place on a
 * terminal, else a plain line every `everyMs` and one at the end, so the log of a CI job or `2> file` stays
 * readable. What the line says is the caller's; the bar, the pacing and the times are here.
 */
export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Progress {
  /** Work done so far, as a share in [0, 1]; draws or writes a line when it is time to. */
  update(share: number): void;
  done(): void;
}

export interface ProgressOptions {
  /** Names the run on every line, e.g. 'eval' or 'scoring'. */
  label: string;
  /** The text after the bar: counts, rates, `eta(…)`. */
  status: (elapsedMs: number, share: number) => string;
  /** Plain lines at most this often [10 s]. */
  everyMs?: number;
  /** Terminal redraws at most this often [every update]: for callers that update once per row. */
  redrawMs?: number;
  now?: () => number;
}

/** 42s, 3m07s, 1h05m. */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : s >= 60
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
      : `${s}s`;
}

/** ' eta 1m20s' at the pace so far while work is under way, else ''. */
export const eta = (elapsedMs: number, share: number): string =>
  share > 0 && share < 1 ? ` eta ${duration((elapsedMs / share) * (1 - share))}` : '';

const silent: Progress = { update() {}, done() {} };

/** A null sink (--quiet) reports nothing. */
export function createProgress(sink: ProgressSink | null, o: ProgressOptions): Progress {
  if (!sink) return silent;
  const now = o.now ?? Date.now;
  const everyMs = o.everyMs ?? 10_000;
  const started = now();
  let share = 0;
  let lastLine = started;
  let lastDraw = started;
  const status = () => o.status(now() - started, share);
  const draw = () => {
    // The bar gives way to the status on a narrow terminal, down to 10 cells.
    const width = Math.max(10, Math.min(40, (sink.columns ?? 80) - 60));
    const filled = Math.round(Math.min(1, Math.max(0, share)) * width);
    sink.write(`\r${o.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${status()}\x1b[K`);
  };

  if (sink.isTTY) draw();
  return {
    update(next) {
      share = next;
      const t = now();
      if (sink.isTTY) {
        if (t - lastDraw < (o.redrawMs ?? 0)) return;
        lastDraw = t;
        return draw();
      }
      if (t - lastLine < everyMs) return;
      lastLine = t;
      sink.write(`${o.label}: ${status()}\n`);
    },
    done() {
      if (!sink.isTTY) return void sink.write(`${o.label}: ${status()}\n`);
      // The last state, then the line ends, so what follows starts on its own line.
      draw();
      sink.write('\n');
    },
  };
}
