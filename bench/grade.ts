/**
 * bench:grade — how long one mathEqual takes on real answers: the shared pool's 800 (prediction,
 * reference) grades, the 28 strict comparisons per problem that vote clustering makes between distinct
 * answers, and the test tables. Then the unordered-list matcher on an 8-item list of symbolic items,
 * reversed: the previous matcher (plain backtracking, each pair compared as often as the search asks)
 * against the current one (equal items paired for free, each leftover pair compared once), in one run.
 * Figures are wall-clock on a shared machine: read medians and ratios, not absolutes.
 */
import fs from 'node:fs';
import { clusterAnswers } from '../src/core/clusters';
import { answerKey, mathEqual } from '../src/core/math';
import { matchUnordered } from '../src/core/math/structure';
import { equivalentForms, holes, nearMisses } from '../test/core/math/equivalence-tables';
import { printTable, quantile } from './stats';
import { fixturePath } from '../test/helpers/fixture-path';

const POOL = fixturePath('data/bon-pool-qwen25-math-cot-100-n8.jsonl');

function timed(pairs: [string, string][], strict: boolean): number[] {
  return pairs.map(([a, b]) => {
    const t0 = performance.now();
    mathEqual(a, b, { strict, budgetMs: 5_000 });
    return performance.now() - t0;
  });
}

function row(name: string, ms: number[]): (string | number)[] {
  const s = [...ms].sort((a, b) => a - b);
  const f = (x: number) => x.toFixed(3);
  return [name, s.length, f(quantile(s, 0.5)), f(quantile(s, 0.99)), f(s[s.length - 1]!)];
}

/** The matcher as it was before issue 17: backtracking over every pairing, no memo, no free pairs. */
function matchUnorderedBefore(a: string[], b: string[], eq: (x: string, y: string) => boolean): boolean {
  if (a.length !== b.length) return false;
  const used = new Array<boolean>(b.length).fill(false);
  const place = (k: number): boolean => {
    if (k === a.length) return true;
    for (let j = 0; j < b.length; j++) {
      if (used[j] || !eq(a[k]!, b[j]!)) continue;
      used[j] = true;
      if (place(k + 1)) return true;
      used[j] = false;
    }
    return false;
  };
  return place(0);
}

const rows = fs
  .readFileSync(POOL, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { gt: string; pred: string[] });
mathEqual('\\sqrt{2}+x', 'x+\\sqrt{2}'); // mathjs warm-up (the first symbolic check compiles its parser: ~250 ms), outside the figures
const grades = rows.flatMap((r) => r.pred.map((p): [string, string] => [p, r.gt]));
const votes = rows.flatMap((r) => {
  const distinct = [...new Set(r.pred)];
  return distinct.flatMap((a, i) => distinct.slice(i + 1).map((b): [string, string] => [a, b]));
});
const tables = [
  ...Object.values(holes)
    .flat()
    .map(([a, b]): [string, string] => [a, b]),
  ...equivalentForms,
  ...nearMisses,
];

console.log('mathEqual, ms per comparison');
printTable(
  ['pairs', 'n', 'median', 'p99', 'max'],
  [
    row('pool: grade vs reference', timed(grades, false)),
    row('pool: strict, between distinct answers', timed(votes, true)),
    row('tables: grade', timed(tables, false)),
    row('tables: strict', timed(tables, true)),
  ],
);

// Clustering each problem's 8 answers, as a vote does: time per vote, and what merging changed.
const perVote: number[] = [];
let keyGroups = 0;
let clusters = 0;
let changedProblems = 0;
for (const r of rows) {
  const t0 = performance.now();
  const c = clusterAnswers(r.pred, { budgetMs: 5_000 });
  perVote.push(performance.now() - t0);
  const keys = new Set(r.pred.map(answerKey)).size;
  keyGroups += keys;
  clusters += c.count;
  if (c.count !== keys) changedProblems++;
}
console.log(
  `\nclusterAnswers on the pool's ${rows.length} votes of 8: ${keyGroups} key groups → ${clusters} clusters; merging changed ${changedProblems} votes`,
);
printTable(['per vote', 'n', 'median', 'p99', 'max'], [row('clusterAnswers, 8 answers', perVote)]);

// Eight symbolic items, the second list reversed; every pair that is not the same item differs.
const items = Array.from({ length: 8 }, (_, k) => `x^{${k + 2}}+${k + 1}x-\\frac{${k + 3}}{x+${k + 1}}`);
const reversed = [...items].reverse();
const respelled = items.map((s) => s.replace('+', ' + ')).reverse(); // same items, other spelling: no free pairs
// Items that all pairwise-match loosely but one differs: backtracking revisits every partial pairing.
const sameish = Array.from({ length: 8 }, () => 'x^{2}+2x+1');
const oneOff = [...Array.from({ length: 7 }, () => '(x+1)^{2}'), 'x^{2}+2x+2'];
const bench = (name: string, match: typeof matchUnordered, b: string[]) => {
  let calls = 0;
  const eq = (x: string, y: string) => (calls++, mathEqual(x, y, { strict: true, budgetMs: 5_000 }));
  const t0 = performance.now();
  const ok = match(items, b, eq);
  return [name, ok ? 'equal' : 'different', calls, (performance.now() - t0).toFixed(1)];
};
console.log('\n8-item list of symbolic items against the same list reversed');
printTable(
  ['matcher', 'result', 'comparisons', 'ms'],
  [
    bench('before (backtracking)', matchUnorderedBefore, reversed),
    bench('after (free pairs, memo)', matchUnordered, reversed),
    bench('before, respelled items', matchUnorderedBefore, respelled),
    bench('after, respelled items', matchUnordered, respelled),
  ],
);
const benchOff = (name: string, match: typeof matchUnordered) => {
  let calls = 0;
  const eq = (x: string, y: string) => (calls++, mathEqual(x, y, { strict: true, budgetMs: 5_000 }));
  const t0 = performance.now();
  const ok = match(sameish, oneOff, eq);
  return [name, ok ? 'equal' : 'different', calls, (performance.now() - t0).toFixed(1)];
};
console.log('\n8 equal symbolic items against 7 of them respelled and one different (no match exists)');
printTable(
  ['matcher', 'result', 'comparisons', 'ms'],
  [benchOff('before (backtracking)', matchUnorderedBefore), benchOff('after (free pairs, memo)', matchUnordered)],
);
