import { describe, expect, it } from 'vitest';
import { clusterAnswers } from '../../src/core/clusters';
import { rankWithVotes, voteShares, type Rankable } from '../../src/core/rank';
import { stoppedClock } from '../helpers/clock';
import { nearMisses } from './math/equivalence-tables';

// Every merge below reads a stopped clock: which answers merge is under test here, not how fast (see clock.ts).
const now = stoppedClock;

const cands = (...pairs: [string | null, number | null, number?][]): Rankable[] =>
  pairs.map(([answer, reward, confidence], index) => ({
    index,
    answer,
    reward,
    ...(confidence === undefined ? {} : { confidence }),
  }));
const winner = (items: Rankable[], method: 'majority' | 'weighted_vote', seed?: number) =>
  rankWithVotes(items, method, seed === undefined ? { now } : { seed, now }).ranked[0]!.index;

describe('clusterAnswers', () => {
  it.each<[string, string[], number]>([
    ['\\left( 70 \\right) is 70', ['\\left( 70 \\right)', '70'], 1],
    ['\\displaystyle', ['\\displaystyle\\frac{a}{b}', '\\frac{a}{b}'], 1],
    ['reordered lists', ['3, 1, 2', '1, 2, 3', '2,3,1'], 1],
    ['roots', ['2\\sqrt{5}', '\\sqrt{20}'], 1],
    ['π rewrites', ['\\frac{\\pi}{2}', '\\frac{1}{2}\\pi'], 1],
    ['scientific notation', ['1.5\\times 10^{3}', '1500'], 1],
    ['vector and tuple', ['\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}', '(1, 2)'], 1],
    ['different answers', ['5', '6', '7'], 3],
  ])('%s', (_name, answers, count) => {
    expect(clusterAnswers(answers, { now }).count).toBe(count);
  });

  it.each(nearMisses)('near misses never merge: %s / %s', (a, b) => {
    expect(clusterAnswers([a, b], { now }).count).toBe(2);
    expect(clusterAnswers([b, a, b], { now }).count).toBe(2);
  });

  it('does not chain: every member equals every other', () => {
    // `(1,2)` ≈ `1,2` (parentheses omitted) and `1,2` ≈ `2,1` (a list is unordered), but `(1,2)` ≠ `2,1`.
    const c = clusterAnswers(['1,2', '(1,2)', '2,1'], { now });
    expect(c.count).toBe(2);
    expect(c.clusterOf[0]).toBe(c.clusterOf[1]);
    expect(c.clusterOf[2]).not.toBe(c.clusterOf[1]);
  });

  it('an empty answer (an empty \\boxed{}) forms no group', () => {
    expect(clusterAnswers(['', ' ', '5'], { now }).clusterOf).toEqual([null, null, 0]);
    expect(voteShares(['', '', '', '5'], undefined, { now })).toEqual([0, 0, 0, 0.25]);
  });

  it('keeps key groups once the budget is spent, and says so', () => {
    let t = 0;
    const now = () => (t += 100);
    const c = clusterAnswers(['\\left( 70 \\right)', '70', '70', '2\\sqrt5', '\\sqrt{20}'], { budgetMs: 150, now });
    expect(c.timedOut).toBe(true);
    expect(c.count).toBe(4); // keys only: "70" is split from its \left( \right) form
  });

  it('stops comparing when the budget is spent on 64 distinct answers (N ≤ 64), keeping every key its own group', () => {
    let t = 0;
    let readings = 0;
    const now = () => (readings++, (t += 1)); // every clock reading is a millisecond of work
    const answers = Array.from({ length: 64 }, (_, k) => `\\frac{x^{${k + 2}}+${k}}{\\sqrt{${k + 3}}}`);
    const c = clusterAnswers(answers, { budgetMs: 50, now });
    expect(c.count).toBe(64);
    expect(c.timedOut).toBe(true);
    expect(readings).toBeLessThan(200); // 2016 pairs were not all tried: work ends with the budget
  });
});

describe('votes over clusters', () => {
  it('a majority split across spellings wins once merged', () => {
    const items = cands(['2\\sqrt{5}', 0.1], ['\\sqrt{20}', 0.1], ['\\sqrt{5}\\cdot 2', 0.1], ['7', 0.9], ['7', 0.9]);
    const { ranked, vote } = rankWithVotes(items, 'majority', { now });
    expect(
      ranked
        .slice(0, 3)
        .map((c) => c.index)
        .sort(),
    ).toEqual([0, 1, 2]);
    expect(vote!.groups).toEqual({ 0: 0, 1: 0, 2: 0, 3: 1, 4: 1 });
    expect(vote!.merged).toBe(2);
  });

  it('weighted votes sum over the merged cluster', () => {
    const items = cands(['0.5', 0.3], ['\\frac{1}{2}', 0.3], ['\\left( \\frac12 \\right)', 0.3], ['3', 0.8]);
    expect(winner(items, 'weighted_vote')).toBe(0);
  });

  it('a tied majority goes to the larger summed reward, and the tie is reported', () => {
    const items = cands(['5', 0.2], ['6', 0.9], ['5', 0.3], ['6', 0.1]);
    const { ranked, vote } = rankWithVotes(items, 'majority', { now });
    expect(ranked[0]!.index).toBe(1);
    expect(vote!.tie).toEqual({ groups: 2, broken_by: 'reward' });
  });

  it('then to the larger summed confidence', () => {
    const items = cands(['5', 0.5, 10], ['6', 0.5, 12], ['5', 0.5, 11], ['6', 0.5, 12]);
    const { ranked, vote } = rankWithVotes(items, 'majority', { now });
    expect(ranked[0]!.index).toBe(1);
    expect(vote!.tie).toEqual({ groups: 2, broken_by: 'confidence' });
  });

  it('then by a seeded draw that does not favour the earliest group', () => {
    const items = cands(['5', null], ['6', null], ['7', null]);
    const winners = new Set(Array.from({ length: 16 }, (_, seed) => winner(items, 'majority', seed)));
    expect(winners.size).toBeGreaterThan(1);
    expect(winner(items, 'majority', 3)).toBe(winner(items, 'majority', 3));
    expect(rankWithVotes(items, 'majority', { now }).vote!.tie).toEqual({ groups: 3, broken_by: 'draw' });
  });
});
