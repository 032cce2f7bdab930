import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { startGateway } from '../../src/node';
import { startFakeUpstream } from '../helpers/fake-upstream';
import { MATH, startTestGateway } from '../helpers/gateway';
import { startRawUpstream } from '../helpers/raw-upstream';

const TOOLS = [{ type: 'function', function: { name: 'f' } }];

async function gatewayFor(url: string, env: Record<string, string> = {}) {
  return startGateway(parseConfig({ UPSTREAM_BASE_URL: url, PORT: '0', LOG_LEVEL: 'silent', UPSTREAM_RETRY_BASE_MS: '1', ...env }), createLogger('silent'));
}

const post = (base: string, body: object) =>
  fetch(`${base}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Each fault ends in a clear OpenAI error or a degraded but correct answer, and the gateway keeps serving. */
describe('upstream faults', () => {
  it('an upstream that resets the connection mid-answer is a 502, and the next request is served', async () => {
    let broken = true;
    const raw = await startRawUpstream((_req, res) => {
      if (!broken) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'x', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'fine \\boxed{1}' } }] }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
      res.write('{"id":"x","choices":[{"message":');
      setTimeout(() => res.socket?.destroy(), 10);
    });
    const gw = await gatewayFor(raw.url, { UPSTREAM_RETRIES: '0' });
    try {
      const res = await post(gw.url, { model: 'm', messages: MATH, best_of: 2 });
      expect(res.status).toBe(502);
      expect((await res.json()).error.type).toBe('upstream_error');
      broken = false;
      expect((await post(gw.url, { model: 'm', messages: MATH, best_of: 2 })).status).toBe(200);
    } finally {
      await gw.close();
      await raw.close();
    }
  });

  it.each([
    ['resets mid-stream', (res: import('node:http').ServerResponse) => (res.write('data: {"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}\n\n'), setTimeout(() => res.socket?.destroy(), 20))],
    ['sends SSE garbage', (res: import('node:http').ServerResponse) => res.end('data: {"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}\n\ndata: <html>oops</html>\n\n')],
  ])('a streamed passthrough whose upstream %s ends with an error event the client raises', async (_name, misbehave) => {
    const raw = await startRawUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      misbehave(res);
    });
    const gw = await gatewayFor(raw.url);
    try {
      const res = await post(gw.url, { model: 'm', messages: MATH, tools: TOOLS, stream: true });
      const text = await res.text();
      expect(text).toContain('"content":"Hel"');
      const last = text.trim().split('\n\n').at(-1)!;
      expect(JSON.parse(last.slice(6)).error.code).toBe('bad_upstream_response');
      expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
    } finally {
      await gw.close();
      await raw.close();
    }
  });

  it('a hanging upstream meets the request deadline with a 504', async () => {
    const raw = await startRawUpstream(() => {});
    const gw = await gatewayFor(raw.url);
    try {
      const res = await post(gw.url, { model: 'm', messages: MATH, best_of: 2, bestofn: { deadline_ms: 200 } });
      expect(res.status).toBe(504);
      expect((await res.json()).error.code).toBe('deadline');
    } finally {
      await gw.close();
      await raw.close();
    }
  });
});

describe('slow clients', () => {
  it('a client that reads a long streamed answer slowly still gets all of it', async () => {
    const long = Array.from({ length: 3000 }, (_, i) => `word${i}`).join(' ') + ' \\boxed{42}';
    const t = await startTestGateway({}, { respond: () => ({ content: long }) });
    try {
      const res = await post(t.gateway.url, { model: 'fake-model', messages: MATH, best_of: 2, stream: true });
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let received = '';
      // Small reads with pauses: the gateway meets a full socket buffer and must wait, not drop or fail.
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        received += decoder.decode(chunk.value, { stream: true });
        await new Promise((r) => setTimeout(r, 2));
      }
      const content = received
        .split('\n\n')
        .filter((e) => e.startsWith('data: {'))
        .map((e) => JSON.parse(e.slice(6)).choices[0]?.delta.content ?? '')
        .join('');
      expect(content).toBe(long);
      expect(received.trim().endsWith('data: [DONE]')).toBe(true);
    } finally {
      await t.close();
    }
  });
});

describe('client aborts', () => {
  it('keeps serving after many clients abort mid-request, and their upstream requests are aborted', async () => {
    const t = await startTestGateway({ UPSTREAM_CONCURRENCY: '100' }, { latencyMs: 300 });
    try {
      const clients = Array.from({ length: 20 }, () => new AbortController());
      const pending = clients.map((client, i) =>
        fetch(`${t.url}/chat/completions`, {
          method: 'POST',
          signal: client.signal,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'fake-model', messages: MATH, best_of: 3, stream: i % 2 === 0 }),
        })
          .then((r) => r.text())
          .catch(() => 'aborted'),
      );
      await expect.poll(() => t.upstream.requests.length).toBe(60);
      for (const client of clients) client.abort();
      await Promise.all(pending);
      await expect.poll(() => t.upstream.aborted).toBe(60);
      const res = await t.client.chat.completions.create({ model: 'fake-model', messages: MATH, best_of: 2 } as never);
      expect(res.choices).toHaveLength(1);
    } finally {
      await t.close();
    }
  });
});
