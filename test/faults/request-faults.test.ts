import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MATH, startTestGateway, type TestGateway } from '../helpers/gateway';

const post = (t: TestGateway, body: string | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
  fetch(`${t.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    ...(typeof body === 'string' ? {} : { duplex: 'half' }),
  } as RequestInit);

/** Asserts the one error shape clients parse, and returns its `error` object. */
async function openAIError(res: Response, status: number) {
  expect(res.status).toBe(status);
  const json = await res.json();
  expect(Object.keys(json)).toEqual(['error']);
  expect(Object.keys(json.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  expect(typeof json.error.message).toBe('string');
  expect(json.error.message.length).toBeGreaterThan(0);
  return json.error as { message: string; type: string; param: string | null; code: string | null };
}

const ok = { model: 'fake-model', messages: MATH };

/**
 * Every field the gateway itself reads, with a value of the wrong type: each is a 400 that names the
 * param, before anything is sent upstream. A gateway that forwarded such a value would turn a client
 * mistake into N upstream errors, or into a 500 when its own code trips over it.
 */
describe('a wrong type in a field the gateway reads is a 400 naming it', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ BESTOFN_MAX_N: '16' });
  });
  afterAll(() => t.close());

  it.each<[string, Record<string, unknown>, string]>([
    ['messages', { messages: 'What is 40 + 2?' }, 'messages'],
    ['messages[0]', { messages: ['What is 40 + 2?'] }, 'messages[0]'],
    ['messages[0].role', { messages: [{ role: 1, content: 'hi' }] }, 'messages[0].role'],
    ['model', { model: ['fake-model'] }, 'model'],
    ['n', { n: '2' }, 'n'],
    ['best_of', { best_of: '4' }, 'best_of'],
    ['temperature', { temperature: '0.5' }, 'temperature'],
    ['seed', { seed: 'lucky' }, 'seed'],
    ['stream', { stream: 1 }, 'stream'],
    ['stream_options', { stream: true, stream_options: 'include_usage' }, 'stream_options'],
    [
      'stream_options.include_usage',
      { stream: true, stream_options: { include_usage: 'yes' } },
      'stream_options.include_usage',
    ],
    ['tools', { tools: { type: 'function' } }, 'tools'],
    ['tool_choice', { tool_choice: 3 }, 'tool_choice'],
    ['response_format', { response_format: 'json_object' }, 'response_format'],
    ['bestofn', { bestofn: 'n=4' }, 'bestofn'],
    ['bestofn (an array)', { bestofn: [4] }, 'bestofn'],
    ['bestofn.n', { bestofn: { n: '4' } }, 'bestofn.n'],
    ['bestofn.select', { bestofn: { select: 1 } }, 'bestofn.select'],
    ['bestofn.aggregate', { bestofn: { aggregate: ['min'] } }, 'bestofn.aggregate'],
    ['bestofn.temperature', { bestofn: { temperature: 'warm' } }, 'bestofn.temperature'],
    ['bestofn.min_candidates', { bestofn: { min_candidates: '1' } }, 'bestofn.min_candidates'],
    ['bestofn.deadline_ms', { bestofn: { deadline_ms: '100' } }, 'bestofn.deadline_ms'],
    ['bestofn.reject', { bestofn: { reject: true } }, 'bestofn.reject'],
    [
      'bestofn.reject.after_tokens',
      { bestofn: { reject: { after_tokens: '8', every_tokens: 8, keep_fraction: 0.5 } } },
      'bestofn.reject.after_tokens',
    ],
    ['bestofn.adaptive', { bestofn: { adaptive: [2, 4] } }, 'bestofn.adaptive'],
    [
      'bestofn.adaptive.waves',
      { bestofn: { adaptive: { waves: '2,4', stop_when: { agreement: 0.5 } } } },
      'bestofn.adaptive.waves',
    ],
    [
      'bestofn.commit',
      { bestofn: { commit: 'now', reject: { after_tokens: 8, every_tokens: 8, keep_fraction: 0.5 } } },
      'bestofn.commit',
    ],
  ])('%s', async (_name, patch, param) => {
    const before = t.upstream.requests.length;
    const error = await openAIError(await post(t, JSON.stringify({ ...ok, ...patch })), 400);
    expect(error.type).toBe('invalid_request_error');
    expect(error.param).toBe(param);
    expect(t.upstream.requests.length).toBe(before);
  });

  it.each<[string, Record<string, unknown>, Record<string, string>, string]>([
    ['best_of: 0', { best_of: 0 }, {}, 'best_of'],
    ['bestofn.n: 0', { bestofn: { n: 0 } }, {}, 'bestofn.n'],
    ['x-bestofn-n: 0', {}, { 'x-bestofn-n': '0' }, 'x-bestofn-n'],
    ['n: 0', { n: 0 }, {}, 'n'],
    ['best_of: 10^6', { best_of: 1_000_000 }, {}, 'best_of'],
    ['bestofn.n: 10^6', { bestofn: { n: 1_000_000 } }, {}, 'bestofn.n'],
    ['x-bestofn-n: 10^6', {}, { 'x-bestofn-n': '1000000' }, 'x-bestofn-n'],
    ['n: 10^6', { n: 1_000_000 }, {}, 'n'],
  ])('N out of range, %s, is a 400 and the upstream is never called', async (_name, patch, headers, param) => {
    const before = t.upstream.requests.length;
    const error = await openAIError(await post(t, JSON.stringify({ ...ok, ...patch }), headers), 400);
    expect(error.param).toBe(param);
    expect(t.upstream.requests.length).toBe(before);
  });

  it('malformed JSON is a 400 with code invalid_json', async () => {
    const error = await openAIError(
      await post(t, '{"model": "fake-model", "messages": [{"role": "user", "content": "hi"}'),
      400,
    );
    expect(error.code).toBe('invalid_json');
  });
});

describe('request bodies over the size limit are a 413 before they are read to the end', () => {
  const sized = (bytes: number) => {
    const shell = JSON.stringify({ ...ok, best_of: 1, messages: [{ role: 'user', content: '' }] });
    return JSON.stringify({
      ...ok,
      best_of: 1,
      messages: [{ role: 'user', content: 'x'.repeat(bytes - shell.length) }],
    });
  };

  it('the configured limit holds to the byte, with or without a content-length', async () => {
    const t = await startTestGateway({ BESTOFN_MAX_BODY_BYTES: '4096' });
    try {
      expect((await post(t, sized(4096))).status).toBe(200);
      expect((await openAIError(await post(t, sized(4097)), 413)).code).toBe('request_too_large');
      // Chunked, so the limit has to be enforced while reading rather than from the header.
      const chunked = (text: string) =>
        new ReadableStream<Uint8Array>({
          start(c) {
            const bytes = new TextEncoder().encode(text);
            c.enqueue(bytes.subarray(0, 1000));
            c.enqueue(bytes.subarray(1000));
            c.close();
          },
        });
      expect((await openAIError(await post(t, chunked(sized(4097))), 413)).code).toBe('request_too_large');
      expect((await post(t, chunked(sized(4096)))).status).toBe(200);
      expect(t.upstream.requests).toHaveLength(2);
    } finally {
      await t.close();
    }
  });

  it('the default limit is 1 MiB', async () => {
    const t = await startTestGateway();
    try {
      expect((await post(t, sized(1024 * 1024))).status).toBe(200);
      expect((await openAIError(await post(t, sized(1024 * 1024 + 1)), 413)).code).toBe('request_too_large');
    } finally {
      await t.close();
    }
  });
});

/**
 * Fields the gateway does not read go upstream as sent, so the upstream's judgement of them is the
 * answer: the same status, and an error body that still names the param.
 */
describe('an upstream 400 for a forwarded field comes back faithfully', () => {
  const upstream400 = {
    fail: (body: any) =>
      typeof body.max_tokens === 'number' || body.max_tokens === undefined
        ? null
        : {
            status: 400,
            body: {
              error: {
                message: "'max_tokens' must be an integer",
                type: 'invalid_request_error',
                param: 'max_tokens',
                code: 'invalid_type',
              },
            },
          },
  };

  it.each<[string, { best_of?: number; stream?: boolean; tools?: object[]; bestofn?: object }]>([
    ['Best-of-N, plain', { best_of: 3 }],
    ['Best-of-N, streamed', { best_of: 3, stream: true }],
    ['tools passthrough', { tools: [{ type: 'function', function: { name: 'f' } }], bestofn: { tools: 'bypass' } }],
  ])('%s', async (_name, patch) => {
    const t = await startTestGateway({}, upstream400);
    try {
      const res = await post(t, JSON.stringify({ ...ok, ...patch, max_tokens: 'x' }));
      // Streamed too: the headers wait for a candidate, so the upstream's 400 is the answer's status.
      const body = await openAIError(res, 400);
      expect(body.message).toContain("'max_tokens' must be an integer");
      expect(body.type).toBe('invalid_request_error');
      expect(body.code).toBe('invalid_type');
      expect(body.param).toBe('max_tokens');
      // A 400 is not retried, and it refuses the request itself: the candidates not yet sent are not sent
      // (issue 27, 23b), so the upstream saw at most one request per candidate.
      expect(t.upstream.requests.length).toBeGreaterThanOrEqual(1);
      expect(t.upstream.requests.length).toBeLessThanOrEqual(patch.best_of ?? 1);
    } finally {
      await t.close();
    }
  });
});
