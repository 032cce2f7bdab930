import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream';
import { startFakeVllm, type FakeVllm } from '../helpers/fake-vllm-pooling';
import { MATH } from '../helpers/gateway';
import { redisInstalled, startRedis, type TestRedis } from '../helpers/redis-server';
import { startReplica, type Replica } from '../helpers/replica';
import { metadataOf } from '../helpers/metadata';

/** The score cache's Redis tier, between two replica processes and a real redis-server. */
describe.skipIf(!redisInstalled)('score cache shared through Redis', () => {
  let redis: TestRedis;
  let upstream: FakeUpstream;
  let prm: FakeVllm;
  const replicas: Replica[] = [];
  const replica = async (env: Record<string, string> = {}) => {
    const r = await startReplica({
      UPSTREAM_BASE_URL: upstream.url,
      REDIS_URL: redis.url,
      SCORER: 'remote',
      SCORER_URL: prm.url,
      SCORER_MODEL: 'Qwen/Qwen2.5-Math-PRM-7B',
      ...env,
    });
    replicas.push(r);
    return r;
  };
  const ask = async (r: Replica, seed: number) => {
    const res = await r.post('unused', { model: 'fake-model', messages: MATH, best_of: 4, seed });
    expect(res.status).toBe(200);
    return metadataOf(await res.json());
  };

  beforeAll(async () => {
    redis = await startRedis();
    upstream = await startFakeUpstream();
    prm = await startFakeVllm();
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.kill()));
    await Promise.all([upstream?.close(), prm?.close(), redis?.stop()]);
  });

  it('replica B answers from Redis for candidates replica A scored, and the metadata names the tier', async () => {
    const [a, b] = await Promise.all([replica(), replica()]);
    const first = await ask(a, 11);
    expect(first.fallback).toBeUndefined();
    expect(first.scorer).toBe('remote');
    expect(first.scorer_info).toMatchObject({ cache_hits: 0, cache_hits_by_tier: { memory: 0, redis: 0 } });
    const scored = first.scorer_info?.sequences_scored;
    expect(scored).toBeGreaterThan(0);
    const calls = prm.requests.length;
    // The write is in the background; B asks once A's entries are there.
    await expect.poll(async () => Number((await redis.command('DBSIZE')).slice(1))).toBe(scored);

    const second = await ask(b, 11);
    expect(prm.requests.length).toBe(calls);
    expect(second.scorer_info).toMatchObject({
      cache_hits: scored,
      cache_hits_by_tier: { memory: 0, redis: scored },
      sequences_scored: 0,
    });
    expect(second.candidates.map((c: any) => c.reward)).toEqual(first.candidates.map((c: any) => c.reward));
    // Now in B's own memory too.
    expect((await ask(b, 11)).scorer_info?.cache_hits_by_tier).toEqual({ memory: scored, redis: 0 });
  });

  it('skips the tier while Redis is down (scoring goes on, one log line), and entries over the byte cap stay local', async () => {
    const r = await replica({ REDIS_PREFIX: 'down-test' });
    await redis.stop();
    const calls = prm.requests.length;
    const meta = await ask(r, 23);
    expect(meta.scorer).toBe('remote');
    expect(meta.scorer_info?.cache_hits).toBe(0);
    expect(prm.requests.length).toBeGreaterThan(calls);
    await ask(r, 29);
    expect(
      r.logs.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('redis unavailable for cache')),
    ).toHaveLength(1);
    expect(await (await fetch(`${r.url}/metrics`)).text()).toMatch(/^bestofn_redis_outages_total\{use="cache"\} 1$/m);
    await redis.start();

    const tiny = await replica({ REDIS_PREFIX: 'cap-test', REDIS_CACHE_MAX_BYTES: '16' });
    await expect
      .poll(async () => (await (await fetch(`${tiny.url}/readyz`)).json()).checks.redis.connection)
      .toBe('ready');
    expect((await ask(tiny, 31)).scorer_info?.sequences_scored).toBeGreaterThan(0);
    await new Promise((res) => setTimeout(res, 200));
    expect(await redis.command('DBSIZE')).toBe(':0');
  });
});
