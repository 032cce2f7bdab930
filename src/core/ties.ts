/**
 * Candidates tied for the best reward. Ranking breaks a tie by the lower index so the same inputs always
 * give the same winner; this says when that rule, not the reward, decided.
 */
import type { RankedInput } from './types';

/** Indices of every candidate sharing the top numeric reward, when there are two or more; else []. */
export function topTies(items: readonly Pick<RankedInput, 'index' | 'reward'>[]): number[] {
  let best = -Infinity;
  let tied: number[] = [];
  for (const { index, reward } of items) {
    if (reward === null || Number.isNaN(reward)) continue;
    if (reward > best) ((best = reward), (tied = [index]));
    else if (reward === best) tied.push(index);
  }
  return tied.length > 1 ? tied : [];
}
