import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { APICallError, generateText, streamText, type LanguageModel } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const PROMPT = 'What is 40 + 2?';

/** The Vercel AI SDK's providers, as an application uses them, against the real server on loopback. */
describe('conformance: Vercel AI SDK', () => {
  let t: TestGateway;
  const models: Record<string, () => LanguageModel> = {};
  beforeAll(async () => {
    t = await startTestGateway({}, { rich: true });
    const openai = createOpenAI({ baseURL: t.url, apiKey: 'x' });
    const compatible = createOpenAICompatible({ name: 'bestofn', baseURL: t.url, apiKey: 'x', includeUsage: true });
    models['@ai-sdk/openai .chat()'] = () => openai.chat('fake-model');
    models['@ai-sdk/openai-compatible'] = () => compatible('fake-model');
  });
  afterAll(() => t.close());

  for (const name of ['@ai-sdk/openai .chat()', '@ai-sdk/openai-compatible']) {
    it(`${name}: generateText — text, usage with cached and reasoning tokens`, async () => {
      const res = await generateText({ model: models[name]!(), prompt: PROMPT, maxRetries: 0 });
      expect(res.text).toMatch(/\\boxed\{\d+\}/);
      // Four upstream calls (N = 4 by default), each of 10 prompt tokens with 4 cached.
      expect(res.usage.inputTokens).toBe(40);
      expect(res.usage.inputTokenDetails.cacheReadTokens).toBe(16);
      expect(res.usage.outputTokenDetails.reasoningTokens).toBeGreaterThan(0);
      // OpenAI's own chat API has no thinking field, so only the compatible provider reads it.
      if (name === '@ai-sdk/openai-compatible') expect(res.reasoningText).toMatch(/Let me think/);
    });

    it(`${name}: streamText — the same text, and usage at the end`, async () => {
      const res = streamText({ model: models[name]!(), prompt: PROMPT, maxRetries: 0 });
      let text = '';
      for await (const delta of res.textStream) text += delta;
      expect(text).toMatch(/\\boxed\{\d+\}/);
      expect(await res.text).toBe(text);
      expect((await res.usage).inputTokens).toBe(40);
      expect((await res.usage).outputTokenDetails.reasoningTokens).toBeGreaterThan(0);
      if (name === '@ai-sdk/openai-compatible') expect(await res.reasoningText).toMatch(/Let me think/);
    });
  }

  it('@ai-sdk/openai .chat() and Responses: logprobs through providerOptions', async () => {
    const openai = createOpenAI({ baseURL: t.url, apiKey: 'x' });
    for (const model of [openai.chat('fake-model'), openai('fake-model')]) {
      const res = await generateText({
        model,
        prompt: PROMPT,
        maxRetries: 0,
        providerOptions: { openai: { logprobs: 2 } },
      });
      const logprobs = res.providerMetadata?.openai?.logprobs as unknown as { token: string }[] | { token: string }[][];
      const tokens = (
        Array.isArray(logprobs[0]) ? (logprobs as { token: string }[][]).flat() : (logprobs as { token: string }[])
      ).map((l) => l.token);
      expect(tokens.join('')).toBe(res.text);
    }
  });

  // The thinking is a reasoning item with reasoning_text content; this provider reads only reasoning summaries, so it shows none.
  it('@ai-sdk/openai default provider (Responses API): generateText — text, usage', async () => {
    const openai = createOpenAI({ baseURL: t.url, apiKey: 'x' });
    const res = await generateText({ model: openai('fake-model'), prompt: PROMPT, maxRetries: 0 });
    expect(res.text).toMatch(/\\boxed\{\d+\}/);
    expect(res.usage.inputTokens).toBe(40);
    expect(res.usage.inputTokenDetails.cacheReadTokens).toBe(16);
    expect(res.usage.outputTokenDetails.reasoningTokens).toBeGreaterThan(0);
    expect(t.upstream.requests.at(-1).messages.at(-1)).toEqual({
      role: 'user',
      content: [{ type: 'text', text: PROMPT }],
    });
  });

  it('@ai-sdk/openai default provider (Responses API): streamText — the same text and usage', async () => {
    const openai = createOpenAI({ baseURL: t.url, apiKey: 'x' });
    const res = streamText({ model: openai('fake-model'), prompt: PROMPT, maxRetries: 0, onError: () => {} });
    let text = '';
    for await (const delta of res.textStream) text += delta;
    expect(text).toMatch(/\\boxed\{\d+\}/);
    expect((await res.usage).inputTokens).toBe(40);
  });

  it('errors keep the status, plain and streamed: a 400 is not retryable, an upstream 429 the gateway retried is not retried again', async () => {
    const limited = await startTestGateway(
      { UPSTREAM_RETRIES: '1' },
      { fail: () => ({ status: 429, body: { error: { message: 'busy', type: 'rate_limit_error' } } }) },
    );
    try {
      const model = createOpenAICompatible({ name: 'bestofn', baseURL: limited.url, apiKey: 'x' })('fake-model');
      const err = await generateText({ model, prompt: PROMPT, maxRetries: 0 }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(APICallError.isInstance(err)).toBe(true);
      expect((err as APICallError).statusCode).toBe(429);
      const parts: any[] = [];
      for await (const part of streamText({ model, prompt: PROMPT, maxRetries: 0, onError: () => {} }).fullStream)
        parts.push(part);
      const error = parts.find((p) => p.type === 'error')?.error;
      expect(APICallError.isInstance(error)).toBe(true);
      expect((error as APICallError).statusCode).toBe(429);
      const viaResponses = await generateText({
        model: createOpenAI({ baseURL: limited.url, apiKey: 'x' })('fake-model'),
        prompt: PROMPT,
        maxRetries: 0,
      }).then(
        () => null,
        (e: unknown) => e,
      );
      expect((viaResponses as APICallError).statusCode).toBe(429);
      const bad = await generateText({
        model: models['@ai-sdk/openai .chat()']!(),
        prompt: PROMPT,
        maxRetries: 0,
        providerOptions: {},
        headers: { 'x-bestofn-n': '0' },
      }).then(
        () => null,
        (e: unknown) => e,
      );
      expect((bad as APICallError).statusCode).toBe(400);
      expect((bad as APICallError).isRetryable).toBe(false);
    } finally {
      await limited.close();
    }
  });
});
