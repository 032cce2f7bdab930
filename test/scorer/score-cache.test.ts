import { describe, it, expect } from 'vitest';
import { createScoreCache, scoreCacheKey, sequenceScoreBytes } from '../../src/scorer/score-cache';

const score = (r: number) => ({ stepRewards: [r], windowed: false, tokens: 10 });

describe('ScoreCache', () => {
  it('keys by model, problem and step boundaries', () => {
    const cache = createScoreCache({ entries: 10, maxBytes: 1 << 20 }, sequenceScoreBytes)!;
    cache.set('m1', { problem: 'p', steps: ['a', 'b'] }, score(0.1));
    expect(cache.get('m1', { problem: 'p', steps: ['a', 'b'] })).toEqual(score(0.1));
    expect(cache.get('m2', { problem: 'p', steps: ['a', 'b'] })).toBeUndefined();
    expect(cache.get('m1', { problem: 'q', steps: ['a', 'b'] })).toBeUndefined();
    expect(cache.get('m1', { problem: 'p', steps: ['a\nb'] })).toBeUndefined();
    expect(cache.get('m1', { problem: 'p', steps: ['ab'] })).toBeUndefined();
    expect(cache.stats()).toMatchObject({ entries: 1, hits: 1, misses: 4 });
    expect(scoreCacheKey('m', { problem: 'p', steps: ['a', 'b'] })).not.toBe(
      scoreCacheKey('m', { problem: 'p', steps: ['a,b'] }),
    );
  });

  it('is bounded by entries, evicting the least recently used', () => {
    const cache = createScoreCache({ entries: 2, maxBytes: 1 << 20 }, sequenceScoreBytes)!;
    cache.set('m', { problem: 'p', steps: ['1'] }, score(1));
    cache.set('m', { problem: 'p', steps: ['2'] }, score(2));
    cache.get('m', { problem: 'p', steps: ['1'] });
    cache.set('m', { problem: 'p', steps: ['3'] }, score(3));
    expect(cache.get('m', { problem: 'p', steps: ['2'] })).toBeUndefined();
    expect(cache.get('m', { problem: 'p', steps: ['1'] })).toEqual(score(1));
    expect(cache.stats().entries).toBe(2);
  });

  it('is bounded by bytes, counting the trajectory text in the key', () => {
    const cache = createScoreCache({ entries: 1000, maxBytes: 50_000 }, sequenceScoreBytes)!;
    const long = 'x'.repeat(10_000); // ≈ 20 kB as a UTF-16 key
    for (let i = 0; i < 10; i++) cache.set('m', { problem: 'p', steps: [long, String(i)] }, score(i));
    const { entries, bytes } = cache.stats();
    expect(entries).toBe(2);
    expect(bytes).toBeLessThanOrEqual(50_000);
    // An entry larger than the whole budget is not stored, and does not evict the others.
    cache.set('m', { problem: 'p', steps: ['y'.repeat(30_000)] }, score(0));
    expect(cache.stats().entries).toBe(2);
  });

  it('is disabled by a zero bound', () => {
    expect(createScoreCache({ entries: 0, maxBytes: 1 << 20 }, sequenceScoreBytes)).toBeNull();
    expect(createScoreCache({ entries: 10, maxBytes: 0 }, sequenceScoreBytes)).toBeNull();
  });
});
