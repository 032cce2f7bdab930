/**
 * Self-consistency without a model: a candidate is worth the share of candidates that reached its answer
 * (its cluster of equivalent answers, src/core/clusters.ts).
 * Pure JS, no Node imports, so it also runs in a Worker and serves as the fallback when a PRM is down.
 */
import { voteShares, type GroupKey } from '../core/rank';
import type { Scorer, ScoreRequest, ScoreResult } from './types';

export interface VoteScorerOptions {
  /** Exact grouping key; by default answerKey, then equivalent keys merge. A custom key groups exactly. */
  groupKey?: GroupKey;
}

export function createVoteScorer(opts: VoteScorerOptions = {}): Scorer {
  return {
    name: 'vote',
    async score(request: ScoreRequest): Promise<ScoreResult> {
      request.signal?.throwIfAborted();
      const shares = voteShares(
        request.candidates.map((c) => c.answer),
        opts.groupKey,
      );
      return {
        rewards: shares.map((share) => ({ thinking: null, response: [share] })),
        scorer: 'vote',
        info: { answered: request.candidates.filter((c) => c.answer !== null).length },
      };
    },
    health: () => ({ ready: true }),
  };
}
