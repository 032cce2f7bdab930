/**
 * What the live path did over time, for the inspector: each candidate's tokens as they arrived, when and
 * why it stopped, the checkpoints and the commit. Sampled on every progress tick, thinned so a long
 * generation keeps a bounded number of points.
 */
export interface LiveTimeline {
  /** Milliseconds from the start of the race to its end. */
  total_ms: number;
  candidates: { index: number; points: [ms: number, tokens: number][]; stopped?: string; stopped_ms?: number }[];
  checkpoints_ms: number[];
  committed?: { index: number; ms: number };
}

/** Points kept per candidate; past this every other point is dropped, so resolution halves but coverage stays. */
const MAX_POINTS = 120;

export class TimelineRecorder {
  private readonly started: number;
  private readonly rows = new Map<number, LiveTimeline['candidates'][number]>();
  private readonly checkpoints: number[] = [];
  private committed: LiveTimeline['committed'];

  constructor(private readonly now: () => number) {
    this.started = now();
  }

  private ms(): number {
    return Math.max(0, this.now() - this.started);
  }

  /** Called on every progress tick with the candidates as they stand. */
  observe(candidates: readonly { index: number; tokens: number; stopped?: string }[]): void {
    const t = this.ms();
    for (const c of candidates) {
      let row = this.rows.get(c.index);
      // A fallback stream replacing a failed one starts a fresh row under the same index.
      if (!row || (row.stopped !== undefined && c.stopped === undefined)) {
        row = { index: c.index, points: [[t, 0]] };
        this.rows.set(c.index, row);
      }
      const last = row.points.at(-1)!;
      if (c.tokens !== last[1]) {
        row.points.push([t, c.tokens]);
        if (row.points.length > MAX_POINTS)
          row.points = row.points.filter((_, i) => i % 2 === 0 || i === row!.points.length - 1);
      }
      if (c.stopped !== undefined && row.stopped === undefined) {
        row.stopped = c.stopped;
        row.stopped_ms = t;
      }
    }
  }

  checkpoint(): void {
    this.checkpoints.push(this.ms());
  }

  commit(index: number): void {
    this.committed = { index, ms: this.ms() };
  }

  finish(candidates: readonly { index: number; tokens: number; stopped?: string }[]): LiveTimeline {
    this.observe(candidates);
    return {
      total_ms: this.ms(),
      candidates: [...this.rows.values()].sort((a, b) => a.index - b.index),
      checkpoints_ms: this.checkpoints,
      ...(this.committed ? { committed: this.committed } : {}),
    };
  }
}
