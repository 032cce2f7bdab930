/** The body of a /v1/rewards answer, from the scorer's raw step rewards. */
import { aggregate, candidateReward, type Combine, type RewardRecipe } from '../core/aggregate';
import type { Aggregate, CandidateParts } from '../core/types';
import type { ScoreResult } from '../scorer/types';

export interface PartReward {
  step_rewards: number[];
  /** The step rewards aggregated by the request's `aggregate`; null when the part has no steps. */
  reward: number | null;
}

export interface RewardDatum {
  index: number;
  /** null when the candidate did not think aloud, or the scorer does not read thinking (vote). */
  thinking: PartReward | null;
  /** null when the candidate has no response (cut off while thinking). */
  response: PartReward | null;
  /** thinking_weight·thinking.reward + (1−thinking_weight)·response.reward; the part present alone when one is missing. */
  reward: number | null;
  answer: string | null;
  windowed: boolean;
}

export interface RewardsResponse {
  object: 'list';
  model: string | null;
  scorer: string;
  aggregate: Aggregate;
  thinking_weight: number;
  /** weighted, or reasonflux (then `alpha` is given and `reward` = mean(thinking) + α·agg(response)). */
  combine: Combine;
  alpha?: number;
  data: RewardDatum[];
  usage: { tokens_scored: number; sequences: number; cache_hits: number };
  fallback?: { from: string; reason: string };
}

const count = (info: Record<string, unknown> | undefined, key: string): number => {
  const v = info?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
};

export function buildRewardsResponse(
  request: { model: string | undefined; candidates: readonly CandidateParts[]; recipe: RewardRecipe },
  result: ScoreResult,
): RewardsResponse {
  const { recipe } = request;
  const combine = recipe.combine;
  // Each part's own reward is its steps under the request's aggregate, as before the recipe combines them.
  const part = (steps: number[] | null): PartReward | null =>
    steps ? { step_rewards: steps, reward: aggregate(steps, recipe.response) } : null;
  const body: RewardsResponse = {
    object: 'list',
    model: request.model ?? null,
    scorer: result.scorer,
    aggregate: recipe.response,
    thinking_weight: recipe.thinkingWeight,
    combine,
    ...(combine === 'reasonflux' ? { alpha: recipe.alpha } : {}),
    data: request.candidates.map((c, index) => {
      const r = result.rewards[index]!;
      return {
        index,
        thinking: part(r.thinking),
        response: part(r.response),
        reward: candidateReward(r, recipe),
        answer: c.answer,
        windowed: r.windowed === true,
      };
    }),
    // Scorers without a model (vote) report none of these: zero is the truth for them.
    usage: {
      tokens_scored: count(result.info, 'tokens'),
      sequences: count(result.info, 'sequences_scored'),
      cache_hits: count(result.info, 'cache_hits'),
    },
  };
  if (result.fallback) body.fallback = result.fallback;
  return body;
}
