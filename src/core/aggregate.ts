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
 * `w·agg(thinking) + (1−w)·agg(response)`. When one part is missing (null or no steps: a model that did
 * not think aloud, a scorer that reads only the response) the candidate is scored on the other alone, so
 * it is not penalised for a part nobody measured. Both missing → null.
 */
export function combineRewards(r: StepRewards, how: Aggregate, thinkingWeight: number): number | null {
  if (!(thinkingWeight >= 0 && thinkingWeight <= 1)) throw new RangeError(`thinkingWeight must be in [0, 1], got ${thinkingWeight}`);
  const thinking = r.thinking ? aggregate(r.thinking, how) : null;
  const response = r.response ? aggregate(r.response, how) : null;
  if (thinking === null) return response;
  if (response === null) return thinking;
  return thinkingWeight * thinking + (1 - thinkingWeight) * response;
}
