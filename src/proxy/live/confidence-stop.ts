/**
 * DeepConf's online mode (arXiv 2508.15260, Algorithm 2) on the live path: the first wave runs to the
 * end as the warm-up; its traces' lowest group confidences set the stop threshold s (the (100 − η)th
 * percentile); every later trace is cancelled as soon as the confidence of its last window of tokens
 * falls below s. Early rejection without a PRM: it needs only the upstream's streamed logprobs.
 */
import { SlidingGroup, stopThreshold, tokenConfidence } from '../../core/confidence';
import { appendTopLogprobs } from '../../core/logprobs';
import type { ConfidenceStopInfo } from '../../core/bestofn-metadata';
import type { LiveCandidate } from './candidate-stream';

export class ConfidenceStop {
  private readonly groups = new Map<number, SlidingGroup>();
  private readonly tops = new Map<number, number[][]>();
  private threshold: number | null = null;
  private warmup = 0;
  private stopped = 0;
  private note: string | undefined;

  constructor(
    private readonly window: number,
    private readonly eta: number,
  ) {}

  /** One stream chunk's `choices[0].logprobs` for candidate `c`; may cancel it. */
  observe(c: LiveCandidate, raw: unknown): void {
    const tops = this.tops.get(c.index) ?? [];
    const before = tops.length;
    appendTopLogprobs(tops, raw);
    if (tops.length === before) return;
    this.tops.set(c.index, tops);
    let group = this.groups.get(c.index);
    if (!group) this.groups.set(c.index, (group = new SlidingGroup(this.window)));
    for (let t = before; t < tops.length; t++) {
      const g = group.push(tokenConfidence(tops[t]!));
      if (this.threshold !== null && g !== null && g < this.threshold && !c.stopped) {
        this.stopped++;
        c.cancel(`low-confidence@${group.tokens}`);
      }
    }
  }

  /** After the warm-up wave: the threshold from the finished warm-up traces. Once only. */
  warmedUp(finished: readonly LiveCandidate[]): void {
    if (this.warmup > 0 || this.note) return;
    const least = finished.map((c) => this.groups.get(c.index)?.least ?? null).filter((x): x is number => x !== null);
    this.warmup = least.length;
    this.threshold = stopThreshold(least, this.eta);
    if (this.threshold === null) this.note = 'no warm-up trace carried logprobs';
  }

  /** A candidate started again (on the fallback upstream) is judged on its own tokens, not the failed stream's. */
  forget(index: number): void {
    this.groups.delete(index);
    this.tops.delete(index);
  }

  /** The top logprobs streamed for a candidate, for the final confidence scoring. */
  logprobsOf(index: number): number[][] | undefined {
    return this.tops.get(index);
  }

  info(): ConfidenceStopInfo {
    return {
      threshold: this.threshold === null ? null : Math.round(this.threshold * 1e6) / 1e6,
      warmup: this.warmup,
      stopped: this.stopped,
      ...(this.note ? { note: this.note } : {}),
    };
  }
}
