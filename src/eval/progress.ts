/**
 * Progress on stderr: a bar redrawn in place on a terminal, else a plain line every `everyMs` (and at the
 * end), so logs of a CI job or `2> file` stay readable.
 */
export interface ProgressSink {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface Progress {
  tick(outcome: { correct: boolean; failed: boolean }): void;
  done(): void;
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function createProgress(total: number, sink: ProgressSink, opts: { everyMs?: number; now?: () => number } = {}): Progress {
  const now = opts.now ?? Date.now;
  const everyMs = opts.everyMs ?? 10_000;
  const started = now();
  let finished = 0;
  let correct = 0;
  let failed = 0;
  let lastLine = started;

  const status = () => {
    const elapsed = now() - started;
    const eta = finished > 0 && finished < total ? ` eta ${duration((elapsed / finished) * (total - finished))}` : '';
    const acc = finished > 0 ? (correct / finished).toFixed(3) : '-';
    return `${finished}/${total} acc ${acc} errors ${failed} ${duration(elapsed)}${eta}`;
  };
  const draw = () => {
    const width = Math.max(10, Math.min(40, (sink.columns ?? 80) - 60));
    const filled = total > 0 ? Math.round((finished / total) * width) : width;
    sink.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${status()}\x1b[K`);
  };

  if (sink.isTTY) draw();
  return {
    tick(outcome) {
      finished++;
      if (outcome.correct) correct++;
      if (outcome.failed) failed++;
      if (sink.isTTY) return draw();
      if (now() - lastLine >= everyMs) {
        lastLine = now();
        sink.write(`eval: ${status()}\n`);
      }
    },
    done() {
      sink.write(sink.isTTY ? '\n' : `eval: ${status()}\n`);
    },
  };
}
