import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { loadConfigFile } from '../../src/config-loader';
import { startGateway, type RunningGateway } from '../../src/node';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream';
import { redisInstalled, startRedis, type TestRedis } from '../helpers/redis-server';

/**
 * Issue 27, item 16: a REDIS_URL with a wrong password is a configuration to fix, not an outage: the log
 * names the refused credentials (not "does not answer"), and /readyz is not ready, even with
 * REDIS_FAILURE=local, whose replicas otherwise stay ready while Redis is away.
 */
describe.skipIf(!redisInstalled)('a Redis that refuses the password in REDIS_URL', () => {
  let redis: TestRedis;
  let upstream: FakeUpstream;
  let gateway: RunningGateway | undefined;
  const lines: any[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    await redis.command('CONFIG', 'SET', 'requirepass', 'the-right-password');
    upstream = await startFakeUpstream();
    const config = parseConfig(
      {
        UPSTREAM_BASE_URL: upstream.url,
        PORT: '0',
        REDIS_URL: `redis://:the-wrong-password@127.0.0.1:${redis.port}`,
        GATEWAY_API_KEYS: 'a-gateway-key-of-some-length',
      },
      [],
      loadConfigFile,
    );
    const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
    gateway = await startGateway(config, log);
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
    await redis?.stop();
  });

  it('logs the refused credentials, not an outage, and never the password', () => {
    const text = JSON.stringify(lines);
    expect(lines.some((l) => /refused the credentials in REDIS_URL/.test(l.msg))).toBe(true);
    expect(lines.some((l) => /does not answer/.test(l.msg))).toBe(false);
    expect(text).not.toContain('the-wrong-password');
  });

  it('/readyz is 503 and says why', async () => {
    const res = await fetch(`${gateway!.url}/readyz`);
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body.checks.redis).toMatchObject({ ok: false, auth_error: expect.stringContaining('WRONGPASS') });
    expect(JSON.stringify(body)).not.toContain('the-wrong-password');
  });
});
