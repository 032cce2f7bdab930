/**
 * The one Redis connection of a Node gateway (ioredis). Node-only: the Workers bundle never imports it.
 * Every command fails fast instead of waiting: nothing is queued while disconnected, each command has a
 * timeout, and ioredis keeps reconnecting in the background, so a request never hangs on Redis.
 */
import { Redis } from 'ioredis';

export interface RedisClientOptions {
  url: string;
  /** REDIS_TIMEOUT_MS: each command's limit. */
  timeoutMs: number;
  /** Connection errors (ioredis emits them on every reconnect attempt); the callers' health tracks outages. */
  onError?: (err: Error) => void;
}

export function createRedisClient(opts: RedisClientOptions): Redis {
  const client = new Redis(opts.url, {
    commandTimeout: opts.timeoutMs,
    connectTimeout: Math.max(opts.timeoutMs, 1000),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // Reconnect soon after an outage ends, but do not spin: 50 ms, 100 ms, … up to 1 s between attempts.
    retryStrategy: (times) => Math.min(times * 50, 1000),
    lazyConnect: false,
  });
  // Without a listener an 'error' event would crash the process.
  client.on('error', (err: Error) => opts.onError?.(err));
  return client;
}

/**
 * Resolves once the client is connected, or after `ms` whatever its state: with no offline queue, calls
 * made before the first connection fail, so an entry waits briefly for it rather than starting with
 * every early request counted as an outage. A Redis that is down at start delays start-up by `ms` only.
 */
export function connected(client: Redis, ms: number): Promise<boolean> {
  if (client.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), ms);
    client.once('ready', onReady);
  });
}
