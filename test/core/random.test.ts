import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/core/random';

describe('seededRandom', () => {
  it('replays the sequence every former copy produced (subsets, bootstrap intervals and grades stay as recorded)', () => {
    // Values of the generator as it stood in src/eval/subsample.ts before the copies were merged.
    expect(Array.from({ length: 4 }, seededRandom(0))).toEqual([
      0.26642920868471265, 0.0003297457005828619, 0.2232720274478197, 0.1462021479383111,
    ]);
    expect(Array.from({ length: 4 }, seededRandom(0x5eed))).toEqual([
      0.7100320369936526, 0.286336648510769, 0.9519026265479624, 0.10175976227037609,
    ]);
  });

  it('reads a seed modulo 2³², so negative and oversized seeds (hash sums) are seeds like any other', () => {
    expect(Array.from({ length: 4 }, seededRandom(-7))).toEqual([
      0.43306733411736786, 0.32539576734416187, 0.5442695003002882, 0.48018999374471605,
    ]);
    expect(Array.from({ length: 3 }, seededRandom(2 ** 32 + 5))).toEqual(Array.from({ length: 3 }, seededRandom(5)));
  });

  it('stays in [0, 1) and spreads evenly', () => {
    const next = seededRandom(123);
    const draws = Array.from({ length: 100_000 }, next);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    const bins = new Array<number>(10).fill(0);
    for (const x of draws) bins[Math.floor(x * 10)]!++;
    for (const b of bins) expect(Math.abs(b - 10_000)).toBeLessThan(500);
  });
});
