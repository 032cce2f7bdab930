import { describe, expect, it } from 'vitest';
import { completeShards, inShard, parseShard } from '../src/util/shard';

describe('--shard i/k', () => {
  it('parses i/k and refuses anything else', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    for (const bad of ['3/3', '-1/2', '1/0', '1', 'a/b', '1/2/3', ''])
      expect(() => parseShard(bad)).toThrow(/--shard must be i\/k/);
  });

  it('puts every item in exactly one shard, evenly', () => {
    for (const k of [1, 2, 3, 7]) {
      const owners = Array.from({ length: 100 }, (_, p) =>
        Array.from({ length: k }, (_, i) => i).filter((i) => inShard(p, { index: i, count: k })),
      );
      expect(owners.every((o) => o.length === 1)).toBe(true);
      const sizes = Array.from({ length: k }, (_, i) => owners.filter((o) => o[0] === i).length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('a merge needs every shard of one split exactly once', () => {
    const part = (s: string) => ({ shard: parseShard(s), name: s });
    expect(completeShards([part('1/3'), part('0/3'), part('2/3')], (p) => p.name).map((p) => p.name)).toEqual([
      '0/3',
      '1/3',
      '2/3',
    ]);
    expect(() => completeShards([part('0/3'), part('2/3')], (p) => p.name)).toThrow('shard 1/3 missing');
    expect(() => completeShards([part('0/2'), part('0/2'), part('1/2')], (p) => p.name)).toThrow('both shard 0/2');
    expect(() => completeShards([part('0/2'), part('1/3')], (p) => p.name)).toThrow(/is of 2/);
  });
});
