import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bestOfNMetadataSchema } from '../../src/core/bestofn-metadata';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { validateAgainst, validateResponseEvent } from '../helpers/openapi';
import { chatChunkEvent, startRawUpstream } from '../helpers/raw-upstream';
import { sseJson } from '../helpers/sse';

/** Issue 26: a streamed /v1/responses request that resolves to one candidate is relayed as the model writes. */
describe('POST /v1/responses at one candidate is a live relay', () => {
  const TOKENS = 20;
  const words = Array.from({ length: TOKENS }, (_, i) => `w${i}`).join(' ');

  it('the first output_text.delta reaches the openai client while the upstream still holds the rest', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const t = await startTestGateway(
      {},
      { respond: () => ({ content: words }), hold: { afterTokens: 3, until: held }, rich: true },
    );
    try {
      const stream = (await t.client.responses.create({
        model: 'fake-model',
        input: 'Count.',
        best_of: 1,
        temperature: 0,
        stream: true,
      } as never)) as unknown as AsyncIterable<any>;
      const events: any[] = [];
      let sentAtFirstDelta: number | undefined;
      for await (const e of stream) {
        events.push(e);
        if (e.type === 'response.output_text.delta' && sentAtFirstDelta === undefined) {
          // Held back, the answer could not come before the upstream wrote all of it, which it does only now.
          sentAtFirstDelta = t.upstream.tokensByRequest.at(-1);
          release();
        }
      }
      expect(sentAtFirstDelta).toBeLessThan(TOKENS);
      for (const e of events) expect(validateResponseEvent(e), e.type).toEqual([]);
      expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
      expect(events.map((e) => e.type).filter((type) => !type.endsWith('.delta'))).toEqual([
        'response.created',
        'response.in_progress',
        'response.output_item.added',
        'response.content_part.added',
        'response.output_text.done',
        'response.content_part.done',
        'response.output_item.done',
        'response.completed',
      ]);
      const deltas = events.filter((e) => e.type === 'response.output_text.delta');
      expect(deltas.length).toBe(TOKENS);
      expect(deltas.map((e) => e.delta).join('')).toBe(words);
      const done = events.at(-1).response;
      expect(done.output[0].content[0].text).toBe(words);
      expect(done.output[0].id).toBe(deltas[0].item_id);
      expect(done.usage).toMatchObject({ input_tokens: 10, output_tokens: TOKENS, total_tokens: 10 + TOKENS });
      expect(bestOfNMetadataSchema.parse(done.bestofn)).toMatchObject({
        bypass: 'single',
        n_requested: 1,
        temperature: 0,
        temperature_source: 'client',
      });
      // The client's settings reach the upstream as sent; the gateway's own fields do not.
      const sent = t.upstream.requests.at(-1);
      expect(sent).toMatchObject({ stream: true, temperature: 0, stream_options: { include_usage: true } });
      expect(sent).not.toHaveProperty('best_of');
    } finally {
      release();
      await t.close();
    }
  });

  it('a client that leaves mid-answer cancels the upstream call', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const t = await startTestGateway(
      {},
      { respond: () => ({ content: words }), hold: { afterTokens: 3, until: held } },
    );
    try {
      const controller = new AbortController();
      const res = await fetch(`${t.url}/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'fake-model', input: 'Count.', best_of: 1, stream: true }),
        signal: controller.signal,
      });
      const reader = res.body!.getReader();
      let seen = '';
      while (!seen.includes('response.output_text.delta'))
        seen += new TextDecoder().decode((await reader.read()).value);
      controller.abort();
      // The upstream still holds the rest of its answer: only the gateway's cancel can end its request.
      await expect.poll(() => t.upstream.aborted, { timeout: 20_000 }).toBe(1);
    } finally {
      release();
      await t.close();
    }
  });

  describe('with a thinking model, logprobs and the stream helper', () => {
    let t: TestGateway;
    beforeAll(async () => {
      t = await startTestGateway({ BESTOFN_N: '1' }, { rich: true, reasoningField: 'reasoning_content' });
    });
    afterAll(() => t.close());

    it('reasoning then message items, logprobs on each delta; finalResponse() equals the plain answer’s shape', async () => {
      const ask = { model: 'fake-model', input: 'What is 40 + 2?', top_logprobs: 2 };
      const events: any[] = [];
      const stream = t.client.responses.stream(ask as never);
      for await (const e of stream) events.push(e);
      const final = (await stream.finalResponse()) as any;
      for (const e of events) expect(validateResponseEvent(e), e.type).toEqual([]);
      expect(validateAgainst('Response', final)).toEqual([]);
      expect(final.output.map((o: any) => o.type)).toEqual(['reasoning', 'message']);
      const reasoning = events.filter((e) => e.type === 'response.reasoning_text.delta').map((e) => e.delta);
      expect(reasoning.join('')).toBe(final.output[0].content[0].text);
      // Thinking is done before the message begins, as OpenAI streams it.
      const types = events.map((e) => e.type);
      expect(types.indexOf('response.reasoning_text.done')).toBeLessThan(types.indexOf('response.output_text.delta'));
      const text = final.output[1].content[0];
      expect(text.logprobs.map((l: any) => l.token).join('')).toBe(text.text);
      expect(text.logprobs[0].top_logprobs).toHaveLength(2);
      const deltas = events.filter((e) => e.type === 'response.output_text.delta');
      expect(deltas.every((e) => e.logprobs.length === 1)).toBe(true);
      expect(final.usage.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    });

    it('plain: the same relay, answered whole, with the bypass metadata and x-bestofn-bypass', async () => {
      const res = await fetch(`${t.url}/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'fake-model', input: 'What is 40 + 2?', temperature: 0 }),
      });
      expect(res.headers.get('x-bestofn-bypass')).toBe('single');
      const body = await res.json();
      expect(validateAgainst('Response', body)).toEqual([]);
      expect(body.output.map((o: any) => o.type)).toEqual(['reasoning', 'message']);
      expect(body.bestofn).toMatchObject({ bypass: 'single', temperature_source: 'client' });
      expect(t.upstream.requests.at(-1).temperature).toBe(0);
    });
  });

  it('tool calls stream as function_call items whose arguments arrive in deltas', async () => {
    const calls = [
      {
        id: 'call_a',
        type: 'function' as const,
        function: { name: 'weather', arguments: '{"city":"Paris","unit":"c"}' },
      },
      { id: 'call_b', type: 'function' as const, function: { name: 'time', arguments: '{"zone":"CET"}' } },
    ];
    const t = await startTestGateway(
      {},
      { respond: () => ({ content: null, tool_calls: calls, finish_reason: 'tool_calls' }) },
    );
    try {
      const tool = (name: string) => ({ type: 'function', name, parameters: { type: 'object' }, strict: false });
      const stream = t.client.responses.stream({
        model: 'fake-model',
        input: 'Weather and time in Paris?',
        tools: [tool('weather'), tool('time')],
        best_of: 1,
      } as never);
      const events: any[] = [];
      for await (const e of stream) events.push(e);
      const final = (await stream.finalResponse()) as any;
      for (const e of events) expect(validateResponseEvent(e), e.type).toEqual([]);
      expect(final.output).toEqual([
        expect.objectContaining({
          type: 'function_call',
          call_id: 'call_a',
          name: 'weather',
          arguments: calls[0]!.function.arguments,
        }),
        expect.objectContaining({
          type: 'function_call',
          call_id: 'call_b',
          name: 'time',
          arguments: calls[1]!.function.arguments,
        }),
      ]);
      const args = events.filter((e) => e.type === 'response.function_call_arguments.delta' && e.output_index === 0);
      expect(args.length).toBeGreaterThan(1);
      expect(args.map((e) => e.delta).join('')).toBe(calls[0]!.function.arguments);
      expect(events.filter((e) => e.type === 'response.function_call_arguments.done')).toHaveLength(2);
      expect(events.some((e) => e.type === 'response.output_text.delta')).toBe(false);
    } finally {
      await t.close();
    }
  });

  describe('an upstream stream cut before its end', () => {
    let t: TestGateway;
    let upstream: Awaited<ReturnType<typeof startRawUpstream>>;
    beforeAll(async () => {
      upstream = await startRawUpstream((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end(chatChunkEvent('The answer is 4'));
      });
      t = await startTestGateway({ UPSTREAM_BASE_URL: upstream.url, UPSTREAM_RETRIES: '0' });
    });
    afterAll(async () => {
      await t.close();
      await upstream.close();
    });
    const ask = { model: 'm', input: 'What is 2+2?', best_of: 1, stream: true };

    it('ends on response.failed and the error event, spec-valid, never a silent end', async () => {
      const res = await fetch(`${t.url}/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ask),
      });
      expect(res.status).toBe(200);
      const events = await sseJson(res);
      for (const e of events) expect(validateResponseEvent(e), e.type).toEqual([]);
      expect(events.find((e) => e.type === 'response.output_text.delta')).toMatchObject({ delta: 'The answer is 4' });
      expect(events.slice(-2).map((e) => e.type)).toEqual(['response.failed', 'error']);
      expect(events.at(-2).response).toMatchObject({ status: 'failed', error: { code: 'server_error' } });
      expect(events.at(-1)).toMatchObject({ code: 'bad_upstream_response' });
      expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    });

    it('the openai client raises it', async () => {
      const stream = (await t.client.responses.create(ask as never)) as unknown as AsyncIterable<unknown>;
      const err = await (async () => {
        for await (const _ of stream) void _;
      })().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(APIError);
      expect((err as APIError).message).toMatch(/cut off/);
      expect(err).not.toBeInstanceOf(OpenAI.BadRequestError);
    });
  });
});
