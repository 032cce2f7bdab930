import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream';
import { MATH } from '../helpers/gateway';
import { redisInstalled, sharedRedis, startRedis, type TestRedis } from '../helpers/redis-server';
import { startLocalReplica, startReplica, type LocalReplica, type Replica } from '../helpers/replica';

/**
 * Per-key limits shared by replicas through a real redis-server. Each replica is its own `bestofn serve`
 * process, as behind a load balancer.
 */
const body = { model: 'fake-model', messages: MATH, best_of: 1 };
// Unique per run, so a long-lived Redis (BESTOFN_TEST_REDIS_URL) never carries one run's tokens into the next.
const RUN = `${process.pid}-${Date.now()}`;
/**
 * Only a guard against a hang: the tests wait for states (a request answered, a reconnect, a lease gone),
 * never for a time, and on a loaded 2-core machine starting replicas alone can take vitest's default 30 s.
 */
const HANG_GUARD_MS = 120_000;

describe.skipIf(!redisInstalled)('per-key limits in Redis, shared by replicas', () => {
  let redis: Awaited<ReturnType<typeof sharedRedis>>;
  let upstream: FakeUpstream;
  const replicas: (Replica | LocalReplica)[] = [];
  /** A replica in its own process, to be killed; `local` ones run in this process (see startLocalReplica). */
  const replica = async (env: Record<string, string>) => {
    const r = await startReplica({ UPSTREAM_BASE_URL: upstream.url, REDIS_URL: redis.url, ...env });
    replicas.push(r);
    return r;
  };
  const local = async (env: Record<string, string>) => {
    const r = await startLocalReplica({ UPSTREAM_BASE_URL: upstream.url, REDIS_URL: redis.url, ...env });
    replicas.push(r);
    return r;
  };

  beforeAll(async () => {
    redis = await sharedRedis();
    // Requests with max_tokens 999 are held for 30 s, so they keep a concurrency slot; the rest answer at once.
    upstream = await startFakeUpstream({ latencyMs: (b) => (b.max_tokens === 999 ? 30_000 : 0) });
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => ('kill' in r ? r.kill() : r.close())));
    await upstream?.close();
    await redis?.stop();
  });

  it(
    'rpm + 1 requests spread over two replicas get exactly one 429, with the same Retry-After as one replica gives',
    async () => {
      const env = { GATEWAY_API_KEYS: 'shared-key,other-key', KEY_RPM: '6', REDIS_PREFIX: `rpm-${RUN}` };
      const [a, b] = await Promise.all([local(env), local(env)]);
      const statuses: number[] = [];
      let limited: Response | undefined;
      const first = Date.now();
      for (let i = 0; i < 7; i++) {
        const res = await (i % 2 ? b : a).post('shared-key', body);
        statuses.push(res.status);
        if (res.status === 429) limited = res;
        else await res.text();
      }
      expect(statuses.filter((s) => s === 429)).toHaveLength(1);
      expect(statuses[6]).toBe(429);
      // 6 rpm refills one token in 10 s, counted from the first request (seconds later on a loaded
      // machine): the answer is the local limiter's, word for word.
      const elapsed = Math.ceil((Date.now() - first) / 1000);
      const retryAfter = Number(limited!.headers.get('retry-after'));
      expect(retryAfter).toBeLessThanOrEqual(10);
      expect(retryAfter).toBeGreaterThanOrEqual(Math.min(9, 10 - elapsed));
      expect((await limited!.json()).error).toMatchObject({
        code: 'rate_limit_exceeded',
        type: 'rate_limit_error',
        message: 'Rate limit: rate limit of 6 requests per minute reached for this key',
      });
      // Another key has its own bucket.
      expect((await b.post('other-key', body)).status).toBe(200);
    },
    HANG_GUARD_MS,
  );

  it(
    "a killed replica's concurrency slots come back after the lease expires, and a live replica's do not",
    async () => {
      const env = {
        GATEWAY_API_KEYS: 'lease-key',
        KEY_CONCURRENCY: '1',
        REDIS_LEASE_MS: '1000',
        REDIS_PREFIX: `lease-${RUN}`,
      };
      const [a, b] = await Promise.all([replica(env), local(env)]);
      const held = a.post('lease-key', { ...body, max_tokens: 999 }).catch(() => 'cut off with its replica');
      await expect
        .poll(() => upstream.requests.filter((r) => r.max_tokens === 999).length, { timeout: HANG_GUARD_MS })
        .toBe(1);
      const leaseSet = `lease-${RUN}:{${createHash('sha256').update('lease-key').digest('hex').slice(0, 32)}}:leases`;
      expect(await redis.command('ZCARD', leaseSet)).toBe(':1');
      expect((await b.post('lease-key', body)).status).toBe(429);
      // Two lease lifetimes later the slot is still held: replica A renews it while its request runs.
      await new Promise((r) => setTimeout(r, 2200));
      const stillHeld = await b.post('lease-key', body);
      expect(stillHeld.status).toBe(429);
      expect((await stillHeld.json()).error.message).toBe(
        'Rate limit: limit of 1 concurrent requests reached for this key',
      );

      await a.kill('SIGKILL');
      expect(await held).toBe('cut off with its replica');
      const killedAt = Date.now();
      await expect
        .poll(async () => (await b.post('lease-key', body)).status, { timeout: HANG_GUARD_MS, interval: 100 })
        .toBe(200);
      // Not before the lease ran out (renewed at most a third of a lease before the kill).
      expect(Date.now() - killedAt).toBeGreaterThan(400);
    },
    HANG_GUARD_MS,
  );
});

/**
 * Redis hung, killed and back. The replicas run in this process (each with its own Redis connection and
 * limiter): starting three processes spent most of this test's time, tens of seconds on a loaded machine.
 * Nothing here is timed: a request that completes while Redis is frozen or down did not wait for it, and
 * every wait is for a state to change (Redis reconnected), bounded only by the test's own timeout.
 */
describe.skipIf(!redisInstalled)('when Redis fails', () => {
  let redis: TestRedis;
  let upstream: FakeUpstream;
  const replicas: LocalReplica[] = [];
  const replica = async (env: Record<string, string>) => {
    const r = await startLocalReplica(env);
    replicas.push(r);
    return r;
  };

  beforeAll(async () => {
    redis = await startRedis();
    upstream = await startFakeUpstream();
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.close()));
    await upstream?.close();
    await redis?.stop();
  });

  const status = async (r: LocalReplica, key: string) => {
    const res = await r.post(key, body);
    await res.text();
    return res.status;
  };
  const readyz = async (r: LocalReplica) => (await fetch(`${r.url}/readyz`)).json();
  /** Until the replica's Redis connection is ready again (ioredis retries at most a second apart). */
  const reconnected = (r: LocalReplica) =>
    expect
      .poll(async () => (await readyz(r)).checks.redis.connection, { timeout: HANG_GUARD_MS, interval: 50 })
      .toBe('ready');
  // With gateway keys configured, /metrics needs one.
  const metric = async (r: LocalReplica, line: RegExp) =>
    Number(
      line.exec(await (await fetch(`${r.url}/metrics`, { headers: { authorization: 'Bearer back' } })).text())?.[1] ??
        NaN,
    );
  const logged = (r: LocalReplica, prefix: string) =>
    r.logs.filter((l) => typeof l.msg === 'string' && l.msg.startsWith(prefix));

  it(
    'falls back to each replica’s own limits without hanging, logs the outage once, and shares again when Redis is back',
    async () => {
      // Three keys with 3 rpm each, one per phase, so no phase sees another's tokens. The command timeout is
      // what a request waits on a hung Redis: short, but not so short that a loaded machine's slow answer from
      // a healthy Redis counts as an outage.
      const env = {
        UPSTREAM_BASE_URL: upstream.url,
        REDIS_URL: redis.url,
        GATEWAY_API_KEYS: 'frozen,dead,back',
        KEY_RPM: '3',
        REDIS_TIMEOUT_MS: '300',
      };
      const [a, b] = await Promise.all([replica(env), replica(env)]);
      expect((await readyz(a)).checks.redis).toMatchObject({ ok: true, connection: 'ready', limits: { up: true } });

      // A hung Redis (SIGSTOP: connected, silent). Every request waits one command timeout, then uses local
      // limits: 3 per replica, so 6 pass over two replicas where the shared limit would let 3 through. All
      // eight are answered before Redis thaws: none waited for it.
      redis.freeze();
      const frozen = [];
      for (let i = 0; i < 8; i++) frozen.push(await status(i % 2 ? b : a, 'frozen'));
      redis.thaw();
      expect(frozen).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
      for (const r of [a, b]) {
        expect(logged(r, 'redis unavailable for limits')).toHaveLength(1);
        expect(await metric(r, /^bestofn_redis_errors_total\{use="limits"\} (\d+)/m)).toBeGreaterThanOrEqual(4);
        expect(await metric(r, /^bestofn_redis_outages_total\{use="limits"\} (\d+)/m)).toBe(1);
      }

      // Killed: connection refused, so the fallback needs no timeout; /readyz says so and stays 200 (local mode).
      await redis.stop();
      const dead = [];
      for (let i = 0; i < 8; i++) dead.push(await status(i % 2 ? b : a, 'dead'));
      expect(dead).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
      const down = await fetch(`${a.url}/readyz`);
      expect(down.status).toBe(200);
      expect((await down.json()).checks.redis).toMatchObject({
        ok: true,
        failure_mode: 'local',
        limits: { up: false },
      });
      // A replica that starts while Redis is down starts anyway, and serves on its own limits.
      const late = await replica(env);
      expect(logged(late, 'redis does not answer at start-up')).toHaveLength(1);
      expect(await status(late, 'dead')).toBe(200);

      // Back (empty): both replicas reconnect on their own and share one bucket again — 3 pass, not 6.
      await redis.start();
      for (const r of [a, b]) await reconnected(r);
      const back = [];
      for (let i = 0; i < 4; i++) back.push(await status(i % 2 ? b : a, 'back'));
      expect(back).toEqual([200, 200, 200, 429]);
      for (const r of [a, b]) {
        expect(logged(r, 'redis answers again for limits').length).toBeGreaterThanOrEqual(1);
        expect(await metric(r, /^bestofn_redis_up\{use="limits"\} (\d+)/m)).toBe(1);
      }
    },
    HANG_GUARD_MS,
  );

  it(
    'REDIS_FAILURE=refuse answers 503 while Redis is down, without waiting for it, and /readyz is 503',
    async () => {
      const env = {
        UPSTREAM_BASE_URL: upstream.url,
        REDIS_URL: redis.url,
        REDIS_FAILURE: 'refuse',
        REDIS_PREFIX: 'refuse-test',
        GATEWAY_API_KEYS: 'k',
      };
      const r = await replica(env);
      expect(await status(r, 'k')).toBe(200);
      await redis.stop();
      // Answered while Redis is still down: the refusal did not wait for it to come back.
      const res = await r.post('k', body);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      expect((await res.json()).error.code).toBe('limits_unavailable');
      expect((await fetch(`${r.url}/readyz`)).status).toBe(503);
      await redis.start();
      await reconnected(r);
      // The first call after the reconnect ends the outage; from then on requests pass.
      await expect.poll(() => status(r, 'k'), { timeout: HANG_GUARD_MS, interval: 50 }).toBe(200);
      expect((await fetch(`${r.url}/readyz`)).status).toBe(200);
    },
    HANG_GUARD_MS,
  );
});
