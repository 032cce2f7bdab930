import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MATH, startTestGateway, type TestGateway } from '../helpers/gateway';
import { metadataOf } from '../helpers/metadata';

/** The official Node client (`openai`), as an application uses it, against the real server on loopback. */
describe('conformance: openai (Node)', () => {
  let t: TestGateway;
  let client: OpenAI;
  beforeAll(async () => {
    t = await startTestGateway(
      { GATEWAY_API_KEYS: 'sk-gw' },
      { rich: true, latencyMs: (b) => (b.messages?.[0]?.content === 'slow' ? 5_000 : 0) },
    );
    // The SDK's own retry default: the gateway's x-should-retry keeps it from multiplying calls.
    client = new OpenAI({ baseURL: t.url, apiKey: 'sk-gw' });
  });
  afterAll(() => t.close());
  const ask = { model: 'fake-model', messages: MATH };

  it('create: an answer, usage, and the bestofn metadata', async () => {
    const res = await client.chat.completions.create({ ...ask, best_of: 3 } as never);
    expect(res.choices[0]!.message.content).toMatch(/\\boxed\{\d+\}/);
    expect(res.usage!.prompt_tokens).toBe(30);
    expect(metadataOf(res).n_received).toBe(3);
  });

  it('stream: the same text as create, usage last', async () => {
    const stream = await client.chat.completions.create({
      ...ask,
      best_of: 3,
      stream: true,
      stream_options: { include_usage: true },
    } as never);
    let text = '';
    let usage: unknown;
    for await (const chunk of stream as unknown as AsyncIterable<OpenAI.ChatCompletionChunk>) {
      text += chunk.choices[0]?.delta.content ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(text).toMatch(/\\boxed\{\d+\}/);
    expect(usage).toMatchObject({ prompt_tokens: 30 });
  });

  it('the stream() helper with finalChatCompletion(), logprobs included', async () => {
    const runner = client.chat.completions.stream({ ...ask, best_of: 2, logprobs: true, top_logprobs: 1 } as never);
    const deltas: string[] = [];
    runner.on('content', (delta) => deltas.push(delta));
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]!.message.content).toBe(deltas.join(''));
    expect(final.choices[0]!.logprobs?.content?.map((l) => l.token).join('')).toBe(final.choices[0]!.message.content);
  });

  it('withResponse(): the headers (x-request-id) beside the answer', async () => {
    const { data, response } = await client.chat.completions.create({ ...ask, best_of: 2 } as never).withResponse();
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(data.object).toBe('chat.completion');
  });

  it('typed errors, plain and streamed: BadRequestError, AuthenticationError, RateLimitError with its status', async () => {
    for (const stream of [false, true]) {
      const bad = await client.chat.completions.create({ ...ask, best_of: 0, stream } as never).then(
        () => null,
        (e: unknown) => e,
      );
      expect(bad).toBeInstanceOf(OpenAI.BadRequestError);
      expect((bad as APIError).param).toBe('best_of');
      const wrongKey = new OpenAI({ baseURL: t.url, apiKey: 'sk-wrong', maxRetries: 0 });
      const auth = await wrongKey.chat.completions.create({ ...ask, stream } as never).then(
        () => null,
        (e: unknown) => e,
      );
      expect(auth).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((auth as APIError).status).toBe(401);
    }
    const limited = await startTestGateway(
      { UPSTREAM_RETRIES: '0' },
      {
        fail: () => ({
          status: 429,
          headers: { 'retry-after': '30' },
          body: { error: { message: 'busy', type: 'rate_limit_error' } },
        }),
      },
    );
    try {
      const c = new OpenAI({ baseURL: limited.url, apiKey: 'x', maxRetries: 0 });
      for (const stream of [false, true]) {
        const err = await c.chat.completions.create({ ...ask, best_of: 2, stream } as never).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(OpenAI.RateLimitError);
        expect((err as APIError).status).toBe(429);
        expect((err as APIError).headers?.get('retry-after')).toBe('30');
      }
    } finally {
      await limited.close();
    }
  });

  it('abort: the SDK raises APIUserAbortError and the gateway cancels the upstream calls', async () => {
    const before = t.upstream.aborted;
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const err = await client.chat.completions
      .create({ model: 'fake-model', messages: [{ role: 'user', content: 'slow' }], best_of: 2 } as never, {
        signal: ac.signal,
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(OpenAI.APIUserAbortError);
    for (let i = 0; i < 100 && t.upstream.aborted < before + 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(t.upstream.aborted).toBe(before + 2);
  });

  it('responses.create, plain and streamed, and responses.stream().finalResponse()', async () => {
    const res = await client.responses.create({ model: 'fake-model', input: 'What is 40 + 2?', best_of: 2 } as never);
    expect(res.output_text).toMatch(/\\boxed\{\d+\}/);
    let streamed = '';
    const events = (await client.responses.create({
      model: 'fake-model',
      input: 'What is 40 + 2?',
      best_of: 2,
      stream: true,
    } as never)) as unknown as AsyncIterable<OpenAI.Responses.ResponseStreamEvent>;
    for await (const e of events) {
      if (e.type === 'response.output_text.delta') streamed += e.delta;
    }
    expect(streamed).toMatch(/\\boxed\{\d+\}/);
    const final = await client.responses
      .stream({ model: 'fake-model', input: 'What is 40 + 2?', best_of: 2 } as never)
      .finalResponse();
    expect(final.output_text).toMatch(/\\boxed\{\d+\}/);
  });

  it('models.retrieve and models.list', async () => {
    expect((await client.models.retrieve('fake-model')).id).toBe('fake-model');
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual(['fake-model']);
  });
});
