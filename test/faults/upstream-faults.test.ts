import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { startGateway } from '../../src/node';
import { MATH } from '../helpers/gateway';
import { startRawUpstream } from '../helpers/raw-upstream';
import { lastSseJson } from '../helpers/sse';

const TOOLS = [{ type: 'function', function: { name: 'f' } }];

async function gatewayFor(url: string, env: Record<string, string> = {}) {
  return startGateway(
    parseConfig({ UPSTREAM_BASE_URL: url, PORT: '0', LOG_LEVEL: 'silent', UPSTREAM_RETRY_BASE_MS: '1', ...env }),
    createLogger('silent'),
  );
}

const post = (base: string, body: object, signal?: AbortSignal) =>
  fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    signal,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const COMPLETION = {
  id: 'x',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'fine \\boxed{1}' } }],
};

/**
 * The OpenAI error a client sees. A streamed request that fails before its first candidate arrived
 * (and before the first heartbeat) gets the same HTTP error as a plain one: its headers were held.
 */
async function errorOf(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/json');
  const json = await res.json();
  expect(Object.keys(json.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  return json.error as { message: string; type: string; param: string | null; code: string | null };
}

/** Each fault ends in a clear OpenAI error or a degraded but correct answer, and the gateway keeps serving. */
describe('upstream faults', () => {
  it.each([false, true])(
    'an upstream that resets the connection mid-answer is a 502 (stream: %s), and the next request is served',
    async (stream) => {
      let broken = true;
      const raw = await startRawUpstream((_req, res) => {
        if (!broken) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(COMPLETION));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
        res.write('{"id":"x","choices":[{"message":');
        setTimeout(() => res.socket?.destroy(), 10);
      });
      const gw = await gatewayFor(raw.url, { UPSTREAM_RETRIES: '0' });
      try {
        const error = await errorOf(await post(gw.url, { model: 'm', messages: MATH, best_of: 2, stream }), 502);
        expect(error.type).toBe('upstream_error');
        expect(error.code).toBe('bad_upstream_response');
        // A tools request passes through once; a JSON answer cut off halfway is a clean 502 there too.
        if (!stream)
          expect(
            (
              await errorOf(
                await post(gw.url, {
                  model: 'm',
                  messages: MATH,
                  tools: [{ type: 'function', function: { name: 'f' } }],
                  bestofn: { tools: 'bypass' },
                }),
                502,
              )
            ).code,
          ).toBe('bad_upstream_response');
        broken = false;
        expect((await post(gw.url, { model: 'm', messages: MATH, best_of: 2 })).status).toBe(200);
      } finally {
        await gw.close();
        await raw.close();
      }
    },
  );

  it.each([
    ['an HTML page', '<html><body>502 Bad Gateway</body></html>'],
    ['truncated JSON', '{"id":"x","object":"chat.completion","choices":[{"index":0,'],
    ['JSON without choices', '{"id":"x","object":"chat.completion"}'],
  ])(
    'an upstream 200 whose body is %s is a 502 bad_upstream_response, and the next request is served',
    async (_name, text) => {
      let broken = true;
      const raw = await startRawUpstream((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(broken ? text : JSON.stringify(COMPLETION));
      });
      const gw = await gatewayFor(raw.url);
      try {
        for (const stream of [false, true]) {
          const error = await errorOf(await post(gw.url, { model: 'm', messages: MATH, best_of: 2, stream }), 502);
          expect(error.code).toBe('bad_upstream_response');
        }
        broken = false;
        expect((await post(gw.url, { model: 'm', messages: MATH, best_of: 2 })).status).toBe(200);
      } finally {
        await gw.close();
        await raw.close();
      }
    },
  );

  it.each([
    [
      'resets mid-stream',
      (res: import('node:http').ServerResponse) => (
        res.write(
          'data: {"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}\n\n',
        ),
        setTimeout(() => res.socket?.destroy(), 20)
      ),
    ],
    [
      'sends SSE garbage',
      (res: import('node:http').ServerResponse) =>
        res.end(
          'data: {"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}\n\ndata: <html>oops</html>\n\n',
        ),
    ],
  ])(
    'a streamed passthrough whose upstream %s ends with an error event the client raises',
    async (_name, misbehave) => {
      const raw = await startRawUpstream((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        misbehave(res);
      });
      const gw = await gatewayFor(raw.url);
      try {
        const res = await post(gw.url, {
          model: 'm',
          messages: MATH,
          tools: TOOLS,
          bestofn: { tools: 'bypass' },
          stream: true,
        });
        const text = await res.text();
        expect(text).toContain('"content":"Hel"');
        expect((await lastSseJson(text)).error.code).toBe('bad_upstream_response');
        expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
      } finally {
        await gw.close();
        await raw.close();
      }
    },
  );

  it.each([false, true])(
    'a hanging upstream meets the request deadline with a 504 in time (stream: %s)',
    async (stream) => {
      const raw = await startRawUpstream(() => {});
      const gw = await gatewayFor(raw.url);
      try {
        const started = performance.now();
        const error = await errorOf(
          await post(gw.url, { model: 'm', messages: MATH, best_of: 2, stream, bestofn: { deadline_ms: 300 } }),
          504,
        );
        expect(error.code).toBe('deadline');
        // Far looser than the deadline needs, far tighter than any upstream timeout (minutes by default).
        expect(performance.now() - started).toBeLessThan(3_000);
      } finally {
        await gw.close();
        await raw.close();
      }
    },
  );

  it('a hanging upstream behind a tools passthrough meets the request deadline with a 504', async () => {
    const raw = await startRawUpstream(() => {});
    const gw = await gatewayFor(raw.url);
    try {
      const res = await post(
        gw.url,
        { model: 'm', messages: MATH, tools: TOOLS, bestofn: { deadline_ms: 300, tools: 'bypass' } },
        AbortSignal.timeout(5_000),
      );
      const error = await errorOf(res, 504);
      expect(error.type).toBe('upstream_error');
    } finally {
      await gw.close();
      await raw.close();
    }
  });
});
