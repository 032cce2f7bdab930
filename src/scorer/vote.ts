/**
 * Self-consistency without a model: a candidate is worth the share of candidates that reached its answer.
 * Pure JS, no Node imports, so it also runs in a Worker and serves as the fallback when a PRM is down.
 */
import { voteShares, type GroupKey } from '../core/select';
import type { Scorer, ScoreRequest, ScoreResult } from './types';

export interface VoteScorerOptions {
  /** How answers are grouped; defaults to answerKey (math-equivalence key: `0.5`, `\\frac12` and `1/2` are one answer). */
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
