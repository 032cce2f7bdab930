/**
 * `--shard i/k` for offline work: item p (0-based, in input order) belongs to shard p mod k. Round-robin
 * rather than contiguous ranges, so a file sorted by difficulty or length still splits into even shares.
 * The split depends only on the input, so k processes — or the pods of a Kubernetes Indexed Job, which
 * get JOB_COMPLETION_INDEX — each take their share with no coordination.
 */
export interface Shard {
  index: number;
  count: number;
}

export const WHOLE: Shard = { index: 0, count: 1 };

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!(count >= 1 && index >= 0 && index < count && count <= 100_000))
    throw new Error(`--shard must be i/k with 0 ≤ i < k, e.g. 0/4 (got '${text}')`);
  return { index, count };
}

export const inShard = (position: number, shard: Shard): boolean => position % shard.count === shard.index;

export const shardLabel = (shard: Shard) => `${shard.index}/${shard.count}`;

/**
 * Checks that a merge got every shard of one split exactly once; returns them ordered by index.
 * `of` names each input in the error.
 */
export function completeShards<T extends { shard: Shard }>(parts: readonly T[], of: (part: T) => string): T[] {
  if (parts.length === 0) throw new Error('nothing to merge');
  const count = parts[0]!.shard.count;
  const byIndex = new Map<number, T>();
  for (const p of parts) {
    if (p.shard.count !== count)
      throw new Error(`${of(p)} is shard ${shardLabel(p.shard)}, but ${of(parts[0]!)} is of ${count}`);
    const twice = byIndex.get(p.shard.index);
    if (twice) throw new Error(`${of(twice)} and ${of(p)} are both shard ${shardLabel(p.shard)}`);
    byIndex.set(p.shard.index, p);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length)
    throw new Error(`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')} missing`);
  return Array.from({ length: count }, (_, i) => byIndex.get(i)!);
}
