import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../src/http/json-depth';
import { startTestApp, type TestApp } from '../helpers/app';
import { MATH, startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * Hostile request bodies: each is a 400 (or 413) that names the param the client really sent, and the
 * upstream sees no request at all. Before, a `null` content cost N upstream calls and then a 500, and a
 * deeply nested vendor field overflowed the stack into a 502 that was retried.
 */
const ok = { model: 'fake-model', messages: MATH };
const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

describe('chat requests are validated whole, before any upstream call', () => {
  // The refusal tables need no socket: the app through app.request(), with an upstream that records any call.
  let app: TestApp;
  const post = (body: string, headers: Record<string, string> = {}) =>
    app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  const refused = async (res: Response, status = 400) => {
    const text = await res.text();
    expect(res.status, text).toBe(status);
    expect(app.upstreamCalls).toHaveLength(0);
    return JSON.parse(text).error as { message: string; param: string | null; code: string | null; type: string };
  };

  beforeAll(async () => {
    app = await startTestApp({ BESTOFN_MAX_N: '8' });
  });

  const user = (content: unknown) => ({ ...ok, messages: [{ role: 'user', content }] });
  it.each<[string, unknown, string]>([
    ['content: null', user(null), 'messages[0].content'],
    ['content: a number', user(42), 'messages[0].content'],
    ['content: an object', user({ text: 'hi' }), 'messages[0].content'],
    ['content: [null]', user([null]), 'messages[0].content[0]'],
    ['a text part without text', user([{ type: 'text' }]), 'messages[0].content[0].text'],
    ['an unknown part type', user([{ type: 'video', video: {} }]), 'messages[0].content[0].type'],
    ['an image part without image_url', user([{ type: 'image_url' }]), 'messages[0].content[0].image_url'],
    [
      'an image part in a system message',
      { ...ok, messages: [{ role: 'system', content: [{ type: 'image_url', image_url: { url: 'x' } }] }, ...MATH] },
      'messages[0].content[0].type',
    ],
    ['an unknown role', { ...ok, messages: [{ role: 'wizard', content: 'hi' }] }, 'messages[0].role'],
    ['no role', { ...ok, messages: [{ content: 'hi' }] }, 'messages[0].role'],
    [
      'a tool message without tool_call_id',
      { ...ok, messages: [...MATH, { role: 'tool', content: '4' }] },
      'messages[1].tool_call_id',
    ],
    [
      'an assistant tool call without arguments',
      {
        ...ok,
        messages: [
          ...MATH,
          { role: 'assistant', tool_calls: [{ id: 'a', type: 'function', function: { name: 'f' } }] },
        ],
      },
      'messages[1].tool_calls[0].function.arguments',
    ],
    ['a response_format of an unknown type', { ...ok, response_format: { type: 'yaml' } }, 'response_format.type'],
    [
      'adaptive waves beyond the limit',
      { ...ok, bestofn: { adaptive: { waves: [4, 16], stop_when: { agreement: 0.5 } } } },
      'bestofn.adaptive.waves',
    ],
  ])('%s', async (_name, body, param) => {
    const error = await refused(await post(JSON.stringify(body)));
    expect(error.type).toBe('invalid_request_error');
    expect(error.param).toBe(param);
    expect(error.message).toContain(param);
  });

  // (Leading and trailing spaces are HTTP's optional whitespace: they never reach the gateway.)
  it.each(['1e1', '0x10', '+4', '4.0', '', '08a'])(
    'x-bestofn-n: %j is refused, not read as a number',
    async (value) => {
      const error = await refused(await post(JSON.stringify(ok), { 'x-bestofn-n': value }));
      expect(error.param).toBe('x-bestofn-n');
    },
  );

  it.each([5_000, 100_000])(
    '%i levels of nesting in a passed-through field are a 400, not a stack overflow',
    async (levels) => {
      const body = JSON.stringify(ok).replace(/}$/, `,"chat_template_kwargs":{"x":${nested(levels)}}}`);
      const error = await refused(await post(body));
      expect(error.code).toBe('too_deeply_nested');
      expect(error.message).toContain(String(MAX_JSON_DEPTH));
    },
  );
});

describe('bodies near the validation limits are served, over a real socket', () => {
  let t: TestGateway;
  const post = (body: string) =>
    fetch(`${t.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  beforeAll(async () => {
    t = await startTestGateway({ BESTOFN_MAX_N: '8' });
  });
  afterAll(() => t.close());

  it('brackets inside strings do not count as nesting, and a body at the limit is served', async () => {
    const deepInString = { ...ok, messages: [{ role: 'user', content: '['.repeat(10_000) + ' "quoted \\" [' }] };
    const atLimit = JSON.stringify(ok).replace(/}$/, `,"chat_template_kwargs":${nested(MAX_JSON_DEPTH - 1)}}`);
    expect((await post(JSON.stringify(deepInString))).status).toBe(200);
    expect((await post(atLimit)).status).toBe(200);
    // Vendor fields on messages and parts still pass through untouched.
    const vendor = {
      ...ok,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'What is 40 + 2?', cache_control: { type: 'ephemeral' } }] },
        { role: 'assistant', content: 'x', reasoning_content: 'r' },
        ...MATH,
      ],
    };
    expect((await post(JSON.stringify(vendor))).status).toBe(200);
    expect(t.upstream.requests.at(-1).messages[0].content[0].cache_control).toEqual({ type: 'ephemeral' });
    expect(t.upstream.requests.at(-1).messages[1].reasoning_content).toBe('r');
    t.upstream.requests.length = 0;
  });

  it('the typed request still accepts every role and part the spec lists', async () => {
    const messages = [
      { role: 'developer', content: [{ type: 'text', text: 'be brief' }] },
      { role: 'system', content: 'you add numbers' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is 40 + 2?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AA', detail: 'low' } },
          { type: 'input_audio', input_audio: { data: 'AA', format: 'wav' } },
          { type: 'file', file: { file_id: 'f' } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'add', arguments: '{}' } }],
      },
      { role: 'tool', content: '42', tool_call_id: 'c1' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: '42' },
          { type: 'refusal', refusal: 'no' },
        ],
      },
      { role: 'function', content: null, name: 'add' },
      ...MATH,
    ];
    expect((await post(JSON.stringify({ ...ok, messages, response_format: null, tools: null }))).status).toBe(200);
    t.upstream.requests.length = 0;
  });
});

describe('POST /v1/rewards is validated the same way, with a per-candidate text cap', () => {
  let t: TestGateway;
  const post = (body: string) =>
    fetch(`${t.url}/rewards`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  beforeAll(async () => {
    t = await startTestGateway({ REWARDS_MAX_CANDIDATE_CHARS: '10000', BESTOFN_MAX_BODY_BYTES: String(4 << 20) });
  });
  afterAll(() => t.close());

  it('"answer" plus 200k spaces is a 413 naming the candidate, and a normal request is served', async () => {
    const res = await post(
      JSON.stringify({
        problem: 'What is 40 + 2?',
        candidates: [{ content: 'The answer is 42.' }, { content: 'answer' + ' '.repeat(200_000) }],
      }),
    );
    const body = await res.json();
    expect(res.status).toBe(413);
    expect(body.error.param).toBe('candidates[1]');
    expect(body.error.message).toContain('REWARDS_MAX_CANDIDATE_CHARS');
    expect(
      (
        await post(
          JSON.stringify({ problem: 'What is 40 + 2?', candidates: [{ content: 'The answer is \\boxed{42}.' }] }),
        )
      ).status,
    ).toBe(200);
  });

  it('a 1 MB candidate and deep nesting are refused at once', async () => {
    expect(
      (await post(JSON.stringify({ problem: 'p', candidates: [{ content: '\\boxed{'.repeat(150_000) }] }))).status,
    ).toBe(413);
    const deep = await post(`{"problem":"p","candidates":[{"content":"x","extra":${nested(10_000)}}]}`);
    expect(deep.status).toBe(400);
    expect((await deep.json()).error.code).toBe('too_deeply_nested');
  });

  it('messages follow the chat schema: content null is a 400 naming it', async () => {
    const res = await post(
      JSON.stringify({ messages: [{ role: 'user', content: null }], candidates: [{ content: 'x' }] }),
    );
    expect(res.status).toBe(400);
    expect((await res.json()).error.param).toBe('messages[0].content');
  });
});
