import { ChatOpenAI } from '@langchain/openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const PROMPT = 'What is 40 + 2?';

/** LangChain's ChatOpenAI, as an application uses it, against the real server on loopback. */
describe('conformance: @langchain/openai ChatOpenAI', () => {
  let t: TestGateway;
  let chat: ChatOpenAI;
  beforeAll(async () => {
    t = await startTestGateway({}, { rich: true });
    chat = new ChatOpenAI({ model: 'fake-model', apiKey: 'x', configuration: { baseURL: t.url }, maxRetries: 0 });
  });
  afterAll(() => t.close());

  it('invoke: the answer and its usage', async () => {
    const msg = await chat.invoke(PROMPT);
    expect(msg.content).toMatch(/\\boxed\{\d+\}/);
    expect(msg.usage_metadata).toMatchObject({ input_tokens: 40, input_token_details: { cache_read: 16 } });
    expect(msg.usage_metadata!.output_token_details?.reasoning).toBeGreaterThan(0);
  });

  it('stream: chunks that add up to the invoke answer’s shape, usage at the end', async () => {
    let text = '';
    let usage: unknown;
    for await (const chunk of await chat.stream(PROMPT)) {
      text += typeof chunk.content === 'string' ? chunk.content : '';
      usage = chunk.usage_metadata ?? usage;
    }
    expect(text).toMatch(/\\boxed\{\d+\}/);
    expect(usage).toMatchObject({ input_tokens: 40 });
  });

  it('reasoning_content and logprobs reach the message', async () => {
    const withLogprobs = new ChatOpenAI({
      model: 'fake-model',
      apiKey: 'x',
      configuration: { baseURL: t.url },
      maxRetries: 0,
      logprobs: true,
      topLogprobs: 1,
    });
    const msg = await withLogprobs.invoke(PROMPT);
    expect(msg.additional_kwargs.reasoning_content).toMatch(/Let me think/);
    const logprobs = msg.response_metadata.logprobs as { content: { token: string }[] };
    expect(logprobs.content.map((l) => l.token).join('')).toBe(msg.content);
  });

  it('batch: one answer per prompt', async () => {
    const answers = await chat.batch([PROMPT, 'What is 6 × 7?', 'And 84 / 2?']);
    expect(answers).toHaveLength(3);
    for (const a of answers) expect(a.content).toMatch(/\\boxed\{\d+\}/);
  });

  it('useResponsesApi: invoke and stream through POST /v1/responses', async () => {
    const viaResponses = new ChatOpenAI({
      model: 'fake-model',
      apiKey: 'x',
      configuration: { baseURL: t.url },
      maxRetries: 0,
      useResponsesApi: true,
    });
    const before = t.upstream.requests.length;
    const msg = await viaResponses.invoke(PROMPT);
    expect(msg.text).toMatch(/\\boxed\{\d+\}/);
    expect(msg.usage_metadata).toMatchObject({ input_tokens: 40 });
    let text = '';
    for await (const chunk of await viaResponses.stream(PROMPT)) text += chunk.text;
    expect(text).toMatch(/\\boxed\{\d+\}/);
    expect(t.upstream.requests.length - before).toBe(8);
    expect(await (await fetch(`${t.gateway.url}/metrics`)).text()).toMatch(
      /bestofn_requests_total\{route="\/v1\/responses",status="200"\} 2/,
    );
  });

  it('an upstream error keeps its status', async () => {
    const failing = await startTestGateway(
      { UPSTREAM_RETRIES: '0' },
      {
        fail: () => ({ status: 400, body: { error: { message: 'context too long', type: 'invalid_request_error' } } }),
      },
    );
    try {
      const c = new ChatOpenAI({
        model: 'fake-model',
        apiKey: 'x',
        configuration: { baseURL: failing.url },
        maxRetries: 0,
      });
      for (const call of [
        () => c.invoke(PROMPT),
        async () => {
          for await (const _ of await c.stream(PROMPT)) void _;
        },
      ]) {
        const err = await call().then(
          () => null,
          (e: unknown) => e,
        );
        expect((err as { status?: number }).status).toBe(400);
        expect((err as Error).message).toMatch(/context too long/);
      }
    } finally {
      await failing.close();
    }
  });
});
