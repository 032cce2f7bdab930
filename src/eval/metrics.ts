/**
 * Best-of-N accuracy metrics, pure. A problem's candidates carry a vote key (null: no answer, or the
 * candidate failed), whether the answer is correct, and a reward (null: unscored).
 *
 *  - random@k    one candidate drawn at random is correct: c / n, whatever k (the baseline every
 *                method must beat; it costs one candidate's tokens).
 *  - pass@k      some of k candidates is correct: the unbiased estimator 1 − C(n−c, k) / C(n, k), the exact
 *                mean over all k-subsets, so it needs no sampling.
 *  - each selection rule of core/selection-rules.ts, by its vote kind, under its report name:
 *    maj@k (majority: the most frequent answer among k is correct), weighted@k (weighted_vote: the answer
 *    whose candidates' rewards sum highest is correct), argmax@k (argmax: the highest-reward candidate is).
 * Ties in the rules are split: a tie among t answers of which c are correct scores c / t,
 * the expected accuracy of breaking the tie at random, so no arbitrary order leaks into the figure.
 * For 1 < k < n, the rules average seeded subsamples (see subsample.ts); at k = n they use
 * the whole set once. At k = 1 every strategy returns the one candidate drawn, so all equal pass@1, exactly.
 */
import { EVAL_RULE_ORDER, selectionRule, type SelectMethod, type VoteKind } from '../core/selection-rules';
import { subsets } from './subsample';

export interface ScoredCandidate {
  key: string | null;
  correct: boolean;
  reward: number | null;
}

/** The two baselines, then every selection rule under its public name. */
export type Strategy = 'random' | 'pass' | SelectMethod;
export const STRATEGIES: readonly Strategy[] = ['random', 'pass', ...EVAL_RULE_ORDER];

const isRule = (s: Strategy): s is SelectMethod => s !== 'random' && s !== 'pass';

/** A strategy's name in report.json's metric keys (`maj@8`): the baselines' own, a rule's reportKey. */
export const metricName = (s: Strategy): string => (isRule(s) ? selectionRule(s).reportKey : s);

/** A strategy ranks by the scorer's rewards: absent without rewards, and charged the scorer's tokens. */
export const usesRewards = (s: Strategy): boolean => isRule(s) && selectionRule(s).usesRewards;

const EPS = 1e-12;
const numeric = (r: number | null): r is number => r !== null && Number.isFinite(r);

/** Probability that k of n candidates, c of them correct, drawn without replacement include a correct one. */
export function passAtK(n: number, c: number, k: number): number {
  if (c <= 0) return 0;
  if (k >= n || n - c < k) return 1;
  let missAll = 1;
  for (let i = n - c + 1; i <= n; i++) missAll *= 1 - k / i;
  return 1 - missAll;
}

/** Mean correctness of the best-scoring items, ties split. */
function bestOf<T>(items: readonly T[], score: (t: T) => number, correct: (t: T) => number): number {
  if (items.length === 0) return 0;
  const top = Math.max(...items.map(score));
  const tied = items.filter((t) => score(t) >= top - EPS);
  return tied.reduce((s, t) => s + correct(t), 0) / tied.length;
}

interface Group {
  count: number;
  weight: number;
  /** Members' answers share a key but were graded one by one; the group counts as correct in proportion. */
  correct: number;
}

function groups(cands: readonly ScoredCandidate[]): Group[] {
  const byKey = new Map<string, Group>();
  for (const c of cands) {
    if (c.key === null) continue;
    const g = byKey.get(c.key) ?? { count: 0, weight: 0, correct: 0 };
    g.count += 1;
    g.weight += numeric(c.reward) ? c.reward : 0;
    g.correct += c.correct ? 1 : 0;
    byKey.set(c.key, g);
  }
  return [...byKey.values()];
}

/** majority on one set: the largest answer group; 0 when no candidate has an answer. */
export function majority(cands: readonly ScoredCandidate[]): number {
  return bestOf(
    groups(cands),
    (g) => g.count,
    (g) => g.correct / g.count,
  );
}

/** weighted_vote on one set: the answer group with the largest reward sum (rewards assumed ≥ 0; null counts 0). */
export function weightedVote(cands: readonly ScoredCandidate[]): number {
  return bestOf(
    groups(cands),
    (g) => g.weight,
    (g) => g.correct / g.count,
  );
}

/** argmax on one set: the highest-reward candidate; unscored candidates compete only when none is scored. */
export function argmaxReward(cands: readonly ScoredCandidate[]): number {
  const scored = cands.filter((c) => numeric(c.reward));
  const pool = scored.length > 0 ? scored : cands;
  return bestOf(
    pool,
    (c) => (numeric(c.reward) ? c.reward : 0),
    (c) => (c.correct ? 1 : 0),
  );
}

/** A rule's value on one set of candidates, by how it votes. */
function onSet(kind: VoteKind, cands: readonly ScoredCandidate[]): number {
  switch (kind) {
    case 'count':
      return majority(cands);
    case 'reward':
      return weightedVote(cands);
    case 'none':
      return argmaxReward(cands);
  }
}

export interface SubsampleOptions {
  draws: number;
  seed: number;
}

/** One problem's value for a strategy at k; a problem with fewer than k candidates uses all it has. */
export function problemValue(
  strategy: Strategy,
  cands: readonly ScoredCandidate[],
  k: number,
  id: string,
  opts: SubsampleOptions,
): number {
  const n = cands.length;
  if (n === 0) return 0;
  if (strategy === 'random') return cands.filter((c) => c.correct).length / n;
  if (strategy === 'pass' || k === 1) return passAtK(n, cands.filter((c) => c.correct).length, Math.min(k, n));
  const { vote } = selectionRule(strategy);
  const sets = subsets(n, k, opts.draws, opts.seed, id);
  return (
    sets.reduce(
      (s, idx) =>
        s +
        onSet(
          vote,
          idx.map((i) => cands[i]!),
        ),
      0,
    ) / sets.length
  );
}

export interface ProblemOutcome {
  id: string;
  /** The answer the endpoint returned was correct; false for a problem that failed. */
  correct: boolean;
  /** All candidates when the endpoint reported them (Best-of-N metadata); absent for a plain endpoint or a failure. */
  candidates?: readonly ScoredCandidate[];
  /** The gateway's own pick was correct (absent without metadata). */
  picked?: boolean;
}

export interface MetricOptions extends SubsampleOptions {
  ns: readonly number[];
}

/**
 * Fractions over every problem that has a result; a failed problem counts as wrong in each metric.
 * `accuracy` is the returned answer. With candidates: pass / maj (always), weighted / argmax (when some
 * reward is numeric) at every N, and bestofn@maxN, the gateway's own pick, at the largest N only.
 */
export function computeMetrics(problems: readonly ProblemOutcome[], opts: MetricOptions): Record<string, number> {
  const values = metricValues(problems, opts);
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.reduce((s, x) => s + x, 0) / v.length]));
}

/** Every metric's value on each problem, in problem order: the means are the metrics, the spread their intervals. */
export function metricValues(problems: readonly ProblemOutcome[], opts: MetricOptions): Record<string, number[]> {
  if (problems.length === 0) return {};
  const each = (f: (p: ProblemOutcome) => number) => problems.map(f);
  const out: Record<string, number[]> = { accuracy: each((p) => (p.correct ? 1 : 0)) };
  const withCands = problems.filter((p) => p.candidates !== undefined);
  if (withCands.length === 0) return out;
  const rewarded = withCands.some((p) => p.candidates!.some((c) => numeric(c.reward)));
  for (const strategy of STRATEGIES) {
    if (usesRewards(strategy) && !rewarded) continue;
    for (const k of opts.ns)
      out[`${metricName(strategy)}@${k}`] = each((p) =>
        p.candidates ? problemValue(strategy, p.candidates, k, p.id, opts) : 0,
      );
  }
  const maxN = Math.max(...opts.ns);
  out[`bestofn@${maxN}`] = each((p) => (p.picked ? 1 : 0));
  return out;
}
