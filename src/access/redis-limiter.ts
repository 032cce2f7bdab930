/**
 * Per-key limits shared by every replica through Redis (Node-only). The rules are KeyLimiter's — a token
 * bucket of `rpm` refilled continuously, and at most `concurrency` requests at once — checked and taken
 * in one Lua script, so two replicas can never both take the last token. Time is Redis's own clock, so
 * replicas with skewed clocks agree.
 *
 * A concurrency slot is a lease: a member of a sorted set scored by its expiry. The replica that holds it
 * renews it while the request runs and removes it at the end; a replica that dies stops renewing, and its
 * slots come back REDIS_LEASE_MS later.
 *
 * When Redis fails or is slow, the request is admitted by this replica's own KeyLimiter
 * (REDIS_FAILURE=local) or refused with a 503 (refuse); RedisHealth logs the outage once.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { GatewayError } from '../errors';
import { LuaScript } from '../redis/lua-script';
import type { RedisHealth } from '../redis/redis-health';
import {
  admitted,
  candidateCost,
  candidateRefusal,
  concurrencyRefusal,
  rateRefusal,
  type Admission,
  type KeyLimit,
  type KeyLimiter,
  type Limiter,
  type Spending,
} from './key-limits';

// KEYS: bucket hash, lease set. ARGV: rpm, concurrency, lease id, lease ms.
// Returns {2, ''} admitted, {1, ''} over the concurrency limit, {0, tokens} over the rate.
const ADMIT = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rpm, concurrency, leaseMs = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[4])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or rpm
local at = tonumber(b[2]) or now
tokens = math.min(rpm, tokens + math.max(0, now - at) * rpm / 60000)
if tokens < 1 then return {0, tostring(tokens)} end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= concurrency then return {1, ''} end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - 1), 'at', now)
-- An untouched bucket refills within a minute; an absent one reads as full.
redis.call('PEXPIRE', KEYS[1], 61000)
redis.call('ZADD', KEYS[2], now + leaseMs, ARGV[3])
redis.call('PEXPIRE', KEYS[2], leaseMs * 2)
return {2, ''}
`);

// KEYS: lease set. ARGV: lease ms, lease ids… Pushes the expiry of the leases still held.
const RENEW = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local leaseMs = tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', now + leaseMs, ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], leaseMs * 2)
return 0
`);

// KEYS: candidate bucket hash. ARGV: cpm, cost. Returns {1, ''} taken, {0, tokens} over the candidate rate.
const SPEND = new LuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cpm, cost = tonumber(ARGV[1]), tonumber(ARGV[2])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1]) or cpm
local at = tonumber(b[2]) or now
tokens = math.min(cpm, tokens + math.max(0, now - at) * cpm / 60000)
if tokens < cost then return {0, tostring(tokens)} end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens - cost), 'at', now)
redis.call('PEXPIRE', KEYS[1], 61000)
return {1, ''}
`);

const reply = z.tuple([z.number(), z.string()]);

export interface RedisLimiterOptions {
  client: Redis;
  /** A stable id per key index (a digest of the key, never the key): the same key on every replica. */
  keyIds: readonly string[];
  prefix: string;
  leaseMs: number;
  failure: 'local' | 'refuse';
  local: KeyLimiter;
  health: RedisHealth;
}

export class RedisKeyLimiter implements Limiter {
  /** Lease set key → ids held by this replica, renewed every third of the lease. */
  private readonly held = new Map<string, Set<string>>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly opts: RedisLimiterOptions) {
    this.timer = setInterval(() => void this.renew(), Math.max(100, Math.floor(opts.leaseMs / 3)));
    this.timer.unref();
  }

  private keys(key: number): [string, string, string] {
    // One hash tag per gateway key keeps all three in one cluster slot, as a multi-key script needs.
    const tag = `${this.opts.prefix}:{${this.opts.keyIds[key]}}`;
    return [`${tag}:rpm`, `${tag}:leases`, `${tag}:cpm`];
  }

  async admit(key: number, limit: KeyLimit): Promise<Admission> {
    const [bucket, leases] = this.keys(key);
    const id = randomUUID();
    let answer: z.output<typeof reply>;
    try {
      answer = reply.parse(
        await ADMIT.run(this.opts.client, [bucket, leases], [limit.rpm, limit.concurrency, id, this.opts.leaseMs]),
      );
    } catch (err) {
      this.unavailable(err);
      return this.opts.local.admit(key, limit);
    }
    this.opts.health.ok('limits');
    if (answer[0] === 0) return rateRefusal(limit.rpm, Number(answer[1]));
    if (answer[0] === 1) return concurrencyRefusal(limit.concurrency);
    const mine = this.held.get(leases) ?? new Set<string>();
    this.held.set(leases, mine.add(id));
    return admitted(() => {
      mine.delete(id);
      if (mine.size === 0) this.held.delete(leases);
      // A release that does not reach Redis is not retried: the lease expires on its own.
      this.opts.client.zrem(leases, id).catch((err: unknown) => this.opts.health.fail('limits', err));
    });
  }

  async spend(key: number, limit: KeyLimit, candidates: number): Promise<Spending> {
    const cost = candidateCost(candidates, limit.cpm);
    let answer: z.output<typeof reply>;
    try {
      answer = reply.parse(await SPEND.run(this.opts.client, [this.keys(key)[2]], [limit.cpm, cost]));
    } catch (err) {
      this.unavailable(err);
      return this.opts.local.spend(key, limit, candidates);
    }
    this.opts.health.ok('limits');
    return answer[0] === 1 ? { ok: true } : candidateRefusal(limit.cpm, cost, Number(answer[1]));
  }

  /** Redis failed a limits call: noted once, then REDIS_FAILURE=refuse answers 503 (local: the caller goes on). */
  private unavailable(err: unknown): void {
    this.opts.health.fail('limits', err);
    if (this.opts.failure === 'refuse')
      throw new GatewayError(
        503,
        'Rate limits are unavailable (the shared store does not answer); try again shortly',
        'server_error',
        null,
        'limits_unavailable',
        { 'retry-after': '1' },
      );
  }

  private async renew(): Promise<void> {
    for (const [leases, ids] of this.held) {
      if (ids.size === 0) continue;
      try {
        await RENEW.run(this.opts.client, [leases], [this.opts.leaseMs, ...ids]);
      } catch (err) {
        this.opts.health.fail('limits', err);
        return;
      }
    }
  }

  /** Leases held by this replica now (for tests and /readyz). */
  heldLeases(): number {
    let n = 0;
    for (const ids of this.held.values()) n += ids.size;
    return n;
  }

  close(): void {
    clearInterval(this.timer);
  }
}
