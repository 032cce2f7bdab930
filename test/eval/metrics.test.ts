import { describe, expect, it } from 'vitest';
import {
  argmaxReward,
  computeMetrics,
  majority,
  passAtK,
  problemValue,
  weightedVote,
  type ScoredCandidate,
} from '../../src/eval/metrics';
import { seededRandom } from '../../src/core/random';
import { drawIndices, subsets } from '../../src/eval/subsample';

const c = (key: string | null, correct: boolean, reward: number | null = null): ScoredCandidate => ({
  key,
  correct,
  reward,
});

describe('passAtK', () => {
  it('is the unbiased estimator 1 − C(n−c,k)/C(n,k)', () => {
    expect(passAtK(4, 1, 2)).toBeCloseTo(1 - 3 / 6, 12);
    expect(passAtK(8, 2, 4)).toBeCloseTo(1 - 15 / 70, 12);
    expect(passAtK(8, 3, 1)).toBeCloseTo(3 / 8, 12);
  });
  it('is 0 with no correct candidate and 1 when every k-subset holds one', () => {
    expect(passAtK(8, 0, 8)).toBe(0);
    expect(passAtK(4, 3, 2)).toBe(1);
    expect(passAtK(4, 1, 4)).toBe(1);
  });
});

describe('votes on one set', () => {
  it('majority: the largest group wins; ties are split; no answer counts for nothing', () => {
    expect(majority([c('a', true), c('a', true), c('b', false)])).toBe(1);
    expect(majority([c('a', true), c('b', false), c('b', false), c(null, false)])).toBe(0);
    expect(majority([c('a', true), c('a', true), c('b', false), c('b', false), c(null, false)])).toBe(0.5);
    expect(majority([c('a', true), c('b', false), c('d', false)])).toBeCloseTo(1 / 3, 12);
    expect(majority([c(null, false), c(null, false)])).toBe(0);
  });

  it('weighted: the group with the largest reward sum wins, null rewards count 0', () => {
    expect(weightedVote([c('a', true, 0.9), c('b', false, 0.5), c('b', false, 0.5)])).toBe(0);
    expect(weightedVote([c('a', true, 0.9), c('b', false, 0.3), c('b', false, 0.3)])).toBe(1);
    expect(weightedVote([c('a', true, null), c('b', false, 0.1)])).toBe(0);
    expect(weightedVote([c('a', true, 0.5), c('b', false, 0.25), c('b', false, 0.25)])).toBe(0.5);
  });

  it('argmax: the top reward, ties split, unscored candidates below scored ones', () => {
    expect(argmaxReward([c('a', true, 0.2), c('b', false, 0.9)])).toBe(0);
    expect(argmaxReward([c('a', true, 0.9), c('b', false, 0.9)])).toBe(0.5);
    expect(argmaxReward([c('a', true, null), c('b', false, 0.1)])).toBe(0);
    expect(argmaxReward([c('a', true, null), c('b', false, null), c('b', false, null)])).toBeCloseTo(1 / 3, 12);
  });
});

describe('seeded subsampling', () => {
  it('draws k distinct indices in ascending order, the same for the same seed', () => {
    const a = subsets(8, 3, 5, 42, 'p1');
    expect(a).toEqual(subsets(8, 3, 5, 42, 'p1'));
    expect(a).toHaveLength(5);
    for (const s of a) {
      expect(new Set(s).size).toBe(3);
      expect([...s].sort((x, y) => x - y)).toEqual(s);
      expect(s.every((i) => i >= 0 && i < 8)).toBe(true);
    }
    expect(subsets(8, 3, 5, 43, 'p1')).not.toEqual(a);
    expect(subsets(8, 3, 5, 42, 'p2')).not.toEqual(a);
  });

  it('uses the whole set once when k ≥ n', () => {
    expect(subsets(4, 4, 8, 0, 'p')).toEqual([[0, 1, 2, 3]]);
    expect(drawIndices(3, 5, seededRandom(1))).toEqual([0, 1, 2]);
  });

  it('averages to the exact expectation over all k-subsets', () => {
    // {0,1}: a wins (1); {0,2} and {1,2}: a 1–1 tie with b (0.5 each) → 2/3.
    const cands = [c('a', true), c('a', true), c('b', false)];
    expect(problemValue('majority', cands, 2, 'x', { draws: 3000, seed: 7 })).toBeCloseTo(2 / 3, 1);
    expect(problemValue('majority', cands, 2, 'x', { draws: 50, seed: 7 })).toBe(
      problemValue('majority', cands, 2, 'x', { draws: 50, seed: 7 }),
    );
  });
});

describe('computeMetrics', () => {
  const opts = { ns: [1, 4], draws: 8, seed: 0 };
  const p1 = {
    id: 'p1',
    correct: true,
    picked: true,
    candidates: [c('x', true, 0.9), c('y', false, 0.2), c('y', false, 0.3), c('x', true, 0.1)],
  };
  const p2 = {
    id: 'p2',
    correct: false,
    picked: false,
    candidates: [c('z', false, 0.8), c(null, false, null), c('w', true, 0.7), c('z', false, 0.1)],
  };
  const failed = { id: 'p3', correct: false };

  it('averages hand-computed per-problem values, a failed problem counting as wrong', () => {
    const m = computeMetrics([p1, p2, failed], opts);
    // p1: pass@1 2/4, maj@4 a 2–2 tie (0.5), weighted@4 x 1.0 vs y 0.5 (1), argmax@4 0.9 (1), pick 1.
    // p2: pass@1 1/4, maj@4 z (0), weighted@4 z 0.9 vs w 0.7 (0), argmax@4 0.8 (0), pick 0.
    expect(m.accuracy).toBeCloseTo(1 / 3, 12);
    expect(m['pass@1']).toBeCloseTo(0.75 / 3, 12);
    expect(m['maj@1']).toBeCloseTo(0.75 / 3, 12);
    expect(m['argmax@1']).toBeCloseTo(0.75 / 3, 12);
    expect(m['pass@4']).toBeCloseTo(2 / 3, 12);
    expect(m['maj@4']).toBeCloseTo(0.5 / 3, 12);
    expect(m['weighted@4']).toBeCloseTo(1 / 3, 12);
    expect(m['argmax@4']).toBeCloseTo(1 / 3, 12);
    expect(m['bestofn@4']).toBeCloseTo(1 / 3, 12);
    expect(m['bestofn@1']).toBeUndefined();
  });

  it('leaves out reward metrics without rewards, and per-N metrics without candidates', () => {
    const unscored = { ...p1, candidates: p1.candidates.map((x) => ({ ...x, reward: null })) };
    expect(Object.keys(computeMetrics([unscored], opts)).sort()).toEqual([
      'accuracy',
      'bestofn@4',
      'maj@1',
      'maj@4',
      'pass@1',
      'pass@4',
      'random@1',
      'random@4',
    ]);
    expect(computeMetrics([{ id: 'a', correct: true }, failed], opts)).toEqual({ accuracy: 0.5 });
    expect(computeMetrics([], opts)).toEqual({});
  });
});
