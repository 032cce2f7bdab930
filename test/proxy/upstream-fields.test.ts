import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MATH, startTestGateway, type TestGateway } from '../helpers/gateway';
import { validateAgainst } from '../helpers/openapi';
import { startRawUpstream } from '../helpers/raw-upstream';

/** What a client reassembles from a stream: each field's text per choice, the logprobs, the last usage. */
async function collect(stream: AsyncIterable<any>) {
  const chunks: any[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  const text = (key: string) => chunks.flatMap((c) => c.choices.map((ch: any) => ch.delta?.[key] ?? '')).join('');
  return {
    chunks,
    content: text('content'),
    reasoning: text('reasoning'),
    reasoningContent: text('reasoning_content'),
    logprobs: chunks.flatMap((c) => c.choices.flatMap((ch: any) => ch.logprobs?.content ?? [])),
    usage: chunks.at(-1)?.usage,
  };
}

const LIVE = { reject: { after_tokens: 2, every_tokens: 1000, keep_fraction: 1 } };

describe.each([
  ['plain path', {}],
  ['live path', LIVE],
])('what the upstream gave is passed through (%s)', (_name, bestofn) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({}, { rich: true, reasoningField: 'reasoning' });
  });
  afterAll(() => t.close());
  const request = { model: 'fake-model', messages: MATH, best_of: 3, logprobs: true, top_logprobs: 2, bestofn };

  it('plain: the chosen choice’s logprobs, every usage field summed, `reasoning` under its own name, the fingerprint', async () => {
    const res = (await t.client.chat.completions.create(request as never)) as any;
    expect(validateAgainst('CreateChatCompletionResponse', res)).toEqual([]);
    expect(t.upstream.requests.at(-1).stream).toBe(bestofn === LIVE);
    const choice = res.choices[0];
    expect(choice.message.reasoning).toMatch(/Let me think/);
    expect(choice.message.reasoning_content).toBeUndefined();
    expect(choice.logprobs.content.map((l: any) => l.token).join('')).toBe(choice.message.content);
    expect(choice.logprobs.content[0].top_logprobs).toHaveLength(2);
    expect(res.system_fingerprint).toBe('fp_fake_7');
    expect(res.service_tier).toBe('default');
    // Three upstream calls of 10 prompt tokens, 4 of them cached, each.
    expect(res.usage.prompt_tokens).toBe(30);
    expect(res.usage.prompt_tokens_details).toEqual({ cached_tokens: 12, audio_tokens: 0 });
    expect(res.usage.completion_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    expect(res.usage.completion_tokens_details.reasoning_tokens).toBeLessThan(res.usage.completion_tokens);
    expect(res.usage.total_tokens).toBe(res.usage.prompt_tokens + res.usage.completion_tokens);
  });

  it('streamed: the same logprobs with their tokens, `reasoning` deltas, usage with details, spec-valid chunks', async () => {
    const plain = (await t.client.chat.completions.create(request as never)) as any;
    const s = await collect(
      (await t.client.chat.completions.create({
        ...request,
        stream: true,
        stream_options: { include_usage: true },
      } as never)) as any,
    );
    for (const chunk of s.chunks) expect(validateAgainst('CreateChatCompletionStreamResponse', chunk)).toEqual([]);
    expect(s.reasoning).toBe(plain.choices[0].message.reasoning);
    expect(s.reasoningContent).toBe('');
    expect(s.content).toBe(plain.choices[0].message.content);
    if (bestofn === LIVE) return; // the live stream's logprobs and usage are checked below on a buffered answer
    expect(s.logprobs).toEqual(plain.choices[0].logprobs.content);
    expect(s.usage).toEqual(plain.usage);
    expect(s.chunks[0].system_fingerprint).toBe('fp_fake_7');
  });
});

describe('passthrough over n choices', () => {
  it('each returned choice carries its own logprobs', async () => {
    const t = await startTestGateway({}, { rich: true });
    try {
      const res = (await t.client.chat.completions.create({
        model: 'fake-model',
        messages: MATH,
        best_of: 4,
        n: 2,
        logprobs: true,
        top_logprobs: 1,
      } as never)) as any;
      for (const choice of res.choices)
        expect(choice.logprobs.content.map((l: any) => l.token).join('')).toBe(choice.message.content);
      expect(res.choices[0].message.reasoning_content).toMatch(/Let me think/);
    } finally {
      await t.close();
    }
  });
});

describe('hostile logprobs from the upstream', () => {
  it.each([
    ['content that is not a list', { content: 'garbage', refusal: null }],
    ['tokens that are not strings', { content: [{ token: 7, logprob: -1 }, { logprob: -2 }], refusal: null }],
    [
      'tokens that do not spell the content',
      { content: [{ token: 'other', logprob: -1, bytes: null, top_logprobs: 3 }], refusal: null },
    ],
  ])('%s: the answer still comes, plain, streamed and as a response', async (_name, logprobs) => {
    const raw = await startRawUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'c',
          object: 'chat.completion',
          created: 1,
          model: 'm',
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
          choices: [
            { index: 0, finish_reason: 'stop', logprobs, message: { role: 'assistant', content: 'fine \\boxed{1}' } },
          ],
        }),
      );
    });
    const t = await startTestGateway({ UPSTREAM_BASE_URL: raw.url });
    try {
      const post = (path: string, body: object) =>
        fetch(`${t.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'm', best_of: 2, logprobs: true, ...body }),
        });
      expect((await (await post('/chat/completions', { messages: MATH })).json()).choices[0].message.content).toBe(
        'fine \\boxed{1}',
      );
      const streamed = await (await post('/chat/completions', { messages: MATH, stream: true })).text();
      expect(streamed).toContain('boxed{1}');
      expect(streamed).toContain('data: [DONE]');
      const response = await post('/responses', { input: 'hi', top_logprobs: 1, logprobs: undefined });
      expect(response.status).toBe(200);
      expect(
        await (await post('/responses', { input: 'hi', top_logprobs: 1, logprobs: undefined, stream: true })).text(),
      ).toContain('response.completed');
    } finally {
      await t.close();
      await raw.close();
    }
  });
});
