import zlib from 'node:zlib';
import type http from 'node:http';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { startGateway } from '../../src/node';
import { MATH } from '../helpers/gateway';
import { startRawUpstream } from '../helpers/raw-upstream';
import { lastSseJson, sseJson } from '../helpers/sse';
import { encodeSseEvent, encodeSseJson } from '../../src/http/sse';
import { metadataOf } from '../helpers/metadata';

/** Every finding of the hostile review of upstream answers, each against a raw upstream that commits it. */
const TOOLS = [{ type: 'function', function: { name: 'f' } }];
const LIVE = { reject: { after_tokens: 2, every_tokens: 1000, keep_fraction: 1, min_keep: 1 } };

const choice = (index: number, message: unknown) => ({ index, finish_reason: 'stop', message });
const completion = (choices: unknown[]) => ({
  id: 'cmpl-up',
  object: 'chat.completion',
  created: 7,
  model: 'up-model',
  choices,
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
});
const GOOD = (index: number) => choice(index, { role: 'assistant', content: 'So \\boxed{42}' });
const sseOf = (events: unknown[]) =>
  events.map((e) => (typeof e === 'string' ? encodeSseEvent(e) : encodeSseJson(e))).join('');
const chunk = (delta: object, finish: string | null = null) => ({
  id: 'chatcmpl-live',
  object: 'chat.completion.chunk',
  created: 9,
  model: 'live-model',
  choices: [{ index: 0, delta, finish_reason: finish }],
});
const GOOD_STREAM = sseOf([
  chunk({ role: 'assistant', content: '' }),
  chunk({ content: 'So ' }),
  chunk({ content: '\\boxed{42}' }),
  chunk({}, 'stop'),
  '[DONE]',
]);

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: string, call: number) => void;

async function withGateway(
  handle: Handler,
  env: Record<string, string>,
  run: (base: string, upstream: { calls: number }) => Promise<void>,
) {
  let call = 0;
  const upstream = await startRawUpstream((req, res, body) => handle(req, res, body, call++));
  const gw = await startGateway(
    parseConfig({
      UPSTREAM_BASE_URL: upstream.url,
      PORT: '0',
      LOG_LEVEL: 'silent',
      UPSTREAM_RETRY_BASE_MS: '1',
      ...env,
    }),
    createLogger('silent'),
  );
  try {
    await run(gw.url, upstream);
  } finally {
    await gw.close();
    await upstream.close();
  }
}

const post = (base: string, body: object) =>
  fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', messages: MATH, ...body }),
  });

const json = (res: http.ServerResponse, value: unknown) => (
  res.writeHead(200, { 'content-type': 'application/json' }),
  res.end(JSON.stringify(value))
);

describe('malformed candidates fail alone', () => {
  it.each([
    ['content: 12345', choice(1, { role: 'assistant', content: 12345 })],
    ['{} for the whole choice', {}],
    ['reasoning_content: 7', choice(1, { role: 'assistant', content: 'So \\boxed{42}', reasoning_content: 7 })],
  ])('one choice with %s is marked failed and the other two are ranked', async (_name, bad) => {
    await withGateway(
      (_q, res) => json(res, completion([GOOD(0), bad, GOOD(2)])),
      { UPSTREAM_SUPPORTS_N: 'true' },
      async (base) => {
        const res = await post(base, { best_of: 3 });
        expect(res.status).toBe(200);
        const body = await res.json();
        expect(body.choices[0].message.content).toBe('So \\boxed{42}');
        const failed = metadataOf(body).candidates.filter((c) => c.error);
        expect(failed).toHaveLength(1);
        expect(failed[0]!.error).toMatchObject({ status: 502, code: 'bad_upstream_response' });
        expect(failed[0]!.error!.message).toMatch(/choices\[1\]/);
      },
    );
  });

  it.each([
    ['a null message', completion([{ index: 0, finish_reason: 'stop', message: null }])],
    ['a null choice', completion([null])],
    ['no choices field', { id: 'x', object: 'chat.completion', created: 1, model: 'm' }],
  ])('%s is a 502 bad_upstream_response, not a deadline', async (_name, answer) => {
    await withGateway(
      (_q, res) => json(res, answer),
      {},
      async (base) => {
        // Best-of-N reads the answers; at best_of 1 the gateway relays the upstream as it is (test/proxy/single-candidate.test.ts).
        const res = await post(base, { best_of: 2 });
        expect(res.status).toBe(502);
        expect((await res.json()).error.code).toBe('bad_upstream_response');
      },
    );
  });
});

describe('bounded memory per upstream answer', () => {
  it('an answer over UPSTREAM_MAX_ANSWER_MB fails that candidate, sent with or without a length', async () => {
    const huge = JSON.stringify(completion([choice(0, { role: 'assistant', content: 'x'.repeat(2 * 1024 * 1024) })]));
    await withGateway(
      (_q, res, _b, call) => {
        if (call === 0) return json(res, completion([GOOD(0)]));
        res.writeHead(200, {
          'content-type': 'application/json',
          ...(call === 1 ? { 'content-length': String(huge.length) } : {}),
        });
        res.end(huge);
      },
      { UPSTREAM_MAX_ANSWER_MB: '1', UPSTREAM_CONCURRENCY: '1' },
      async (base) => {
        const res = await post(base, { best_of: 3 });
        expect(res.status).toBe(200);
        const body = await res.json();
        const errors = metadataOf(body)
          .candidates.filter((c) => c.error)
          .map((c) => c.error);
        expect(errors).toHaveLength(2);
        for (const e of errors)
          expect(e).toMatchObject({
            code: 'bad_upstream_response',
            message: expect.stringMatching(/larger than 1048576 bytes/),
          });
      },
    );
  });

  it('an unterminated SSE event on the live path stops at the per-event cap instead of being buffered whole', async () => {
    await withGateway(
      (_q, res, _b, call) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        if (call === 0) return res.end(GOOD_STREAM);
        res.write(`data: {"choices":[{"index":0,"delta":{"content":"`);
        const block = 'y'.repeat(64 * 1024);
        let sent = 0;
        const more = () => {
          while (sent < 20 * 1024 * 1024 && !res.destroyed) {
            sent += block.length;
            if (!res.write(block)) return void res.once('drain', more);
          }
          res.end();
        };
        more();
      },
      {},
      async (base) => {
        const started = performance.now();
        const res = await post(base, { best_of: 2, bestofn: LIVE });
        const body = await res.json();
        expect(res.status).toBe(200);
        expect(body.choices[0].message.content).toBe('So \\boxed{42}');
        const failed = metadataOf(body).candidates.find((c) => c.error);
        expect(failed?.error).toMatchObject({
          code: 'bad_upstream_response',
          message: expect.stringMatching(/SSE event is longer than/),
        });
        expect(performance.now() - started).toBeLessThan(3000);
      },
    );
  });
});

describe('the live path reads only what it asked for', () => {
  it('a JSON answer to a streamed request fails that candidate instead of a 200 with empty content', async () => {
    await withGateway(
      (_q, res) => json(res, completion([GOOD(0)])),
      {},
      async (base) => {
        const res = await post(base, { best_of: 2, bestofn: LIVE });
        expect(res.status).toBe(502);
        const error = (await res.json()).error;
        expect(error.code).toBe('bad_upstream_response');
        expect(error.message).toMatch(/application\/json instead of text\/event-stream/);
      },
    );
  });

  it('takes the model, id and created of its answer from the upstream', async () => {
    await withGateway(
      (_q, res) => (res.writeHead(200, { 'content-type': 'text/event-stream' }), res.end(GOOD_STREAM)),
      {},
      async (base) => {
        const body = await (await post(base, { best_of: 2, bestofn: LIVE })).json();
        expect(body).toMatchObject({ id: 'chatcmpl-live-bon', model: 'live-model', created: 9 });
      },
    );
  });

  it.each([
    [
      'vLLM',
      {
        error: {
          object: 'error',
          message: 'This model has a maximum context length of 4096 tokens',
          type: 'BadRequestError',
          param: null,
          code: 400,
        },
      },
      { status: 400, type: 'BadRequestError', code: '400' },
    ],
    [
      'OpenAI',
      { error: { message: 'The server is overloaded', type: 'server_error', param: null, code: 'overloaded' } },
      { status: 502, type: 'server_error', code: 'overloaded' },
    ],
  ])('an {error} event mid-stream (%s style) keeps its status, type, code and message', async (_name, event, want) => {
    await withGateway(
      (_q, res) => (
        res.writeHead(200, { 'content-type': 'text/event-stream' }),
        res.end(sseOf([chunk({ content: 'So' }), event]))
      ),
      {},
      async (base) => {
        const res = await post(base, { best_of: 2, bestofn: LIVE });
        expect(res.status).toBe(want.status);
        const error = (await res.json()).error;
        expect(error).toMatchObject({ type: want.type, code: want.code, message: `upstream: ${event.error.message}` });
        // Streamed, the same error is the last event, as the official clients raise it.
        const streamed = await lastSseJson(await post(base, { best_of: 2, bestofn: LIVE, stream: true }));
        expect(streamed.error).toMatchObject({
          type: want.type,
          code: want.code,
          message: `upstream: ${event.error.message}`,
        });
      },
    );
  });
});

describe('statuses outside the upstream contract', () => {
  it.each([302, 399, 999])('HTTP %i becomes a 502 bad_upstream_response and is not retried', async (status) => {
    await withGateway(
      (_q, res) => {
        // writeHead refuses 1xx and numbers past 999 in some Node versions: write the status line by hand.
        res.socket!.end(
          `HTTP/1.1 ${status} Odd\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}`,
        );
      },
      {},
      async (base, upstream) => {
        for (const body of [{ best_of: 1 }, { tools: TOOLS, bestofn: { tools: 'bypass' } }]) {
          const res = await post(base, body);
          expect(res.status).toBe(502);
          expect((await res.json()).error.code).toBe('bad_upstream_response');
        }
        expect(upstream.calls).toBe(2);
      },
    );
  });
});

describe('content encodings', () => {
  it.each([
    ['gzip', (b: Buffer) => zlib.gzipSync(b)],
    ['br', (b: Buffer) => zlib.brotliCompressSync(b)],
    ['deflate', (b: Buffer) => zlib.deflateSync(b)],
  ])(
    'a %s answer is decoded on every path: Best-of-N, JSON passthrough and streamed passthrough',
    async (encoding, encode) => {
      await withGateway(
        (_q, res, body) => {
          const streamed = JSON.parse(body).stream === true;
          const payload = Buffer.from(streamed ? GOOD_STREAM : JSON.stringify(completion([GOOD(0)])));
          res.writeHead(200, {
            'content-type': streamed ? 'text/event-stream' : 'application/json',
            'content-encoding': encoding,
          });
          res.end(encode(payload));
        },
        {},
        async (base) => {
          expect((await (await post(base, { best_of: 2 })).json()).choices[0].message.content).toBe('So \\boxed{42}');
          const plain = await post(base, { tools: TOOLS, bestofn: { tools: 'bypass' } });
          expect(plain.headers.get('content-encoding')).toBeNull();
          expect((await plain.json()).choices[0].message.content).toBe('So \\boxed{42}');
          const chunks = await sseJson(await post(base, { tools: TOOLS, bestofn: { tools: 'bypass' }, stream: true }));
          expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe('So \\boxed{42}');
        },
      );
    },
  );

  it('an encoding the gateway cannot read is a 502, not bytes passed on without their header', async () => {
    await withGateway(
      (_q, res) => (
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'zstd' }),
        res.end('\x28\xb5\x2f\xfd')
      ),
      {},
      async (base) => {
        const res = await post(base, { tools: TOOLS, bestofn: { tools: 'bypass' } });
        expect(res.status).toBe(502);
        expect((await res.json()).error.message).toMatch(/encoding the gateway cannot read \(zstd\)/);
      },
    );
  });
});
