import { beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { startTestGateway, MATH, type TestGateway } from '../helpers/gateway';

const post = (t: TestGateway, body: string, headers: Record<string, string> = {}) =>
  fetch(`${t.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });

describe('client errors are OpenAI-shaped 400s that name the param, and never reach the upstream', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ BESTOFN_MAX_N: '16', BESTOFN_MAX_BODY_BYTES: '2048' });
  });
  const postApp = (body: string, headers: Record<string, string> = {}) =>
    app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  it.each([
    ['malformed JSON', '{"model": "m", "messages": [', 400, null],
    ['a body that is not an object', '[1,2]', 400, null],
    ['missing messages', JSON.stringify({ model: 'fake-model' }), 400, 'messages'],
    ['empty messages', JSON.stringify({ model: 'fake-model', messages: [] }), 400, 'messages'],
    ['missing model', JSON.stringify({ messages: MATH }), 400, 'model'],
    ['best_of above the limit', JSON.stringify({ model: 'm', messages: MATH, best_of: 17 }), 400, 'best_of'],
    ['best_of zero', JSON.stringify({ model: 'm', messages: MATH, best_of: 0 }), 400, 'best_of'],
    ['best_of not an integer', JSON.stringify({ model: 'm', messages: MATH, best_of: 2.5 }), 400, 'best_of'],
    ['bestofn.n above the limit', JSON.stringify({ model: 'm', messages: MATH, bestofn: { n: 64 } }), 400, 'bestofn.n'],
    [
      'an unknown select',
      JSON.stringify({ model: 'm', messages: MATH, bestofn: { select: 'best' } }),
      400,
      'bestofn.select',
    ],
    [
      'an unknown aggregate',
      JSON.stringify({ model: 'm', messages: MATH, bestofn: { aggregate: 'max' } }),
      400,
      'bestofn.aggregate',
    ],
    [
      'an unknown bestofn control',
      JSON.stringify({ model: 'm', messages: MATH, bestofn: { nn: 2 } }),
      400,
      'bestofn.nn',
    ],
    ['n above best_of', JSON.stringify({ model: 'm', messages: MATH, best_of: 2, n: 3 }), 400, 'n'],
    [
      'min_candidates above N',
      JSON.stringify({ model: 'm', messages: MATH, best_of: 2, bestofn: { min_candidates: 3 } }),
      400,
      'bestofn.min_candidates',
    ],
    ['messages not an array', JSON.stringify({ model: 'm', messages: 'hi' }), 400, 'messages'],
    [
      'a message without a role',
      JSON.stringify({ model: 'm', messages: [{ content: 'hi' }] }),
      400,
      'messages[0].role',
    ],
    ['model not a string', JSON.stringify({ model: 7, messages: MATH }), 400, 'model'],
    ['n not an integer', JSON.stringify({ model: 'm', messages: MATH, n: '2' }), 400, 'n'],
    [
      'temperature not a number',
      JSON.stringify({ model: 'm', messages: MATH, temperature: 'hot' }),
      400,
      'temperature',
    ],
    ['temperature out of range', JSON.stringify({ model: 'm', messages: MATH, temperature: 3 }), 400, 'temperature'],
    ['stream not a boolean', JSON.stringify({ model: 'm', messages: MATH, stream: 'yes' }), 400, 'stream'],
    [
      'stream_options.include_usage not a boolean',
      JSON.stringify({ model: 'm', messages: MATH, stream_options: { include_usage: 1 } }),
      400,
      'stream_options.include_usage',
    ],
    ['seed not an integer', JSON.stringify({ model: 'm', messages: MATH, seed: 1.5 }), 400, 'seed'],
    ['bestofn not an object', JSON.stringify({ model: 'm', messages: MATH, bestofn: 4 }), 400, 'bestofn'],
    ['bestofn.n a string', JSON.stringify({ model: 'm', messages: MATH, bestofn: { n: '4' } }), 400, 'bestofn.n'],
    [
      'bestofn.deadline_ms negative',
      JSON.stringify({ model: 'm', messages: MATH, bestofn: { deadline_ms: -1 } }),
      400,
      'bestofn.deadline_ms',
    ],
    ['N = 10^6', JSON.stringify({ model: 'm', messages: MATH, best_of: 1_000_000 }), 400, 'best_of'],
    [
      'a body over the size limit',
      JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x'.repeat(4096) }] }),
      413,
      null,
    ],
  ])('%s', async (_name, body, status, param) => {
    const res = await postApp(body);
    expect(res.status).toBe(status);
    const json = await res.json();
    expect(Object.keys(json)).toEqual(['error']);
    expect(Object.keys(json.error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(json.error.param).toBe(param);
    expect(json.error.type).toBe('invalid_request_error');
    expect(app.upstreamCalls).toEqual([]);
  });

  it('names the header when a header control is wrong', async () => {
    const res = await postApp(JSON.stringify({ model: 'm', messages: MATH }), { 'x-bestofn-select': 'nope' });
    expect(res.status).toBe(400);
    expect((await res.json()).error.param).toBe('x-bestofn-select');
  });

  it('answers unknown routes with a 404 in the same shape', async () => {
    const res = await app.request('/v1/embeddings', { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('not_found');
  });
});

describe('upstream errors are mapped faithfully when too few candidates arrive', () => {
  it.each([
    [401, 'Incorrect API key provided', {}],
    [404, 'The model `nope` does not exist', {}],
    [500, 'CUDA out of memory', {}],
    [503, 'overloaded', {}],
    [429, 'Rate limit reached', { 'retry-after': '7' }],
  ])('upstream %i', async (status, message, headers) => {
    // Mapping, not retrying, is tested here (retries.test.ts waits out Retry-After): without retries the 429's 7 s are not waited out.
    const t = await startTestGateway(
      { UPSTREAM_RETRIES: '0' },
      { fail: () => ({ status, headers, body: { error: { message, type: 'upstream_type', code: 'upstream_code' } } }) },
    );
    try {
      const res = await post(t, JSON.stringify({ model: 'fake-model', messages: MATH, best_of: 3 }));
      expect(res.status).toBe(status);
      const json = await res.json();
      expect(json.error.message).toContain(message);
      expect(json.error.code).toBe('upstream_code');
      if (status === 429) expect(res.headers.get('retry-after')).toBe('7');
      expect(JSON.stringify(json)).not.toMatch(/at .*\.ts:\d+/);
    } finally {
      await t.close();
    }
  });

  it('an unreachable upstream is a 502 with no stack trace', async () => {
    const t = await startTestGateway();
    await t.upstream.close();
    try {
      const res = await post(t, JSON.stringify({ model: 'fake-model', messages: MATH, best_of: 2 }));
      expect(res.status).toBe(502);
      const json = await res.json();
      expect(json.error.code).toBe('upstream_unreachable');
      expect(JSON.stringify(json)).not.toMatch(/\n\s+at /);
    } finally {
      await t.gateway.close();
    }
  });

  it.each([
    ['a body that is not JSON', { status: 200, raw: '<html>gateway hiccup</html>' }],
    ['JSON without choices', { status: 200, body: { id: 'x', object: 'chat.completion' } }],
  ])('an upstream that answers %s is a 502', async (_name, failure) => {
    const t = await startTestGateway({}, { fail: () => failure });
    try {
      const res = await post(t, JSON.stringify({ model: 'fake-model', messages: MATH, best_of: 2 }));
      expect(res.status).toBe(502);
      expect((await res.json()).error.code).toBe('bad_upstream_response');
    } finally {
      await t.close();
    }
  });

  it('an HTML error page keeps its status and the start of its text', async () => {
    const t = await startTestGateway({}, { fail: () => ({ status: 503, raw: '<html>Service Unavailable</html>' }) });
    try {
      const res = await post(t, JSON.stringify({ model: 'fake-model', messages: MATH, best_of: 2 }));
      expect(res.status).toBe(503);
      expect((await res.json()).error.message).toContain('Service Unavailable');
    } finally {
      await t.close();
    }
  });
});
