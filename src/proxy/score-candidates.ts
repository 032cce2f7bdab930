import { candidateReward, type RewardRecipe } from '../core/aggregate';
import type { CandidateParts } from '../core/types';
import { GatewayError } from '../errors';
import type { Scorer, ScoreResult } from '../scorer/types';

export interface ScoreCandidatesInput {
  problem: string;
  candidates: CandidateParts[];
  model?: string;
  signal: AbortSignal;
}

/**
 * Scores candidates in one scorer call and combines each one's step rewards into its reward. The plain
 * path ranks by it; the live path's checkpoints and wave stops compare by it, so both judge alike.
 */
export async function scoreCandidates(
  scorer: Scorer,
  recipe: RewardRecipe,
  input: ScoreCandidatesInput,
): Promise<{ score: ScoreResult; rewards: (number | null)[] }> {
  const score = await scorer.score(input);
  if (score.rewards.length !== input.candidates.length)
    throw new GatewayError(
      500,
      `scorer ${score.scorer} returned ${score.rewards.length} rewards for ${input.candidates.length} candidates`,
    );
  return { score, rewards: score.rewards.map((r) => candidateReward(r, recipe)) };
}
