/**
 * Ranking candidates, best first. Votes count clusters of equivalent answers (src/core/clusters.ts), and
 * every tie is broken by evidence before chance: summed reward, then summed confidence when the scorer
 * gave one, then the best single reward, then how near the other candidates' answers came to each group's
 * (src/core/answer-similarity.ts), then a seeded draw, so the same inputs and seed always give the
 * same winner, and no group wins for coming first.
 */
import { answerSimilarity } from './answer-similarity';
import { clusterAnswers, type ClusterOptions, type Clusters, type GroupKey } from './clusters';
import { seededRandom } from './random';
import { selectionRule, type SelectMethod, type VoteKind } from './selection-rules';
import type { RankedInput } from './types';

export type { GroupKey } from './clusters';

/** A candidate for ranking; a null reward means nothing was scored and ranks below every number. */
export type Rankable = RankedInput & {
  /** Trace confidence (higher is surer), when the upstream gave logprobs; breaks ties between groups. */
  confidence?: number | null;
};

export interface RankOptions extends Omit<ClusterOptions, 'groupKey'> {
  groupKey?: GroupKey;
  /** Seed of the last-resort draw between groups tied on every count (default 0). */
  seed?: number;
}

/** What decided between vote groups tied on their count, in the order they are tried. */
export const TIE_BREAKS = ['reward', 'confidence', 'best_reward', 'similarity', 'draw'] as const;
export type TieBreak = (typeof TIE_BREAKS)[number];

/** What a vote did, for the metadata. */
export interface VoteReport {
  /** Cluster id per candidate index (the `index` field), null without an answer. */
  groups: Record<number, number | null>;
  clusters: number;
  merged: number;
  timed_out?: true;
  /** Present when the top groups tied on their vote: how many tied and what decided. */
  tie?: { groups: number; broken_by: TieBreak };
}

/** The reward as ranking sees it: NaN from a broken scorer counts as unscored rather than poisoning the sort. */
const scored = (r: number | null | undefined): number | null => (r == null || Number.isNaN(r) ? null : r);

/** Descending by reward with unscored last; 0 between equal rewards. */
function byRewardOnly(a: Rankable, b: Rankable): number {
  const ra = scored(a.reward);
  const rb = scored(b.reward);
  if (ra === rb) return 0;
  if (ra === null) return 1;
  if (rb === null) return -1;
  return rb - ra;
}

/** Descending by reward with unscored last, then ascending by index. */
function byReward(a: Rankable, b: Rankable): number {
  return byRewardOnly(a, b) || a.index - b.index;
}

interface Group<T> {
  id: number;
  members: T[];
  score: number;
  rewardSum: number;
  confidenceSum: number | null;
  best: T;
  draw: number;
  /** Summed similarity of the other candidates' answers to this group's (computed when a tie needs it). */
  support?: number;
}

/** Past this many answered candidates the similarity tie-break is skipped: it costs a comparison per pair. */
const MAX_SIMILARITY_CANDIDATES = 32;

/** What one member adds to its group's vote. */
function voteWeight(kind: Exclude<VoteKind, 'none'>, reward: number): number {
  switch (kind) {
    case 'count':
      return 1;
    case 'reward':
      return reward;
  }
}

/** A uniform draw in [0, 1) from (seed, group id): the seeded generator's first value, so a seed replays the same draw. */
function draw(seed: number, id: number): number {
  return seededRandom(Math.imul(seed | 0, 0x9e3779b1) + Math.imul(id + 1, 0x85ebca6b))();
}

function groupsOf<T extends Rankable>(
  items: readonly T[],
  clusters: Clusters,
  kind: Exclude<VoteKind, 'none'>,
  seed: number,
): Map<number, Group<T>> {
  const groups = new Map<number, Group<T>>();
  items.forEach((item, pos) => {
    const id = clusters.clusterOf[pos];
    if (id == null) return;
    const g = groups.get(id) ?? {
      id,
      members: [],
      score: 0,
      rewardSum: 0,
      confidenceSum: null,
      best: item,
      draw: draw(seed, id),
    };
    const reward = scored(item.reward) ?? 0;
    g.members.push(item);
    g.score += voteWeight(kind, reward);
    g.rewardSum += reward;
    const c = scored(item.confidence);
    if (c !== null) g.confidenceSum = (g.confidenceSum ?? 0) + c;
    if (byReward(item, g.best) < 0) g.best = item;
    groups.set(id, g);
  });
  return groups;
}

/** The other candidates' nearness to a group's answer: their summed similarity to it. */
function supportOf<T extends Rankable>(g: Group<T>, answered: readonly T[]): number {
  if (g.support !== undefined) return g.support;
  const own = g.members[0]!.answer!;
  const members = new Set(g.members);
  g.support = answered.reduce((s, c) => (members.has(c) ? s : s + answerSimilarity(own, c.answer!)), 0);
  return g.support;
}

/** The first criterion on which two groups differ, and its sign (negative: a first). */
function compareGroups<T extends Rankable>(
  a: Group<T>,
  b: Group<T>,
  answered: readonly T[] | null,
): [number, TieBreak | null] {
  if (a.score !== b.score) return [b.score - a.score, null];
  if (a.rewardSum !== b.rewardSum) return [b.rewardSum - a.rewardSum, 'reward'];
  if (a.confidenceSum !== b.confidenceSum && a.confidenceSum !== null && b.confidenceSum !== null) {
    return [b.confidenceSum - a.confidenceSum, 'confidence'];
  }
  const best = scored(a.best.reward) !== scored(b.best.reward) ? byReward(a.best, b.best) : 0;
  if (best !== 0) return [best, 'best_reward'];
  if (answered) {
    const near = supportOf(b, answered) - supportOf(a, answered);
    if (near !== 0) return [near, 'similarity'];
  }
  return [a.draw - b.draw || a.id - b.id, 'draw'];
}

/**
 * All candidates, best first, and what the vote did, by the rule's vote kind (core/selection-rules.ts).
 *  - argmax: reward.
 *  - majority: the largest cluster of equivalent answers wins.
 *  - weighted_vote: the cluster with the largest sum of rewards (null counts 0; rewards are assumed
 *    non-negative, as probabilities are).
 * In both votes the whole winning group comes first, its best reward leading; the others follow by their
 * group's order, then reward. A null answer joins no group: those candidates come last, by reward. With no
 * answers at all a vote is an argmax.
 */
export function rankWithVotes<T extends Rankable>(
  items: readonly T[],
  method: SelectMethod,
  opts: RankOptions = {},
): { ranked: T[]; vote: VoteReport | null } {
  const { vote: kind } = selectionRule(method);
  // One candidate is its own ranking; grouping it would only pay for its answer key (a pass-through's cost).
  if (kind === 'none' || items.length < 2) return { ranked: [...items].sort(byReward), vote: null };
  const clusters = clusterAnswers(
    items.map((c) => c.answer),
    opts,
  );
  const groups = [...groupsOf(items, clusters, kind, opts.seed ?? 0).values()];
  const answered = items.filter((c) => c.answer != null && c.answer.trim() !== '');
  const near = answered.length <= MAX_SIMILARITY_CANDIDATES ? answered : null;
  groups.sort((a, b) => compareGroups(a, b, near)[0]);
  const order = new Map(groups.map((g, k) => [g.id, k]));

  const vote: VoteReport = { groups: {}, clusters: clusters.count, merged: clusters.merged };
  items.forEach((c, pos) => (vote.groups[c.index] = clusters.clusterOf[pos] ?? null));
  if (clusters.timedOut) vote.timed_out = true;
  if (groups.length > 1 && groups[0]!.score === groups[1]!.score) {
    const tied = groups.filter((g) => g.score === groups[0]!.score).length;
    vote.tie = { groups: tied, broken_by: compareGroups(groups[0]!, groups[1]!, near)[1]! };
  }

  const rankOf = (pos: number): number => {
    const id = clusters.clusterOf[pos];
    return id == null ? groups.length : order.get(id)!;
  };
  const positions = new Map(items.map((c, pos) => [c, pos]));
  // Within a group, between equal rewards, the answer spelled as most members spelled it comes first: the
  // group's value in its usual form (`{'a': 1}` over `{"a": 1}` when most wrote the former).
  const spelled = new Map<string, number>();
  for (const c of items) if (c.answer != null) spelled.set(c.answer.trim(), (spelled.get(c.answer.trim()) ?? 0) + 1);
  const spelling = (c: T) => (c.answer == null ? 0 : spelled.get(c.answer.trim())!);
  const ranked = [...items].sort(
    (a, b) =>
      rankOf(positions.get(a)!) - rankOf(positions.get(b)!) ||
      byRewardOnly(a, b) ||
      spelling(b) - spelling(a) ||
      a.index - b.index,
  );
  return { ranked, vote };
}

export function rankCandidates<T extends Rankable>(
  items: readonly T[],
  method: SelectMethod,
  opts: RankOptions = {},
): T[] {
  return rankWithVotes(items, method, opts).ranked;
}

/**
 * For each candidate, the share of all candidates (null-answer ones included in the denominator) whose
 * answer is in its cluster; 0 for a candidate with no answer.
 */
export function voteShares(
  answers: readonly (string | null)[],
  groupKey?: GroupKey,
  opts: ClusterOptions = {},
): number[] {
  const only = answers[0];
  if (answers.length === 1) return [only == null || only.trim() === '' ? 0 : 1];
  const { clusterOf } = clusterAnswers(answers, { ...opts, ...(groupKey ? { groupKey } : {}) });
  const counts = new Map<number, number>();
  for (const c of clusterOf) if (c !== null) counts.set(c, (counts.get(c) ?? 0) + 1);
  return clusterOf.map((c) => (c === null ? 0 : counts.get(c)! / answers.length));
}
