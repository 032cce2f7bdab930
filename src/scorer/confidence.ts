/**
 * SCORER=confidence: DeepConf's offline mode (arXiv 2508.15260). A candidate's reward is its trace
 * confidence from the upstream's token logprobs, so `select=weighted_vote` is the paper's
 * confidence-weighted majority over answer clusters and `argmax` picks the surest trace. With η < 100,
 * only the top η% most confident traces vote (the others get reward 0 and stay listed).
 *
 * Without logprobs from the upstream there is nothing to measure: it falls back to `vote` and says so.
 */
import { traceConfidence, topEtaFilter, type ConfidenceMeasure, type TraceConfidence } from '../core/confidence';
import type { Scorer, ScoreRequest, ScoreResult } from './types';
import { badLogprob } from './reward-range';
import { createVoteScorer } from './vote';

export interface ConfidenceScorerOptions {
  measure: ConfidenceMeasure;
  /** Group window and tail length, in tokens. */
  window: number;
  /** Keep the top η% most confident traces (100: all). */
  eta: number;
}

export const NO_LOGPROBS = 'the upstream returned no logprobs';

export function createConfidenceScorer(opts: ConfidenceScorerOptions): Scorer {
  const vote = createVoteScorer();
  return {
    name: 'confidence',
    async score(request: ScoreRequest): Promise<ScoreResult> {
      request.signal?.throwIfAborted();
      const traces = request.candidates.map((c) =>
        c.topLogprobs ? traceConfidence(c.topLogprobs, { window: opts.window, tail: opts.window }) : null,
      );
      if (traces.every((t) => t === null)) {
        return { ...(await vote.score(request)), fallback: { from: 'confidence', reason: NO_LOGPROBS } };
      }
      const confidences = traces.map((t) => (t === null ? null : t[opts.measure]));
      // A logprob above 0 or past the float range is no measurement: ranked by vote instead, and said so.
      const bad = request.candidates.map((c) => (c.topLogprobs ? badLogprob(c.topLogprobs) : undefined));
      const broken = bad.findIndex((v) => v !== undefined);
      const overflow = confidences.findIndex((c) => c !== null && !Number.isFinite(c));
      if (broken !== -1 || overflow !== -1) {
        const reason =
          broken !== -1
            ? `the upstream returned a logprob out of range (${bad[broken]}) for candidate ${broken}`
            : `candidate ${overflow}'s confidence is not a finite number`;
        return { ...(await vote.score(request)), fallback: { from: 'confidence', reason } };
      }
      const kept = topEtaFilter(confidences, opts.eta);
      return {
        rewards: confidences.map((c, i) => ({ thinking: null, response: c === null ? null : [kept[i] ? c : 0] })),
        scorer: 'confidence',
        confidences,
        info: {
          measure: opts.measure,
          window: opts.window,
          eta: opts.eta,
          filtered: kept.filter((k, i) => !k && confidences[i] !== null).length,
          without_logprobs: traces.filter((t) => t === null).length,
          traces: traces.map((t) => (t === null ? null : roundAll(t))),
        },
      };
    },
    health: () => ({ ready: true, measure: opts.measure, window: opts.window, eta: opts.eta }),
  };
}

const roundAll = (t: TraceConfidence) =>
  Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v * 1e6) / 1e6]));
