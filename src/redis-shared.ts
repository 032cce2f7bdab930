/**
 * Everything a Node replica shares through REDIS_URL, built once by the Node entry: the per-key limiter,
 * the score cache's Redis tier, their outage tracking (one log line per outage, counters in /metrics) and
 * the /readyz check. Node-only.
 */
import { createHash } from 'node:crypto';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Config } from './config';
import type { Logger } from './log';
import type { ReadyCheck } from './observability/readiness';
import { KeyLimiter } from './access/key-limits';
import { RedisKeyLimiter } from './access/redis-limiter';
import { createRedisScoreTier } from './scorer/redis-score-tier';
import type { SharedScoreTier } from './scorer/shared-score-tier';
import { connected, createRedisClient } from './redis/redis-client';
import { RedisHealth, type RedisUse } from './redis/redis-health';

export interface RedisShared {
  limiter: RedisKeyLimiter;
  /** Undefined when REDIS_CACHE_TTL_S=0. */
  scoreTier?: SharedScoreTier;
  ready: ReadyCheck;
  health: RedisHealth;
  close(): Promise<void>;
}

/** Redis's answers to a wrong user or password (WRONGPASS), or to none where one is required (NOAUTH). */
const AUTH_FAILURE = /\b(WRONGPASS|NOAUTH)\b|invalid password/i;
const AUTH_ADVICE =
  'redis refused the credentials in REDIS_URL: fix its user or password (redis://user:password@host:port)';

/** The same key gets the same id on every replica; the key itself never reaches Redis. */
const keyId = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 32);

export async function createRedisShared(
  config: Config & { REDIS_URL: string },
  log: Logger,
  registry: Registry,
): Promise<RedisShared> {
  const errors = new Counter({
    name: 'bestofn_redis_errors_total',
    help: 'Redis calls that failed or timed out, by use',
    labelNames: ['use'],
    registers: [registry],
  });
  const outages = new Counter({
    name: 'bestofn_redis_outages_total',
    help: 'Times Redis stopped answering, by use',
    labelNames: ['use'],
    registers: [registry],
  });
  const up = new Gauge({
    name: 'bestofn_redis_up',
    help: '1 while Redis answers, by use',
    labelNames: ['use'],
    registers: [registry],
  });
  for (const use of ['limits', 'cache'] as const) up.set({ use }, 1);
  const fallback: Record<RedisUse, string> = {
    limits:
      config.REDIS_FAILURE === 'local'
        ? 'each replica applies its own limits'
        : 'requests with a gateway key are refused (503)',
    cache: 'the shared score cache is skipped',
  };
  const health = new RedisHealth(
    {
      warn: (msg, err) => log.warn({ err: err instanceof Error ? err.message : String(err) }, msg),
      info: (msg) => log.info(msg),
      failed: (use) => errors.inc({ use }),
      changed: (use, isUp) => {
        up.set({ use }, isUp ? 1 : 0);
        if (!isUp) outages.inc({ use });
      },
    },
    fallback,
  );
  // Connection errors repeat on every reconnect attempt; the uses' own failures are what get logged. A
  // refused password is not an outage but a wrong REDIS_URL: it is named once, and the replica is not ready.
  let authError: string | null = null;
  const client = createRedisClient({
    url: config.REDIS_URL,
    timeoutMs: config.REDIS_TIMEOUT_MS,
    onError: (err) => {
      if (!AUTH_FAILURE.test(err.message) || authError !== null) return;
      authError = err.message;
      log.error({ err: err.message }, AUTH_ADVICE);
    },
  });
  client.on('ready', () => (authError = null));
  if (!(await connected(client, 2000)) && authError === null)
    log.warn(
      { status: client.status },
      `redis does not answer at start-up; limits: ${fallback.limits}, cache: ${fallback.cache} until it does`,
    );
  const limiter = new RedisKeyLimiter({
    client,
    keyIds: config.keys.map((k) => keyId(k.key)),
    prefix: config.REDIS_PREFIX,
    leaseMs: config.REDIS_LEASE_MS,
    failure: config.REDIS_FAILURE,
    local: new KeyLimiter(),
    health,
  });
  const scoreTier =
    config.REDIS_CACHE_TTL_S > 0
      ? createRedisScoreTier({
          client,
          prefix: config.REDIS_PREFIX,
          ttlSeconds: config.REDIS_CACHE_TTL_S,
          maxEntryBytes: config.REDIS_CACHE_MAX_BYTES,
          health,
        })
      : undefined;
  return {
    limiter,
    scoreTier,
    health,
    ready: {
      name: 'redis',
      check: () => {
        const limits = health.status('limits');
        const cache = health.status('cache');
        // With local fallback a replica still serves correctly while Redis is away, only less strictly; a
        // refused password is no outage to ride out but a configuration to fix, whatever REDIS_FAILURE says.
        const ok = authError === null && (config.REDIS_FAILURE === 'local' || (client.status === 'ready' && limits.up));
        return {
          ok,
          connection: client.status,
          failure_mode: config.REDIS_FAILURE,
          ...(authError !== null ? { auth_error: `${AUTH_ADVICE}: ${authError}` } : {}),
          limits,
          cache,
        };
      },
    },
    async close() {
      limiter.close();
      await client.quit().catch(() => client.disconnect());
    },
  };
}
