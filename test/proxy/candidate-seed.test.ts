import { describe, expect, it } from 'vitest';
import { candidateSeed } from '../../src/proxy/candidate-seed';

// Issue 27, item 23: seeds near 2^53 collided (candidates 2 and 3 got the same seed).
describe('candidateSeed', () => {
  it.each([2 ** 53 - 2, 2 ** 53, 2 ** 60, Number.MAX_SAFE_INTEGER, -(2 ** 53) + 1, 42])(
    'seed %d gives 8 different safe integer seeds',
    (seed) => {
      const seeds = Array.from({ length: 8 }, (_, i) => candidateSeed({ seed }, i).seed!);
      expect(new Set(seeds).size).toBe(8);
      for (const s of seeds) expect(Number.isSafeInteger(s)).toBe(true);
    },
  );
  it('a small seed is seed + i, as before', () => {
    expect([0, 1, 2].map((i) => candidateSeed({ seed: 40 }, i).seed)).toEqual([40, 41, 42]);
    expect(candidateSeed({}, 1)).toEqual({});
  });
});
