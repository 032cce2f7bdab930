import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MATH, startTestGateway, type TestGateway } from '../helpers/gateway';
import { validateAgainst } from '../helpers/openapi';

/** What a client reassembles from a stream: each field's text per choice, the logprobs, the last usage. */
async function collect(stream: AsyncIterable<any>) {
  const chunks: any[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  const text = (key: string) => chunks.flatMap((c) => c.choices.map((ch: any) => ch.delta?.[key] ?? '')).join('');
  return { chunks, content: text('content'), reasoning: text('reasoning'), reasoningContent: text('reasoning_content'), logprobs: chunks.flatMap((c) => c.choices.flatMap((ch: any) => ch.logprobs?.content ?? [])), usage: chunks.at(-1)?.usage };
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
    const s = await collect((await t.client.chat.completions.create({ ...request, stream: true, stream_options: { include_usage: true } } as never)) as any);
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
      const res = (await t.client.chat.completions.create({ model: 'fake-model', messages: MATH, best_of: 4, n: 2, logprobs: true, top_logprobs: 1 } as never)) as any;
      for (const choice of res.choices) expect(choice.logprobs.content.map((l: any) => l.token).join('')).toBe(choice.message.content);
      expect(res.choices[0].message.reasoning_content).toMatch(/Let me think/);
    } finally {
      await t.close();
    }
  });
});
