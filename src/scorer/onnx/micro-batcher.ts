/**
 * Merges the rows of concurrent requests into batches bounded by a token budget (padded width × rows),
 * and runs them one at a time: onnxruntime already spreads one batch over all cores, so overlapping
 * batches would only add memory. Generic over `run` so it is tested without a model.
 *
 * Each batch is built around the oldest waiting row (no request waits behind newer ones forever) and
 * grown with the rows nearest to it in length, which keeps padding low. The queue is bounded: past
 * `queueLimit` waiting rows new work is refused with OverloadedError (503 + Retry-After).
 */
import { OverloadedError } from '../../errors';

export interface MicroBatcherOptions<I, O> {
  run: (items: I[]) => Promise<O[]>;
  lengthOf: (item: I) => number;
  /** Upper bound of width × rows for one batch; a single longer row still runs, alone. */
  batchTokens: number;
  /** Waiting rows before submit() refuses new work. */
  queueLimit: number;
  retryAfterSeconds?: number;
}

interface Job<I, O> {
  item: I;
  length: number;
  resolve: (value: O) => void;
  reject: (reason: unknown) => void;
}

export interface BatcherStats {
  batches: number;
  rows: number;
  /** Σ width × rows over batches: the tokens the model actually computed, padding included. */
  paddedTokens: number;
  realTokens: number;
}

export class MicroBatcher<I, O> {
  private queue: Job<I, O>[] = [];
  private running = false;
  private scheduled = false;
  readonly stats: BatcherStats = { batches: 0, rows: 0, paddedTokens: 0, realTokens: 0 };

  constructor(private readonly opts: MicroBatcherOptions<I, O>) {}

  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves with one output per item, in order. Items of one call are admitted or refused together. */
  submit(items: readonly I[], signal?: AbortSignal): Promise<O[]> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (items.length === 0) return Promise.resolve([]);
    if (this.queue.length + items.length > this.opts.queueLimit) {
      return Promise.reject(
        new OverloadedError(
          `scorer queue is full (${this.queue.length} sequences waiting, limit ${this.opts.queueLimit})`,
          this.opts.retryAfterSeconds ?? 1,
        ),
      );
    }
    const jobs: Job<I, O>[] = [];
    const done = Promise.all(
      items.map(
        (item) =>
          new Promise<O>((resolve, reject) => {
            jobs.push({ item, length: this.opts.lengthOf(item), resolve, reject });
          }),
      ),
    );
    this.queue.push(...jobs);
    if (signal) {
      const onAbort = () => {
        // Drop what has not started; rows already in a running batch finish, but nobody waits for them.
        const mine = new Set(jobs);
        this.queue = this.queue.filter((j) => !mine.has(j));
        for (const j of jobs) j.reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      void done.then(
        () => signal.removeEventListener('abort', onAbort),
        () => signal.removeEventListener('abort', onAbort),
      );
    }
    this.schedule();
    return done;
  }

  private schedule(): void {
    if (this.running || this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    // One macrotask of grace lets requests that arrive together share the first batch.
    setTimeout(() => {
      this.scheduled = false;
      void this.drain();
    }, 0);
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.queue.length > 0) {
      const batch = this.take();
      const width = Math.max(...batch.map((j) => j.length));
      this.stats.batches++;
      this.stats.rows += batch.length;
      this.stats.paddedTokens += width * batch.length;
      this.stats.realTokens += batch.reduce((n, j) => n + j.length, 0);
      try {
        const out = await this.opts.run(batch.map((j) => j.item));
        batch.forEach((j, i) => j.resolve(out[i]!));
      } catch (err) {
        for (const j of batch) j.reject(err);
      }
    }
    this.running = false;
  }

  /** The oldest job plus its nearest neighbours in length, while width × rows stays within budget. */
  private take(): Job<I, O>[] {
    const anchor = this.queue[0]!;
    const sorted = [...this.queue].sort((a, b) => a.length - b.length);
    let lo = sorted.indexOf(anchor);
    let hi = lo;
    let width = anchor.length;
    const budget = this.opts.batchTokens;
    for (;;) {
      const rows = hi - lo + 1;
      const shorter = sorted[lo - 1];
      const longer = sorted[hi + 1];
      // Cost of a neighbour = padding it adds: its own shortfall, or the widening of every row so far.
      const costShort = shorter && (rows + 1) * width <= budget ? width - shorter.length : Infinity;
      const costLong = longer && (rows + 1) * longer.length <= budget ? (longer.length - width) * rows : Infinity;
      if (costShort === Infinity && costLong === Infinity) break;
      if (costShort <= costLong) lo--;
      else {
        hi++;
        width = longer!.length;
      }
    }
    const batch = sorted.slice(lo, hi + 1);
    const taken = new Set(batch);
    this.queue = this.queue.filter((j) => !taken.has(j));
    return batch;
  }
}
