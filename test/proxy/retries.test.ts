import { describe, expect, it } from 'vitest';
import { startTestGateway, MATH } from '../helpers/gateway';

const body = JSON.stringify({ model: 'fake-model', messages: MATH, best_of: 1 });
const post = (url: string) =>
  fetch(`${url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('upstream retries', () => {
  it.each([408, 429, 500, 502, 503])('retries a %i and answers once the upstream recovers', async (status) => {
    const t = await startTestGateway({ UPSTREAM_RETRIES: '2' }, { fail: (_b, call) => (call < 2 ? { status } : null) });
    try {
      expect((await post(t.url)).status).toBe(200);
      expect(t.upstream.requests).toHaveLength(3);
    } finally {
      await t.close();
    }
  });

  it.each([400, 401, 404, 422])('does not retry a %i', async (status) => {
    const t = await startTestGateway({ UPSTREAM_RETRIES: '3' }, { fail: () => ({ status }) });
    try {
      expect((await post(t.url)).status).toBe(status);
      expect(t.upstream.requests).toHaveLength(1);
    } finally {
      await t.close();
    }
  });

  it('waits out Retry-After before retrying', async () => {
    const t = await startTestGateway(
      { UPSTREAM_RETRIES: '1' },
      { fail: (_b, call) => (call === 0 ? { status: 429, headers: { 'retry-after': '1' } } : null) },
    );
    try {
      const started = Date.now();
      expect((await post(t.url)).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    } finally {
      await t.close();
    }
  });

  it('gives up after the configured attempts and returns the last error with its Retry-After', async () => {
    const t = await startTestGateway(
      { UPSTREAM_RETRIES: '2' },
      { fail: () => ({ status: 429, headers: { 'retry-after': '0' }, body: { error: { message: 'slow down' } } }) },
    );
    try {
      const res = await post(t.url);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('0');
      expect(t.upstream.requests).toHaveLength(3);
    } finally {
      await t.close();
    }
  });

  it('does not retry a first-byte timeout, and reports it as 504', async () => {
    const t = await startTestGateway(
      { UPSTREAM_RETRIES: '2', UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '150' },
      { latencyMs: 2_000 },
    );
    try {
      const res = await post(t.url);
      expect(res.status).toBe(504);
      expect((await res.json()).error.message).toMatch(/no response headers within 150 ms/);
      expect(t.upstream.requests).toHaveLength(1);
    } finally {
      await t.close();
    }
  });
});
