/** A progress line on stderr: redrawn in place on a terminal, a line every few seconds in a log. */
export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface Progress {
  update(bytesRead: number, rows: number): void;
  done(): void;
}

const WIDTH = 24;

export function createProgress(sink: ProgressSink | null, totalBytes: number, label: string, now: () => number = Date.now): Progress {
  if (!sink) return { update() {}, done() {} };
  const tty = sink.isTTY === true;
  const started = now();
  let shown = 0;
  let last = '';
  const render = (bytes: number, rows: number) => {
    const share = totalBytes > 0 ? Math.min(1, bytes / totalBytes) : 1;
    const filled = Math.round(share * WIDTH);
    const seconds = Math.max(0.001, (now() - started) / 1000);
    const rate = rows / seconds;
    const eta = share > 0 && share < 1 ? ` eta ${Math.round((seconds / share) * (1 - share))}s` : '';
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${(share * 100).toFixed(1)}% ${rows} rows ${rate.toFixed(1)}/s${eta}`;
  };
  return {
    update(bytes, rows) {
      const t = now();
      if (t - shown < (tty ? 200 : 10_000)) return;
      shown = t;
      last = render(bytes, rows);
      sink.write(tty ? `\r${last}\x1b[K` : `${last}\n`);
    },
    done() {
      if (tty && last) sink.write('\n');
    },
  };
}
