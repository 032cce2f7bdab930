import { describe, expect, it } from 'vitest';
import { rankCandidates, voteShares, type Rankable } from '../../src/core/rank';
import type { SelectMethod } from '../../src/core/selection-rules';
import { stoppedClock as now } from '../helpers/clock';

/** Builds candidates from [answer, reward] pairs, indexed in order. */
const cands = (...pairs: [string | null, number | null][]): Rankable[] =>
  pairs.map(([answer, reward], index) => ({ index, answer, reward }));
const order = (items: Rankable[], method: SelectMethod, groupKey?: (a: string) => string) =>
  rankCandidates(items, method, groupKey ? { groupKey, now } : { now }).map((c) => c.index);

describe('rankCandidates: argmax', () => {
  it.each<[string, Rankable[], number[]]>([
    ['by reward, descending', cands(['1', 0.2], ['2', 0.9], ['3', 0.5]), [1, 2, 0]],
    ['ties go to the lower index', cands(['1', 0.5], ['2', 0.9], ['3', 0.9], ['4', 0.5]), [1, 2, 0, 3]],
    ['null reward ranks below every number', cands(['1', null], ['2', -5], ['3', null], ['4', 0]), [3, 1, 0, 2]],
    ['NaN counts as unscored', cands(['1', Number.NaN], ['2', 0.1]), [1, 0]],
    ['answers do not matter', cands([null, 0.9], ['2', 0.1]), [0, 1]],
    ['empty', [], []],
  ])('%s', (_name, items, want) => {
    expect(order(items, 'argmax')).toEqual(want);
  });

  it('keeps the caller’s extra fields and does not mutate the input', () => {
    const items = [
      { index: 0, answer: 'a', reward: 0.1, text: 'x' },
      { index: 1, answer: 'b', reward: 0.9, text: 'y' },
    ];
    const ranked = rankCandidates(items, 'argmax');
    expect(ranked[0]!.text).toBe('y');
    expect(items.map((c) => c.index)).toEqual([0, 1]);
  });
});

describe('rankCandidates: one candidate', () => {
  it.each(['majority', 'weighted_vote', 'argmax'] as const)(
    '%s returns it without computing an answer key',
    (method) => {
      const unused = () => {
        throw new Error('a single candidate needs no answer key');
      };
      expect(rankCandidates(cands(['\\frac12', 0.3]), method, { groupKey: unused }).map((c) => c.index)).toEqual([0]);
    },
  );
});

describe('rankCandidates: majority', () => {
  it.each<[string, Rankable[], number[]]>([
    // Group "5" (3 votes) beats a higher-reward lone "7"; inside it the best reward leads.
    ['largest group wins over a higher reward', cands(['5', 0.3], ['7', 0.99], ['5', 0.6], ['5', 0.1]), [2, 0, 3, 1]],
    [
      'groups after the winner go by size, then reward',
      cands(['1', 0.9], ['2', 0.2], ['2', 0.3], ['3', 0.5], ['3', 0.4], ['3', 0.1]),
      [3, 4, 5, 2, 1, 0],
    ],
    [
      'tied groups: the one with the best single reward wins',
      cands(['a', 0.5], ['a', 0.5], ['b', 0.2], ['b', 0.8]),
      [3, 2, 0, 1],
    ],
    [
      'tied groups and tied best reward: the earliest candidate wins',
      cands(['b', 0.5], ['a', 0.5], ['a', 0.1], ['b', 0.2]),
      [0, 3, 1, 2],
    ],
    ['null answers form no group and come last, by reward', cands([null, 0.99], [null, 0.98], ['4', 0.1]), [2, 0, 1]],
    [
      'answers are grouped by math equivalence',
      cands(['\\dfrac{1}{2}', 0.2], ['$\\frac12$', 0.9], ['\\frac{1}{2}', 0.1], ['x = 0.5', 0.8]),
      [1, 3, 0, 2],
    ],
    ['no answers at all degrades to argmax', cands([null, 0.1], [null, 0.7], [null, null]), [1, 0, 2]],
    ['null rewards still vote', cands(['3', null], ['3', null], ['4', 0.9]), [0, 1, 2]],
  ])('%s', (_name, items, want) => {
    expect(order(items, 'majority')).toEqual(want);
  });

  it('groups with a custom key', () => {
    const items = cands(['0.5', 0.1], ['\\frac{1}{2}', 0.2], ['7', 0.9]);
    const exact = (a: string) => a;
    expect(order(items, 'majority')).toEqual([1, 0, 2]);
    expect(order(items, 'majority', exact)).toEqual([2, 1, 0]);
  });
});

describe('rankCandidates: weighted_vote', () => {
  it.each<[string, Rankable[], number[]]>([
    // "5" sums to 0.6, "7" to 0.9: weight beats head count.
    ['a group scores the sum of its rewards', cands(['5', 0.2], ['5', 0.2], ['5', 0.2], ['7', 0.9]), [3, 0, 1, 2]],
    ['many moderate votes beat one strong one', cands(['5', 0.4], ['5', 0.4], ['5', 0.4], ['7', 0.9]), [0, 1, 2, 3]],
    ['tied sums: best single reward wins', cands(['a', 0.25], ['a', 0.25], ['b', 0.5]), [2, 0, 1]],
    ['null rewards add nothing', cands(['a', null], ['a', null], ['a', 0.1], ['b', 0.2]), [3, 2, 0, 1]],
    [
      'losing groups go by sum, then reward',
      cands(['w', 2], ['p', 0.3], ['q', 0.2], ['q', 0.2], [null, 5]),
      [0, 2, 3, 1, 4],
    ],
  ])('%s', (_name, items, want) => {
    expect(order(items, 'weighted_vote')).toEqual(want);
  });
});

describe('voteShares', () => {
  it.each<[string, (string | null)[], number[]]>([
    ['shares over all candidates, null answers in the denominator', ['4', '4', '5', null], [0.5, 0.5, 0.25, 0]],
    ['normalised before counting', ['$4$', '4.0', '\\text{4}', '5'], [0.75, 0.75, 0.75, 0.25]],
    ['unanimous', ['x', 'x'], [1, 1]],
    ['all null', [null, null], [0, 0]],
    ['empty', [], []],
    ['one candidate', ['\\frac{1}{2}'], [1]],
    ['one candidate without an answer', [null], [0]],
  ])('%s', (_name, answers, want) => {
    expect(voteShares(answers, undefined, { now })).toEqual(want);
  });

  it('uses a custom group key', () => {
    expect(voteShares(['a', 'A', 'b'], (a) => a.toLowerCase())).toEqual([2 / 3, 2 / 3, 1 / 3]);
  });
});
