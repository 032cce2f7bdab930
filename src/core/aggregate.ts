/**
 * Step rewards → one candidate reward.
 *
 * "Nothing scored" is `null`, never NaN or -Infinity: NaN poisons comparisons and neither survives
 * JSON.stringify. Selection ranks a null reward below every number.
 */
import type { Aggregate, StepRewards } from './types';

/** Aggregate one part's step rewards; null when there are none. */
export function aggregate(rewards: readonly number[], how: Aggregate): number | null {
  if (rewards.length === 0) return null;
  switch (how) {
    case 'last':
      return rewards[rewards.length - 1]!;
    case 'min':
      return rewards.reduce((a, b) => Math.min(a, b)); // no spread: a long trace would overflow the call stack
    case 'mean':
      return rewards.reduce((a, b) => a + b, 0) / rewards.length;
    case 'prod':
      return rewards.reduce((a, b) => a * b, 1);
  }
}

/**
 * How the two parts make one candidate reward, as named combinations:
 *  - `weighted`: `w·agg(thinking) + (1−w)·agg(response)`, bestofn's own (combineRewards below);
 *  - `reasonflux`: ReasonFlux-PRM's Best-of-N score (arXiv 2506.18896), `aggT(thinking) + α·r_final`, with
 *    aggT the mean as in the paper. The released code does not show how to read a trajectory-level score,
 *    so r_final is approximated by the response steps' aggregate (docs/remote-scorer.md says so).
 */
export const COMBINES = ['weighted', 'reasonflux'] as const;
export type Combine = (typeof COMBINES)[number];

export interface RewardRecipe {
  combine: Combine;
  /** Aggregate of the thinking steps; ReasonFlux's is the mean. */
  thinking: Aggregate;
  /** Aggregate of the response steps (r_final for reasonflux). */
  response: Aggregate;
  /** weighted: w. */
  thinkingWeight: number;
  /** reasonflux: α. */
  alpha: number;
}

/**
 * The paper studies α from 0.1 to 1.5. The value it settles on could not be read here; 1.0 weighs the
 * trajectory mean and the final answer equally and sits inside the studied range (docs say so).
 */
export const DEFAULT_ALPHA = 1;

/** The recipe for a request: the request's or model's aggregate for the response, ReasonFlux's mean for its thinking. */
export function recipeFor(
  combine: Combine,
  aggregate: Aggregate,
  opts: { thinkingWeight: number; alpha: number },
): RewardRecipe {
  return { combine, thinking: combine === 'reasonflux' ? 'mean' : aggregate, response: aggregate, ...opts };
}

/**
 * One candidate reward under a recipe. A part that is missing counts as absent, not as zero: reasonflux
 * without thinking is α·r_final, without a response the thinking mean alone. Both missing → null.
 */
export function candidateReward(r: StepRewards, recipe: RewardRecipe): number | null {
  const w = recipe.thinkingWeight;
  if (recipe.combine === 'weighted' && !(w >= 0 && w <= 1))
    throw new RangeError(`thinkingWeight must be in [0, 1], got ${w}`);
  const thinking = r.thinking ? aggregate(r.thinking, recipe.thinking) : null;
  const response = r.response ? aggregate(r.response, recipe.response) : null;
  if (recipe.combine === 'weighted') {
    if (thinking === null) return response;
    if (response === null) return thinking;
    return w * thinking + (1 - w) * response;
  }
  if (!(recipe.alpha >= 0)) throw new RangeError(`alpha must be ≥ 0, got ${recipe.alpha}`);
  if (thinking === null && response === null) return null;
  return (thinking ?? 0) + recipe.alpha * (response ?? 0);
}

/**
 * `w·agg(thinking) + (1−w)·agg(response)`. When one part is missing (null or no steps: a model that did
 * not think aloud, a scorer that reads only the response) the candidate is scored on the other alone, so
 * it is not penalised for a part nobody measured. Both missing → null.
 */
export function combineRewards(r: StepRewards, how: Aggregate, thinkingWeight: number): number | null {
  return candidateReward(r, recipeFor('weighted', how, { thinkingWeight, alpha: DEFAULT_ALPHA }));
}
