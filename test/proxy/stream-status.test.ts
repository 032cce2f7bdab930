import OpenAI, { APIError } from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { MATH, startTestGateway, type TestGateway } from '../helpers/gateway';

const failing =
  (status: number, message: string, headers: Record<string, string> = {}) =>
  () => ({ status, headers, body: { error: { message, type: 'invalid_request_error', param: null, code: null } } });

let t: TestGateway | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('a streamed request that fails before its headers', () => {
  it.each([
    [400, OpenAI.BadRequestError, 'context too long'],
    [404, OpenAI.NotFoundError, 'unknown model'],
    [429, OpenAI.RateLimitError, 'slow down'],
  ])(
    'answers the upstream %i as an HTTP error the SDK raises typed, with its status',
    async (status, Type, message) => {
      t = await startTestGateway(
        { UPSTREAM_RETRIES: '0' },
        { fail: failing(status, message, status === 429 ? { 'retry-after': '7' } : {}) },
      );
      const err = await t.client.chat.completions
        .create({ model: 'fake-model', messages: MATH, best_of: 2, stream: true } as never)
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(Type);
      expect((err as APIError).status).toBe(status);
      expect((err as APIError).message).toContain(message);
      if (status === 429) expect((err as APIError).headers?.get('retry-after')).toBe('7');
    },
  );

  it('answers an unreachable upstream as a 502 with the OpenAI error body', async () => {
    t = await startTestGateway({ UPSTREAM_RETRIES: '0' });
    await t.upstream.close();
    const res = await fetch(`${t.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-model', messages: MATH, best_of: 2, stream: true }),
    });
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect((await res.json()).error.code).toBe('upstream_unreachable');
  });

  it('streams once a candidate has answered, though another failed', async () => {
    t = await startTestGateway(
      { UPSTREAM_RETRIES: '0' },
      { fail: (_b, call) => (call === 0 ? { status: 500 } : null) },
    );
    const res = await fetch(`${t.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-model', messages: MATH, best_of: 2, stream: true }),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('data: [DONE]');
  });

  it('sends the headers when the first heartbeat is due, even before any candidate answered', async () => {
    t = await startTestGateway({ BESTOFN_HEARTBEAT_MS: '20' }, { latencyMs: 300 });
    const started = performance.now();
    const res = await fetch(`${t.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-model', messages: MATH, best_of: 2, stream: true }),
    });
    const headersAfter = performance.now() - started;
    expect(res.status).toBe(200);
    expect(headersAfter).toBeLessThan(300);
    expect(await res.text()).toContain('data: [DONE]');
  });
});

describe('one retry budget', () => {
  it('the gateway retries, then tells the client not to: one call costs 1 + UPSTREAM_RETRIES upstream calls per candidate', async () => {
    t = await startTestGateway({ UPSTREAM_RETRIES: '2' }, { fail: () => ({ status: 503 }) });
    // The SDK's own default, which multiplied the calls before.
    const client = new OpenAI({ baseURL: t.url, apiKey: 'test', maxRetries: 2 });
    for (const stream of [false, true]) {
      const before = t.upstream.requests.length;
      const err = await client.chat.completions
        .create({ model: 'fake-model', messages: MATH, best_of: 2, stream } as never)
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(OpenAI.InternalServerError);
      expect((err as APIError).headers?.get('x-should-retry')).toBe('false');
      expect(t.upstream.requests.length - before).toBe(2 * 3);
    }
  });

  it('with UPSTREAM_RETRIES=0 the retrying is left to the client', async () => {
    t = await startTestGateway({ UPSTREAM_RETRIES: '0' }, { fail: (_b, call) => (call < 2 ? { status: 503 } : null) });
    const client = new OpenAI({ baseURL: t.url, apiKey: 'test', maxRetries: 1 });
    const { response } = await client.chat.completions
      .create({ model: 'fake-model', messages: MATH, best_of: 2 } as never)
      .withResponse();
    expect(response.status).toBe(200);
    expect(t.upstream.requests.length).toBe(4);
  });

  it('says no retry on a client mistake or a spent deadline, and yes on the gateway’s own back-pressure', async () => {
    t = await startTestGateway({ GATEWAY_API_KEYS: 'k1,k2', KEY_RPM: '1' });
    const post = (key: string) =>
      fetch(`${t!.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ model: 'fake-model', messages: MATH, best_of: 1 }),
      });
    expect((await post('wrong')).headers.get('x-should-retry')).toBe('false');
    expect((await post('k1')).status).toBe(200);
    const limited = await post('k1');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-should-retry')).toBe('true');
    const slow = await startTestGateway({}, { latencyMs: 1_000 });
    try {
      const late = await fetch(`${slow.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'fake-model', messages: MATH, best_of: 2, bestofn: { deadline_ms: 50 } }),
      });
      expect(late.status).toBe(504);
      expect(late.headers.get('x-should-retry')).toBe('false');
    } finally {
      await slow.close();
    }
    const bad = await fetch(`${t.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer k2' },
      body: '{',
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('x-should-retry')).toBe('false');
  });
});
