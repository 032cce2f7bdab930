import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { KeyLimiter } from '../../src/access/key-limits';
import { ConfigError, parseConfig } from '../../src/config';
import { startTestGateway, MATH } from '../helpers/gateway';

describe('gateway API keys', () => {
  it('admits a configured key, refuses others with a 401, and never forwards the gateway key upstream', async () => {
    const t = await startTestGateway({ GATEWAY_API_KEYS: 'gw-alpha, gw-beta', UPSTREAM_API_KEY: 'sk-upstream' });
    try {
      const good = new OpenAI({ baseURL: t.url, apiKey: 'gw-beta', maxRetries: 0 });
      const res = await good.chat.completions.create({ model: 'fake-model', messages: MATH, best_of: 2 } as never);
      expect(res.choices).toHaveLength(1);
      expect(t.upstream.headers.every((h) => h.authorization === 'Bearer sk-upstream')).toBe(true);

      const bad = new OpenAI({ baseURL: t.url, apiKey: 'gw-alph', maxRetries: 0 });
      await expect(bad.chat.completions.create({ model: 'fake-model', messages: MATH })).rejects.toMatchObject({
        status: 401,
        code: 'invalid_api_key',
      });
      const none = await fetch(`${t.url}/chat/completions`, { method: 'POST', body: '{}' });
      expect(none.status).toBe(401);
      expect((await none.json()).error.message).toMatch(/Missing API key/);
      expect(
        JSON.stringify(await (await fetch(`${t.url}/models`, { headers: { authorization: 'Bearer nope' } })).json()),
      ).not.toContain('sk-upstream');
    } finally {
      await t.close();
    }
  });

  it('answers 429 with Retry-After past the per-key rate, and caps N per key', async () => {
    const t = await startTestGateway({ GATEWAY_API_KEYS: 'k1,k2', KEY_RPM: '2', KEY_MAX_N: '3' });
    try {
      const post = (key: string, body: object) =>
        fetch(`${t.url}/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const over = await post('k1', { model: 'fake-model', messages: MATH, best_of: 4 });
      expect(over.status).toBe(400);
      expect((await over.json()).error.param).toBe('best_of');
      expect((await post('k1', { model: 'fake-model', messages: MATH, best_of: 3 })).status).toBe(200);
      const limited = await post('k1', { model: 'fake-model', messages: MATH, best_of: 1 });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await limited.json()).error.code).toBe('rate_limit_exceeded');
      expect((await post('k2', { model: 'fake-model', messages: MATH, best_of: 1 })).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('holds a concurrency slot until a streamed answer ends', async () => {
    // Headers at the first heartbeat, well before the candidate: the stream is still running when the second request comes.
    const t = await startTestGateway(
      { GATEWAY_API_KEYS: 'k1', KEY_CONCURRENCY: '1', BESTOFN_HEARTBEAT_MS: '20' },
      { latencyMs: 300 },
    );
    try {
      const post = () =>
        fetch(`${t.url}/chat/completions`, {
          method: 'POST',
          headers: { authorization: 'Bearer k1', 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'fake-model', messages: MATH, best_of: 2, stream: true }),
        });
      const first = await post();
      expect(first.status).toBe(200);
      expect((await post()).status).toBe(429);
      await first.text();
      await expect.poll(async () => await post().then(async (r) => (await r.text(), r.status))).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('KeyLimiter', () => {
  it('refills the bucket at the per-minute rate', () => {
    let now = 0;
    const limiter = new KeyLimiter(() => now);
    const limit = { rpm: 60, cpm: 1_000, concurrency: 100, maxN: 1 };
    for (let i = 0; i < 60; i++) expect(limiter.admit(0, limit).ok).toBe(true);
    const refused = limiter.admit(0, limit);
    expect(refused).toMatchObject({ ok: false, retryAfterSeconds: 1 });
    now += 1_000;
    expect(limiter.admit(0, limit).ok).toBe(true);
    expect(limiter.admit(0, limit).ok).toBe(false);
  });
});

describe('serving beyond loopback', () => {
  it('is refused without keys unless explicitly allowed', () => {
    const base = { UPSTREAM_BASE_URL: 'http://127.0.0.1:1/v1', HOST: '0.0.0.0' };
    expect(() => parseConfig(base)).toThrow(ConfigError);
    expect(() => parseConfig(base)).toThrow(/GATEWAY_API_KEYS/);
    expect(parseConfig({ ...base, GATEWAY_API_KEYS: 'k' }).HOST).toBe('0.0.0.0');
    expect(parseConfig({ ...base, ALLOW_UNAUTHENTICATED: 'true' }).HOST).toBe('0.0.0.0');
  });
});
