/**
 * DeepConf's confidence measures (Fu et al., "Deep Think with Confidence", arXiv 2508.15260, §3), from the
 * top-k logprobs the upstream returns with each generated token. Formulas and the paper's defaults are in
 * docs/confidence.md. Higher is surer throughout: a token whose top-k alternatives all have low log
 * probability is one the model was sure of (the chosen token took the mass).
 */

/** C_i = −(1/k) Σ_{j≤k} log P_i(j): the negative mean of one token's top-k logprobs. */
export function tokenConfidence(topLogprobs: readonly number[]): number {
  if (topLogprobs.length === 0) return 0;
  let sum = 0;
  for (const lp of topLogprobs) sum += Number.isFinite(lp) ? lp : -9999; // vLLM writes -inf for a zero probability
  return -sum / topLogprobs.length;
}

/**
 * C_G for every window of `window` consecutive tokens, sliding one token at a time (the paper's G_i holds the
 * n tokens up to i). A trace shorter than a window has one group: all of it.
 */
export function groupConfidences(tokens: readonly number[], window: number): number[] {
  if (tokens.length === 0) return [];
  const n = Math.max(1, Math.min(window, tokens.length));
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < tokens.length; i++) {
    sum += tokens[i]!;
    if (i >= n) sum -= tokens[i - n]!;
    if (i >= n - 1) out.push(sum / n);
  }
  return out;
}

export type ConfidenceMeasure = 'mean' | 'lowest_group' | 'bottom_10' | 'tail';
export const CONFIDENCE_MEASURES: readonly ConfidenceMeasure[] = ['mean', 'lowest_group', 'bottom_10', 'tail'];

export interface TraceConfidence {
  /** C_avg: the mean token confidence of the whole trace. */
  mean: number;
  /** C_least: the lowest group confidence. */
  lowest_group: number;
  /** C_bottom-10%: the mean of the lowest 10% of group confidences (at least one group). */
  bottom_10: number;
  /** C_tail: the mean token confidence of the last `tail` tokens. */
  tail: number;
  tokens: number;
}

export interface ConfidenceWindows {
  /** Group window in tokens (paper: 2048). */
  window: number;
  /** Tail length in tokens (paper: 2048). */
  tail: number;
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Every measure of one trace, from its per-token top-k logprobs; null for a trace with no tokens. */
export function traceConfidence(
  topLogprobs: readonly (readonly number[])[],
  w: ConfidenceWindows,
): TraceConfidence | null {
  if (topLogprobs.length === 0) return null;
  const tokens = topLogprobs.map(tokenConfidence);
  const groups = groupConfidences(tokens, w.window);
  const sorted = [...groups].sort((a, b) => a - b);
  const bottom = sorted.slice(0, Math.max(1, Math.floor(sorted.length * 0.1)));
  return {
    mean: mean(tokens),
    lowest_group: sorted[0]!,
    bottom_10: mean(bottom),
    tail: mean(tokens.slice(-Math.max(1, w.tail))),
    tokens: tokens.length,
  };
}

/**
 * Which traces survive the paper's top-η% filter: the ceil(η% · n) most confident (ties to the lower index).
 * η = 100 keeps all; the paper's DeepConf-low keeps 10%, DeepConf-high 90%. Null confidences never survive
 * while a number does.
 */
export function topEtaFilter(confidences: readonly (number | null)[], etaPercent: number): boolean[] {
  const known = confidences.map((c, i) => ({ c, i })).filter((x): x is { c: number; i: number } => x.c !== null);
  const keep = Math.max(1, Math.ceil((Math.min(100, Math.max(0, etaPercent)) / 100) * known.length));
  const kept = new Set(
    known
      .sort((a, b) => b.c - a.c || a.i - b.i)
      .slice(0, keep)
      .map((x) => x.i),
  );
  return confidences.map((_, i) => kept.has(i));
}

/**
 * The online stop threshold s from the warm-up traces' lowest group confidences: the (100 − η)th
 * percentile, so that about η% of warm-up-like traces would have run to the end (paper, Algorithm 2).
 * Linear interpolation between order statistics.
 */
export function stopThreshold(warmupLowest: readonly number[], etaPercent: number): number | null {
  if (warmupLowest.length === 0) return null;
  const sorted = [...warmupLowest].sort((a, b) => a - b);
  const q = (1 - Math.min(100, Math.max(0, etaPercent)) / 100) * (sorted.length - 1);
  const lo = Math.floor(q);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (q - lo);
}

/**
 * Running group confidence of a trace being generated: push token confidences as they stream and read
 * the confidence of the last full window (null until the first window fills).
 */
export class SlidingGroup {
  private readonly ring: number[];
  private sum = 0;
  private seen = 0;
  lowest: number | null = null;

  constructor(private readonly window: number) {
    this.ring = new Array<number>(window).fill(0);
  }

  push(confidence: number): number | null {
    const slot = this.seen % this.window;
    this.sum += confidence - this.ring[slot]!;
    this.ring[slot] = confidence;
    this.seen++;
    if (this.seen < this.window) return null;
    const g = this.sum / this.window;
    this.lowest = this.lowest === null ? g : Math.min(this.lowest, g);
    return g;
  }

  get tokens(): number {
    return this.seen;
  }

  /** The lowest group confidence, or for a trace shorter than one window the mean of all of it (its one group). */
  get least(): number | null {
    if (this.lowest !== null) return this.lowest;
    return this.seen === 0 ? null : this.sum / this.seen;
  }
}
