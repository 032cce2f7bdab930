import type { PrmSequence, SequenceScore } from './types';

/**
 * A score cache shared by replicas, behind the in-process LRU: consulted for the LRU's misses, filled with
 * what was scored. It never fails a request: an implementation that cannot answer reports misses and
 * drops writes (the Redis tier, src/scorer/redis-score-tier.ts, logs the outage).
 */
export interface SharedScoreTier {
  /** Names the tier in the metadata (`cache_hits_by_tier`). */
  readonly name: string;
  /** One entry per sequence, in order; undefined for a miss. */
  getMany(scorer: string, modelId: string, sequences: readonly PrmSequence[]): Promise<(SequenceScore | undefined)[]>;
  /** Stores in the background; the request does not wait for it. */
  setMany(scorer: string, modelId: string, entries: readonly { seq: PrmSequence; score: SequenceScore }[]): void;
}
