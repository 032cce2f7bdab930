import { describe, expect, it } from 'vitest';
import { topTies } from '../../src/core/ties';

describe('topTies', () => {
  it('lists every candidate sharing the best reward', () => {
    expect(
      topTies([
        { index: 0, reward: 0.5 },
        { index: 1, reward: 0.9 },
        { index: 2, reward: null },
        { index: 3, reward: 0.9 },
      ]),
    ).toEqual([1, 3]);
  });
  it('is empty when one candidate leads, or nothing was scored', () => {
    expect(
      topTies([
        { index: 0, reward: 0.5 },
        { index: 1, reward: 0.9 },
      ]),
    ).toEqual([]);
    expect(
      topTies([
        { index: 0, reward: null },
        { index: 1, reward: Number.NaN },
      ]),
    ).toEqual([]);
  });
});
