import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { chatChunkEvent, startRawUpstream } from '../helpers/raw-upstream';
import { lastSseJson } from '../helpers/sse';

/**
 * Issue 27, item 15: the N=1 relay obeys the request's deadline once the upstream's answer has begun
 * (BESTOFN_DEADLINE_MS and `bestofn.deadline_ms`), and a stream the upstream stops writing ends as a
 * timeout, not as a broken answer. The upstream sends its headers and a first token, then holds.
 */

describe('the N=1 passthrough under a deadline', () => {
  let upstream: Awaited<ReturnType<typeof startRawUpstream>>;
  const gateways: TestGateway[] = [];
  let longTimeout: TestGateway;
  let shortTimeout: TestGateway;
  beforeAll(async () => {
    upstream = await startRawUpstream((_req, res, body) => {
      const streamed = (JSON.parse(body) as { stream?: boolean }).stream === true;
      // Headers and a first piece, then nothing until the gateway gives up.
      res.writeHead(200, { 'content-type': streamed ? 'text/event-stream' : 'application/json' });
      res.write(streamed ? chatChunkEvent('The answer') : '{"id":"c","object":');
    });
    const start = async (env: Record<string, string>) => {
      const t = await startTestGateway({ UPSTREAM_BASE_URL: upstream.url, UPSTREAM_RETRIES: '0', ...env });
      await t.upstream.close();
      gateways.push(t);
      return t;
    };
    longTimeout = await start({ BESTOFN_DEADLINE_MS: '600000', UPSTREAM_TIMEOUT_MS: '600000' });
    shortTimeout = await start({ BESTOFN_DEADLINE_MS: '600000', UPSTREAM_TIMEOUT_MS: '300' });
  });
  afterAll(async () => {
    for (const t of gateways) await t.gateway.close();
    await upstream.close();
  });
  const post = (t: TestGateway, body: object) =>
    fetch(`${t.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'What is 2+2?' }], best_of: 1, ...body }),
    });

  it('bestofn.deadline_ms ends a JSON answer that began but stalls: a 504 coded deadline', async () => {
    const res = await post(longTimeout, { bestofn: { deadline_ms: 200 } });
    expect(res.status).toBe(504);
    expect((await res.json()).error.code).toBe('deadline');
  });

  it('bestofn.deadline_ms ends a stream that began but stalls, with an error event coded deadline', async () => {
    const res = await post(longTimeout, { stream: true, bestofn: { deadline_ms: 200 } });
    expect(res.status).toBe(200);
    expect((await lastSseJson(res)).error.code).toBe('deadline');
  });

  it('BESTOFN_DEADLINE_MS bounds the relay as the body control does', async () => {
    const t = await startTestGateway({
      UPSTREAM_BASE_URL: upstream.url,
      UPSTREAM_RETRIES: '0',
      BESTOFN_DEADLINE_MS: '200',
    });
    gateways.push(t);
    const res = await post(t, { stream: true });
    expect((await lastSseJson(res)).error.code).toBe('deadline');
  });

  it('a stalled stream that runs out of UPSTREAM_TIMEOUT_MS ends as upstream_timeout, not bad_upstream_response', async () => {
    const res = await post(shortTimeout, { stream: true });
    expect(res.status).toBe(200);
    const last = await lastSseJson(res);
    expect(last.error).toMatchObject({ type: 'upstream_error', code: 'upstream_timeout' });
  });

  it('a stalled JSON answer that runs out of UPSTREAM_TIMEOUT_MS is a 504 upstream_timeout', async () => {
    const res = await post(shortTimeout, {});
    expect(res.status).toBe(504);
    expect((await res.json()).error.code).toBe('upstream_timeout');
  });
});
