/**
 * The score cache's Redis tier (Node-only). Keys are a SHA-256 of (scorer, model, problem, steps), so a
 * key is short whatever the trajectory's length and no text is stored in Redis; values are the rewards.
 * Entries expire after REDIS_CACHE_TTL_S, and one larger than REDIS_CACHE_MAX_BYTES is not written.
 * Every read is bounded by the client's command timeout; a failed read is a miss, a failed write is
 * dropped, and the outage is logged once.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { RedisHealth } from '../redis/redis-health';
import type { SharedScoreTier } from './shared-score-tier';
import type { PrmSequence, SequenceScore } from './types';
import { jsonOrUndefined } from '../core/parse-json';

export interface RedisScoreTierOptions {
  client: Redis;
  prefix: string;
  ttlSeconds: number;
  maxEntryBytes: number;
  health: RedisHealth;
}

const stored = z.object({ r: z.array(z.number()), w: z.boolean(), t: z.number().int().nonnegative() });

export function redisScoreKey(prefix: string, scorer: string, modelId: string, seq: PrmSequence): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([scorer, modelId, seq.problem, seq.steps]))
    .digest('hex');
  return `${prefix}:score:${digest}`;
}

function decode(text: string | null): SequenceScore | undefined {
  if (text === null) return undefined;
  const value = jsonOrUndefined(text);
  if (value === undefined) return undefined;
  // Another version's entry, or anything else under our prefix, is a miss rather than a wrong score.
  const parsed = stored.safeParse(value);
  return parsed.success ? { stepRewards: parsed.data.r, windowed: parsed.data.w, tokens: parsed.data.t } : undefined;
}

export function createRedisScoreTier(opts: RedisScoreTierOptions): SharedScoreTier {
  const { client, health } = opts;
  return {
    name: 'redis',
    async getMany(scorer, modelId, sequences) {
      if (sequences.length === 0) return [];
      try {
        const values = await client.mget(...sequences.map((s) => redisScoreKey(opts.prefix, scorer, modelId, s)));
        health.ok('cache');
        return values.map(decode);
      } catch (err) {
        health.fail('cache', err);
        return sequences.map(() => undefined);
      }
    },
    setMany(scorer, modelId, entries) {
      const batch = client.multi({ pipeline: true });
      let writes = 0;
      for (const { seq, score } of entries) {
        const value = JSON.stringify({ r: score.stepRewards, w: score.windowed, t: score.tokens });
        if (Buffer.byteLength(value) > opts.maxEntryBytes) continue;
        batch.set(redisScoreKey(opts.prefix, scorer, modelId, seq), value, 'EX', opts.ttlSeconds);
        writes++;
      }
      if (writes === 0) return;
      batch.exec().then(
        (results) => {
          const failed = results?.find(([err]) => err)?.[0];
          if (failed) health.fail('cache', failed);
          else health.ok('cache');
        },
        (err: unknown) => health.fail('cache', err),
      );
    },
  };
}
