import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAccess } from '../../src/access/build-access';
import { KeyLimiter } from '../../src/access/key-limits';
import { RedisKeyLimiter } from '../../src/access/redis-limiter';
import { parseConfig } from '../../src/config';
import { connected, createRedisClient } from '../../src/redis/redis-client';
import { RedisHealth } from '../../src/redis/redis-health';
import { startTestApp } from '../helpers/app';
import { MATH } from '../helpers/gateway';
import { redisInstalled, sharedRedis } from '../helpers/redis-server';

/** Issue 27, item 13: key limits count the candidates a request asks of the upstream, not only the request. */
const limit = { rpm: 1000, cpm: 10, concurrency: 100, maxN: 64 };

describe('KeyLimiter.spend', () => {
  it('takes N candidates per request from a bucket of cpm, refilled at the per-minute rate', () => {
    let now = 0;
    const limiter = new KeyLimiter(() => now);
    expect(limiter.spend(0, limit, 8)).toEqual({ ok: true });
    // 2 left: a request for 4 waits for 2 more, 6 s each at 10 a minute.
    expect(limiter.spend(0, limit, 4)).toEqual({
      ok: false,
      reason: 'limit of 10 candidates per minute reached (this request asks for 4)',
      retryAfterSeconds: 12,
    });
    expect(limiter.spend(1, limit, 4)).toEqual({ ok: true });
    expect(limiter.spend(0, limit, 2)).toEqual({ ok: true });
    now += 12_000;
    expect(limiter.spend(0, limit, 2)).toEqual({ ok: true });
    expect(limiter.spend(0, limit, 1).ok).toBe(false);
  });

  it('a request for more than the whole allowance waits for a full bucket and takes it all', () => {
    let now = 0;
    const limiter = new KeyLimiter(() => now);
    expect(limiter.spend(0, limit, 64)).toEqual({ ok: true });
    expect(limiter.spend(0, limit, 64)).toMatchObject({ ok: false, retryAfterSeconds: 60 });
    now += 60_000;
    expect(limiter.spend(0, limit, 64)).toEqual({ ok: true });
  });
});

describe('KEY_CPM through the gateway', () => {
  const post = (app: Awaited<ReturnType<typeof startTestApp>>, body: object) =>
    app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer key-a' },
      body: JSON.stringify({ model: 'm', messages: MATH, ...body }),
    });

  it('a key that spent its candidates gets a 429 before any upstream call, while its request rate is far from spent', async () => {
    const app = await startTestApp({ GATEWAY_API_KEYS: 'key-a', KEY_CPM: '10', UPSTREAM_RETRIES: '0' });
    // The test upstream refuses every call: what matters is whether the request got that far.
    expect((await post(app, { best_of: 8 })).status).not.toBe(429);
    const calls = app.upstreamCalls.length;
    expect(calls).toBe(8);
    const refused = await post(app, { best_of: 4 });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await refused.json()).error).toMatchObject({
      code: 'rate_limit_exceeded',
      message: 'Rate limit: limit of 10 candidates per minute reached (this request asks for 4) for this key',
    });
    expect(app.upstreamCalls).toHaveLength(calls);
    // A bypass (best_of 1) costs one candidate.
    expect((await post(app, { best_of: 1 })).status).not.toBe(429);
    expect((await post(app, { best_of: 1 })).status).not.toBe(429);
  });

  it('a config-file key has its own cpm, the others KEY_CPM', async () => {
    const file = { keys: [{ key: 'file-key', cpm: 3 }] };
    const config = parseConfig(
      { UPSTREAM_BASE_URL: 'http://127.0.0.1:1/v1', CONFIG_FILE: 'f.yaml', GATEWAY_API_KEYS: 'env-key', KEY_CPM: '7' },
      [],
      () => file,
    );
    const access = (await buildAccess(config))!;
    expect([access.limitOf(0).cpm, access.limitOf(1).cpm]).toEqual([3, 7]);
  });
});

describe.skipIf(!redisInstalled)('candidate limits in Redis', () => {
  let redis: Awaited<ReturnType<typeof sharedRedis>>;
  beforeAll(async () => {
    redis = await sharedRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('two replicas share one candidate bucket per key', async () => {
    const client = createRedisClient({ url: redis.url, timeoutMs: 1000 });
    expect(await connected(client, 10_000)).toBe(true);
    const health = new RedisHealth({ warn() {}, info() {} }, { limits: 'local', cache: 'skipped' });
    const id = `cpm-${process.pid}-${Date.now()}`;
    const replica = () =>
      new RedisKeyLimiter({
        client,
        keyIds: [id],
        prefix: 'cpm-test',
        leaseMs: 30_000,
        failure: 'local',
        local: new KeyLimiter(),
        health,
      });
    const [a, b] = [replica(), replica()];
    try {
      expect(await a.spend(0, limit, 8)).toEqual({ ok: true });
      expect(await b.spend(0, limit, 4)).toMatchObject({
        ok: false,
        reason: 'limit of 10 candidates per minute reached (this request asks for 4)',
      });
      expect(await b.spend(0, limit, 2)).toEqual({ ok: true });
    } finally {
      a.close();
      b.close();
      client.disconnect();
    }
  });
});
