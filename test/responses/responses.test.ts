import OpenAI, { APIError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startRawUpstream } from '../helpers/raw-upstream';
import { sseJson } from '../helpers/sse';
import { validateAgainst, validateResponseEvent } from '../helpers/openapi';
import { metadataOf } from '../helpers/metadata';

describe('POST /v1/responses', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({}, { rich: true, reasoningField: 'reasoning' });
  });
  afterAll(() => t.close());
  const ask = {
    model: 'fake-model',
    instructions: 'Answer briefly.',
    input: 'What is 40 + 2?',
    best_of: 3,
    metadata: { team: 'math' },
  };

  it('plain: a spec-valid response with a reasoning item, the message, usage summed, the bestofn extension', async () => {
    const res = (await t.client.responses.create(ask as never)) as any;
    expect(validateAgainst('Response', res)).toEqual([]);
    expect(res.status).toBe('completed');
    expect(res.output.map((o: any) => o.type)).toEqual(['reasoning', 'message']);
    expect(res.output[0].content[0].text).toMatch(/Let me think/);
    expect(res.output_text).toMatch(/\\boxed\{\d+\}/); // the SDK's own convenience, computed from output
    expect(res.usage).toMatchObject({ input_tokens: 30, input_tokens_details: { cached_tokens: 12 } });
    expect(res.usage.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    expect(res.metadata).toEqual({ team: 'math' });
    expect(metadataOf(res).n_received).toBe(3);
    // What the upstream got: the instructions as a system message, then the input.
    expect(t.upstream.requests.at(-1).messages).toEqual([
      { role: 'system', content: 'Answer briefly.' },
      { role: 'user', content: 'What is 40 + 2?' },
    ]);
  });

  it('streamed: created … output_text.delta … completed, every event spec-valid and numbered, the same text', async () => {
    const plain = (await t.client.responses.create(ask as never)) as any;
    const stream = await t.client.responses.create({ ...ask, stream: true } as never);
    const events: any[] = [];
    for await (const e of stream as unknown as AsyncIterable<any>) events.push(e);
    for (const e of events) expect(validateResponseEvent(e), e.type).toEqual([]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events[0].type).toBe('response.created');
    expect(events.at(-1).type).toBe('response.completed');
    const text = events
      .filter((e) => e.type === 'response.output_text.delta')
      .map((e) => e.delta)
      .join('');
    expect(text).toBe(plain.output_text);
    expect(
      events
        .filter((e) => e.type === 'response.reasoning_text.delta')
        .map((e) => e.delta)
        .join(''),
    ).toBe(plain.output[0].content[0].text);
    expect(events.at(-1).response.output_text ?? events.at(-1).response.output[1].content[0].text).toBe(text);
  });

  it('the stream helper’s finalResponse(), with logprobs for top_logprobs', async () => {
    const final = await t.client.responses.stream({ ...ask, top_logprobs: 2 } as never).finalResponse();
    const content = (final.output.find((o) => o.type === 'message') as any).content[0];
    expect(content.logprobs.map((l: any) => l.token).join('')).toBe(content.text);
    expect(content.logprobs[0].top_logprobs).toHaveLength(2);
    // Asked for through `include` alone, as the API also allows.
    const included = (await t.client.responses.create({
      ...ask,
      include: ['message.output_text.logprobs'],
    } as never)) as any;
    expect(included.output[1].content[0].logprobs.length).toBeGreaterThan(0);
    expect(t.upstream.requests.at(-1)).toMatchObject({ logprobs: true });
  });

  it('an input item list: roles, content parts, and a past tool call, as chat messages', async () => {
    await t.client.responses.create({
      model: 'fake-model',
      best_of: 1,
      input: [
        { role: 'developer', content: 'Be terse.' },
        { role: 'user', content: [{ type: 'input_text', text: 'Weather in Paris?' }] },
        { type: 'function_call', call_id: 'c1', name: 'weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call_output', call_id: 'c1', output: 'sunny' },
        { role: 'assistant', content: [{ type: 'output_text', text: 'Sunny.' }] },
        { role: 'user', content: 'And 40 + 2?' },
      ],
    } as never);
    expect(t.upstream.requests.at(-1).messages).toEqual([
      { role: 'system', content: 'Be terse.' },
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
      { role: 'assistant', content: 'Sunny.' },
      { role: 'user', content: 'And 40 + 2?' },
    ]);
  });

  it.each([
    ['previous_response_id', 'resp_1'],
    ['store', true],
    ['background', true],
  ])('refuses %s, which needs server state, with a 400 naming it', async (param, value) => {
    const err = await t.client.responses.create({ model: 'fake-model', input: 'hi', [param]: value } as never).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as APIError).param).toBe(param);
    expect((err as APIError).message).toContain(param);
  });

  it('an upstream error before the headers is an HTTP error in both modes; store: false is fine', async () => {
    const failing = await startTestGateway(
      { UPSTREAM_RETRIES: '0' },
      {
        fail: () => ({ status: 400, body: { error: { message: 'context too long', type: 'invalid_request_error' } } }),
      },
    );
    try {
      for (const stream of [false, true]) {
        const err = await failing.client.responses
          .create({ model: 'fake-model', input: 'hi', store: false, stream } as never)
          .then(
            () => null,
            (e: unknown) => e,
          );
        expect(err).toBeInstanceOf(OpenAI.BadRequestError);
        expect((err as APIError).message).toContain('context too long');
      }
    } finally {
      await failing.close();
    }
  });

  it('a failure after the headers is a spec-valid error event the SDK raises', async () => {
    const late = await startTestGateway(
      { BESTOFN_HEARTBEAT_MS: '20', UPSTREAM_RETRIES: '0' },
      {
        latencyMs: 150,
        fail: () => ({ status: 500, body: { error: { message: 'model crashed', type: 'server_error' } } }),
      },
    );
    try {
      const res = await fetch(`${late.url}/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'fake-model', input: 'hi', stream: true }),
      });
      expect(res.status).toBe(200);
      const events = await sseJson(res);
      expect(events).toHaveLength(1);
      expect(validateResponseEvent(events[0])).toEqual([]);
      expect(events[0]).toMatchObject({ type: 'error', message: 'upstream: model crashed', sequence_number: 0 });
      const stream = (await late.client.responses.create({
        model: 'fake-model',
        input: 'hi',
        stream: true,
      } as never)) as unknown as AsyncIterable<unknown>;
      const err = await (async () => {
        for await (const _ of stream) void _;
      })().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(APIError);
      expect((err as APIError).message).toContain('model crashed');
    } finally {
      await late.close();
    }
  });

  it('JSON mode via text.format: no valid candidate is a 502, or created … error once the stream has begun', async () => {
    const prose = await startTestGateway({}, { respond: () => ({ content: 'The answer is 42.' }) });
    try {
      const body = {
        model: 'fake-model',
        input: 'Answer in JSON',
        best_of: 2,
        text: { format: { type: 'json_object' } },
      };
      const err = await prose.client.responses.create(body as never).then(
        () => null,
        (e: unknown) => e,
      );
      expect((err as APIError).status).toBe(502);
      expect((err as APIError).code).toBe('no_valid_candidate');
      expect(prose.upstream.requests.at(-1).response_format).toEqual({ type: 'json_object' });
      const res = await fetch(`${prose.url}/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...body, stream: true }),
      });
      expect(res.status).toBe(200); // a candidate arrived before the race was decided
      const events = await sseJson(res);
      expect(events.map((e) => e.type)).toEqual(['response.created', 'response.in_progress', 'error']);
      for (const e of events) expect(validateResponseEvent(e), e.type).toEqual([]);
      expect(events[2]).toMatchObject({ code: 'no_valid_candidate', sequence_number: 2 });
    } finally {
      await prose.close();
    }
  });

  it('a request with function tools samples N candidates and answers the chosen function_call items, plain and streamed', async () => {
    const call = { id: 'call_7', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } };
    const raw = await startRawUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'chatcmpl-1',
          object: 'chat.completion',
          created: 1,
          model: 'fake-model',
          usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
          choices: [
            {
              index: 0,
              finish_reason: 'tool_calls',
              logprobs: null,
              message: { role: 'assistant', content: null, tool_calls: [call] },
            },
          ],
        }),
      );
    });
    const g = await startTestGateway({ UPSTREAM_BASE_URL: raw.url });
    try {
      const tools = [
        {
          type: 'function',
          name: 'weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
          strict: false,
        },
      ];
      const res = (await g.client.responses.create({
        model: 'fake-model',
        input: 'Weather in Paris?',
        tools,
        best_of: 4,
      } as never)) as any;
      expect(validateAgainst('Response', res)).toEqual([]);
      expect(res.output).toEqual([
        expect.objectContaining({
          type: 'function_call',
          call_id: 'call_7',
          name: 'weather',
          arguments: '{"city":"Paris"}',
        }),
      ]);
      expect(raw.calls).toBe(4);
      expect(res.bestofn).toMatchObject({ decided_by: 'tools', tools: { mode: 'vote' } });
      const events: any[] = [];
      for await (const e of (await g.client.responses.create({
        model: 'fake-model',
        input: 'Weather in Paris?',
        tools,
        stream: true,
        best_of: 2,
      } as never)) as unknown as AsyncIterable<any>)
        events.push(e);
      for (const e of events) expect(validateResponseEvent(e), e.type).toEqual([]);
      expect(events.find((e) => e.type === 'response.function_call_arguments.done')).toMatchObject({
        name: 'weather',
        arguments: '{"city":"Paris"}',
      });
      expect(raw.calls).toBe(6);
    } finally {
      await g.close();
      await raw.close();
    }
  });
});
