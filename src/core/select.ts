/**
 * Ranking candidates, best first. Every method is deterministic: equal rewards fall back to the lower
 * index, so the same inputs always give the same winner.
 */
import { answerKey } from './math/answer-key';
import type { RankedInput, SelectMethod } from './types';

/** A candidate for ranking; a null reward means nothing was scored and ranks below every number. */
export type Rankable = RankedInput;

/** Maps an answer to the key answers are grouped by; swap in math equivalence here. */
export type GroupKey = (answer: string) => string;

export interface RankOptions {
  groupKey?: GroupKey;
}

/** The reward as ranking sees it: NaN from a broken scorer counts as unscored rather than poisoning the sort. */
const scored = (r: number | null): number | null => (r === null || Number.isNaN(r) ? null : r);

/** Descending by reward with unscored last, then ascending by index. */
function byReward(a: Rankable, b: Rankable): number {
  const ra = scored(a.reward);
  const rb = scored(b.reward);
  if (ra !== rb) {
    if (ra === null) return 1;
    if (rb === null) return -1;
    return rb - ra;
  }
  return a.index - b.index;
}

interface Group<T> {
  members: T[];
  score: number;
  best: T;
  firstIndex: number;
}

function groupsOf<T extends Rankable>(items: readonly T[], key: GroupKey, weighted: boolean): Map<string, Group<T>> {
  const groups = new Map<string, Group<T>>();
  for (const item of items) {
    if (item.answer === null) continue;
    const k = key(item.answer);
    const g = groups.get(k) ?? { members: [], score: 0, best: item, firstIndex: item.index };
    g.members.push(item);
    g.score += weighted ? (scored(item.reward) ?? 0) : 1;
    if (byReward(item, g.best) < 0) g.best = item;
    g.firstIndex = Math.min(g.firstIndex, item.index);
    groups.set(k, g);
  }
  return groups;
}

/** Higher score, then the better best member, then the earlier first member. */
function byGroup<T extends Rankable>(a: Group<T>, b: Group<T>): number {
  if (a.score !== b.score) return b.score - a.score;
  const best = byReward(a.best, b.best);
  return best !== 0 ? best : a.firstIndex - b.firstIndex;
}

/**
 * All candidates, best first.
 *  - argmax: reward.
 *  - majority: answers are grouped by `groupKey` (default answerKey, the math-equivalence key); the largest group wins,
 *    ties going to the group with the best single reward, then to the earliest candidate.
 *  - weighted_vote: the same, but a group scores the sum of its members' rewards (null counts 0), so it
 *    assumes rewards are non-negative, as probabilities are.
 * In both votes the whole winning group comes first, its best reward leading; the others follow by their
 * group's score, then reward. A null answer joins no group: those candidates come last, by reward. With no
 * answers at all a vote is an argmax.
 */
export function rankCandidates<T extends Rankable>(items: readonly T[], method: SelectMethod, opts: RankOptions = {}): T[] {
  // One candidate is its own ranking; grouping it would only pay for its answer key (a pass-through's cost).
  if (method === 'argmax' || items.length < 2) return [...items].sort(byReward);
  const key = opts.groupKey ?? answerKey;
  const groups = groupsOf(items, key, method === 'weighted_vote');
  const winner = [...groups.values()].sort(byGroup)[0];
  const groupOf = new Map<T, Group<T>>();
  for (const g of groups.values()) for (const m of g.members) groupOf.set(m, g);

  const rank = (item: T): number => (item.answer === null ? 2 : groupOf.get(item) === winner ? 0 : 1);
  return [...items].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    if (ra !== rb) return ra - rb;
    if (ra === 1) {
      const sa = groupOf.get(a)!.score;
      const sb = groupOf.get(b)!.score;
      if (sa !== sb) return sb - sa;
    }
    return byReward(a, b);
  });
}

/**
 * For each candidate, the share of all candidates (null-answer ones included in the denominator) whose
 * answer has the same key as its own; 0 for a candidate with no answer.
 */
export function voteShares(answers: readonly (string | null)[], groupKey: GroupKey = answerKey): number[] {
  if (answers.length === 1) return [answers[0] === null ? 0 : 1];
  const keys = answers.map((a) => (a === null ? null : groupKey(a)));
  const counts = new Map<string, number>();
  for (const k of keys) if (k !== null) counts.set(k, (counts.get(k) ?? 0) + 1);
  return keys.map((k) => (k === null ? 0 : counts.get(k)! / answers.length));
}
