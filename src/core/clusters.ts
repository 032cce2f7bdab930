/**
 * Answer clusters for votes: answers are grouped first by their key (cheap, exact), then keys that are
 * the same answer written two ways (`\left( 70 \right)` and `70`, `2\sqrt5` and `\sqrt{20}`, a reordered
 * list) are merged with `mathEqual` in strict mode. A key joins a cluster only when it equals every key
 * already in it (complete linkage): equivalence by chaining, a ≈ b ≈ c, would let near misses walk two
 * different answers into one group, and a false merge hands a majority to the wrong answer.
 *
 * Bounded in time: past the budget the remaining keys stay their own clusters and `timedOut` says so.
 */
import { bareStringKey, literalKey } from './literal';
import { answerKey } from './math/answer-key';
import { mathEqual } from './math/math-equal';

export type GroupKey = (answer: string) => string;

/** The default key: a Python/JSON literal by value (issue 25), else the math key. */
export const defaultGroupKey: GroupKey = (answer) => literalKey(answer) ?? answerKey(answer);
const isLiteral = (key: string) => key.startsWith('lit:');

export interface ClusterOptions {
  /** Maps an answer to its exact grouping key; defaults to defaultGroupKey (a literal's value, else answerKey). */
  groupKey?: GroupKey;
  /**
   * Merge equivalent keys with strict mathEqual. Default: on with the default key, off with a custom one
   * (a caller's own key is its own notion of sameness). Off: groups are exactly the keys.
   */
  merge?: boolean;
  /** Wall-clock budget for all merging, in ms (default 250). */
  budgetMs?: number;
  now?: () => number;
}

export interface Clusters {
  /** Cluster id per answer (by position), null for a missing or empty answer. Ids number clusters by first appearance. */
  clusterOf: (number | null)[];
  /** Number of clusters. */
  count: number;
  /** Keys merged into another key's cluster. */
  merged: number;
  /** The budget ran out before every pair of keys was compared. */
  timedOut: boolean;
}

export const DEFAULT_CLUSTER_BUDGET_MS = 250;

/** Clusters answers by exact key, then by strict equivalence between keys. */
export function clusterAnswers(answers: readonly (string | null)[], opts: ClusterOptions = {}): Clusters {
  const key = opts.groupKey ?? defaultGroupKey;
  const now = opts.now ?? Date.now;
  let keyOf = answers.map((a) => (a === null || a.trim() === '' ? null : key(a)));
  // Where some candidates answered with a quoted string, an unquoted answer is that string without its quotes.
  if (opts.groupKey === undefined && keyOf.some((k) => k?.startsWith('lit:"')))
    keyOf = keyOf.map((k, i) => (k === null || isLiteral(k) ? k : bareStringKey(answers[i]!)));
  // One representative answer per key, in order of first appearance; the most frequent keys seed clusters first.
  const firstAt = new Map<string, number>();
  const counts = new Map<string, number>();
  keyOf.forEach((k, i) => {
    if (k === null || k === '') return;
    if (!firstAt.has(k)) firstAt.set(k, i);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  });
  const keys = [...firstAt.keys()].sort((a, b) => counts.get(b)! - counts.get(a)! || firstAt.get(a)! - firstAt.get(b)!);

  const members: string[][] = [];
  const home = new Map<string, number>();
  const end = now() + (opts.budgetMs ?? DEFAULT_CLUSTER_BUDGET_MS);
  let merged = 0;
  let timedOut = false;
  const same = (a: string, b: string) => {
    // Literals are already keyed by value; math equivalence would read `'1'` as 1.
    if (isLiteral(a) || isLiteral(b)) return false;
    const left = end - now();
    if (left <= 0) {
      timedOut = true;
      return false;
    }
    return mathEqual(answers[firstAt.get(a)!]!, answers[firstAt.get(b)!]!, { strict: true, budgetMs: left, now });
  };
  for (const k of keys) {
    let joined = -1;
    if ((opts.merge ?? opts.groupKey === undefined) && !timedOut) {
      joined = members.findIndex((m) => m.every((other) => same(k, other) && same(other, k)));
    }
    if (joined >= 0) {
      members[joined]!.push(k);
      merged++;
      home.set(k, joined);
    } else {
      home.set(k, members.length);
      members.push([k]);
    }
  }

  // Renumber by first appearance so ids read in candidate order.
  const ids = new Map<number, number>();
  const clusterOf = keyOf.map((k) => {
    if (k === null || k === '') return null;
    const c = home.get(k)!;
    if (!ids.has(c)) ids.set(c, ids.size);
    return ids.get(c)!;
  });
  return { clusterOf, count: members.length, merged, timedOut };
}
