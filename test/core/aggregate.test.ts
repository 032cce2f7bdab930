import { describe, expect, it } from 'vitest';
import { DEFAULT_ALPHA, aggregate, candidateReward, combineRewards, recipeFor } from '../../src/core/aggregate';
import type { Aggregate, StepRewards } from '../../src/core/types';

describe('aggregate', () => {
  it.each<[Aggregate, number[], number]>([
    ['last', [0.9, 0.2, 0.7], 0.7],
    ['min', [0.9, 0.2, 0.7], 0.2],
    ['mean', [0.9, 0.2, 0.7], 0.6],
    ['prod', [0.9, 0.2, 0.5], 0.09],
    ['last', [0.4], 0.4],
    ['min', [0.4], 0.4],
    ['mean', [0.4], 0.4],
    ['prod', [0.4], 0.4],
    ['min', [-1, 2], -1],
  ])('%s of %j is %d', (how, rewards, want) => {
    expect(aggregate(rewards, how)).toBeCloseTo(want, 12);
  });

  it.each<Aggregate>(['last', 'min', 'mean', 'prod'])('%s of no steps is null', (how) => {
    expect(aggregate([], how)).toBeNull();
  });

  it('takes the min of a very long trace without overflowing the stack', () => {
    const rewards = Array.from({ length: 200_000 }, (_, i) => 1 - i / 1e6);
    expect(aggregate(rewards, 'min')).toBeCloseTo(1 - 199_999 / 1e6, 12);
  });
});

describe('combineRewards', () => {
  it.each<[string, StepRewards, Aggregate, number, number | null]>([
    ['both parts, w = 0.5', { thinking: [0.8, 0.4], response: [1, 0.6] }, 'min', 0.5, 0.5],
    ['both parts, w = 0.25', { thinking: [0.2], response: [1] }, 'last', 0.25, 0.8],
    ['w = 1 uses thinking only', { thinking: [0.3], response: [0.9] }, 'mean', 1, 0.3],
    ['w = 0 uses response only', { thinking: [0.3], response: [0.9] }, 'mean', 0, 0.9],
    ['no thinking: response alone, whatever w', { thinking: null, response: [0.6, 0.8] }, 'mean', 0.9, 0.7],
    ['empty thinking counts as missing', { thinking: [], response: [0.6] }, 'min', 0.5, 0.6],
    ['no response (truncated): thinking alone', { thinking: [0.5, 0.7], response: null }, 'prod', 0.1, 0.35],
    ['nothing scored is null', { thinking: null, response: null }, 'min', 0.5, null],
    ['empty parts are null', { thinking: [], response: [] }, 'last', 0.5, null],
  ])('%s', (_name, rewards, how, w, want) => {
    const got = combineRewards(rewards, how, w);
    if (want === null) expect(got).toBeNull();
    else expect(got).toBeCloseTo(want, 12);
  });

  it.each([-0.1, 1.5, Number.NaN])('rejects thinking weight %d', (w) => {
    expect(() => combineRewards({ thinking: [1], response: [1] }, 'min', w)).toThrow(RangeError);
  });
});

describe('candidateReward: named combinations', () => {
  const r: StepRewards = { thinking: [0.9, 0.1, 0.8, 0.6], response: [0.7, 0.5] };

  it('reasonflux is mean(thinking) + α·agg(response), the thinking mean whatever the response aggregate', () => {
    expect(candidateReward(r, recipeFor('reasonflux', 'min', { thinkingWeight: 0.5, alpha: 0.5 }))).toBeCloseTo(
      0.6 + 0.5 * 0.5,
      12,
    );
    expect(candidateReward(r, recipeFor('reasonflux', 'last', { thinkingWeight: 0.5, alpha: 1.5 }))).toBeCloseTo(
      0.6 + 1.5 * 0.5,
      12,
    );
    expect(
      candidateReward(r, recipeFor('reasonflux', 'mean', { thinkingWeight: 0.5, alpha: DEFAULT_ALPHA })),
    ).toBeCloseTo(0.6 + 0.6, 12);
  });

  it('reasonflux over hundreds of exploratory steps is not min: one bad step does not decide it', () => {
    const thinking = Array.from({ length: 300 }, (_, i) => (i === 150 ? 0.01 : 0.9));
    const a = candidateReward(
      { thinking, response: [0.8] },
      recipeFor('reasonflux', 'min', { thinkingWeight: 0.5, alpha: 1 }),
    )!;
    const b = candidateReward(
      { thinking: Array(300).fill(0.5), response: [0.8] },
      recipeFor('reasonflux', 'min', { thinkingWeight: 0.5, alpha: 1 }),
    )!;
    expect(a).toBeGreaterThan(b);
    expect(combineRewards({ thinking, response: [0.8] }, 'min', 0.5)).toBeLessThan(
      combineRewards({ thinking: Array(300).fill(0.5), response: [0.8] }, 'min', 0.5)!,
    );
  });

  it('reasonflux with a missing part uses the part that exists; none → null', () => {
    const recipe = recipeFor('reasonflux', 'min', { thinkingWeight: 0.5, alpha: 0.5 });
    expect(candidateReward({ thinking: null, response: [0.6] }, recipe)).toBeCloseTo(0.3, 12);
    expect(candidateReward({ thinking: [0.4, 0.6], response: null }, recipe)).toBeCloseTo(0.5, 12);
    expect(candidateReward({ thinking: null, response: null }, recipe)).toBeNull();
    expect(() => candidateReward(r, { ...recipe, alpha: -1 })).toThrow(RangeError);
  });

  it("weighted is today's w·agg + (1−w)·agg, and can aggregate each part differently", () => {
    expect(candidateReward(r, recipeFor('weighted', 'min', { thinkingWeight: 0.25, alpha: 1 }))).toBeCloseTo(
      combineRewards(r, 'min', 0.25)!,
      12,
    );
    expect(
      candidateReward(r, { combine: 'weighted', thinking: 'mean', response: 'last', thinkingWeight: 0.5, alpha: 1 }),
    ).toBeCloseTo(0.5 * 0.6 + 0.5 * 0.5, 12);
  });
});
