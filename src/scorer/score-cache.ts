/**
 * Rewards already computed for a (model, problem, steps) sequence. Best-of-N often samples the same text
 * several times, and clients retry; neither should cost a second forward pass. Bounded by entries and by
 * bytes, because keys hold whole trajectories and one long thinking trace can be hundreds of kilobytes.
 */
import { LRUCache } from 'lru-cache';
import type { PrmSequence, SequenceScore } from './types';

export interface ScoreCacheOptions {
  entries: number;
  maxBytes: number;
}

/** What a cached value costs beyond its key; the default fits a SequenceScore. */
export type ValueBytes<V> = (value: V) => number;

export interface ScoreCacheStats {
  entries: number;
  bytes: number;
  hits: number;
  misses: number;
}

// JS strings are UTF-16; numbers are 8 bytes; the constant covers the entry object and LRU bookkeeping.
const ENTRY_OVERHEAD = 96;
/** What a PRM's cached step rewards weigh (8 bytes a step), for `createScoreCache`. */
export const sequenceScoreBytes: ValueBytes<SequenceScore> = (value) => value.stepRewards.length * 8;

/** A key no two distinct sequences share: JSON keeps step boundaries apart ("a","b" ≠ "a\nb"). */
export const scoreCacheKey = (modelId: string, seq: PrmSequence): string =>
  JSON.stringify([modelId, seq.problem, seq.steps]);

/** Generic over the value so the verifier caches its verdicts under the same keys and bounds. */
export class ScoreCache<V extends object = SequenceScore> {
  private readonly lru: LRUCache<string, V>;
  private readonly sizeOf: (key: string, value: V) => number;
  private hits = 0;
  private misses = 0;

  constructor(opts: ScoreCacheOptions, valueBytes: ValueBytes<V>) {
    this.sizeOf = (key, value) => key.length * 2 + valueBytes(value) + ENTRY_OVERHEAD;
    this.lru = new LRUCache<string, V>({
      max: Math.max(1, opts.entries),
      maxSize: Math.max(1, opts.maxBytes),
      sizeCalculation: (value, key) => this.sizeOf(key, value),
    });
  }

  get(modelId: string, seq: PrmSequence): V | undefined {
    const hit = this.lru.get(scoreCacheKey(modelId, seq));
    if (hit) this.hits++;
    else this.misses++;
    return hit;
  }

  set(modelId: string, seq: PrmSequence, score: V): void {
    const key = scoreCacheKey(modelId, seq);
    // An entry larger than the whole budget would evict everything and then be refused itself.
    if (this.sizeOf(key, score) > this.lru.maxSize) return;
    this.lru.set(key, score);
  }

  stats(): ScoreCacheStats {
    return { entries: this.lru.size, bytes: this.lru.calculatedSize, hits: this.hits, misses: this.misses };
  }
}

/** null when either bound is 0: the cache is disabled (SCORER_CACHE_ENTRIES=0 or SCORER_CACHE_MB=0). */
export function createScoreCache<V extends object>(
  opts: ScoreCacheOptions,
  valueBytes: ValueBytes<V>,
): ScoreCache<V> | null {
  return opts.entries > 0 && opts.maxBytes > 0 ? new ScoreCache<V>(opts, valueBytes) : null;
}
