/**
 * The Node entry's start-up: a start that fails part-way closes again what it had opened, so a gateway
 * that cannot take its port does not leave a Redis connection (or a record file) holding the process.
 */
import net from 'node:net';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config';
import { createLogger } from '../src/log';
import { startGateway } from '../src/node';
import { redisInstalled, startRedis, type TestRedis } from './helpers/redis-server';

const clients = async (probe: Redis) =>
  String(await probe.client('LIST'))
    .trim()
    .split('\n').length;

describe.skipIf(!redisInstalled)('a start-up that fails part-way', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it('closes the Redis connection it opened when the port is taken', async () => {
    const redis: TestRedis = await startRedis();
    cleanup.push(() => redis.stop());
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => taken.close(resolve)));
    const port = (taken.address() as net.AddressInfo).port;
    const probe = new Redis(redis.url, { lazyConnect: true });
    await probe.connect();
    cleanup.push(() => probe.quit());
    const before = await clients(probe);

    const config = parseConfig({
      UPSTREAM_BASE_URL: 'http://127.0.0.1:9/v1',
      HOST: '127.0.0.1',
      PORT: String(port),
      REDIS_URL: redis.url,
      LOG_LEVEL: 'silent',
    });
    await expect(startGateway(config, createLogger('silent'))).rejects.toThrow(/EADDRINUSE/);
    // The gateway's own connection came and went: only the probe is left.
    await expect.poll(() => clients(probe), { timeout: 3_000 }).toBe(before);
  });
});
