import OpenAI, { APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import type { FakeChoice, FakeToolCall } from '../helpers/fake-upstream';
import { MATH, startTestGateway } from '../helpers/gateway';
import { metadataOf } from '../helpers/metadata';
import { sseJson } from '../helpers/sse';

const WEATHER = [
  {
    type: 'function' as const,
    function: {
      name: 'get_weather',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string' } },
        required: ['city'],
        additionalProperties: false,
      },
    },
  },
];
const ASK = [{ role: 'user' as const, content: 'Weather in Paris?' }];

const call = (id: string, args: string, name = 'get_weather'): FakeToolCall => ({
  id,
  type: 'function',
  function: { name, arguments: args },
});
const calling = (...calls: FakeToolCall[]): FakeChoice => ({
  content: null,
  tool_calls: calls,
  finish_reason: 'tool_calls',
});
/** One answer per upstream call, in turn: one candidate per call as the gateway samples without `n`. */
const inTurn = (answers: FakeChoice[]) => ({
  respond: (_b: unknown, _i: number, c: number) => answers[c % answers.length]!,
});

async function streamed(url: string, body: object) {
  const res = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, stream: true }),
  });
  return sseJson(res);
}

describe('tool calls through Best-of-N', () => {
  const written = [
    calling(call('call_a', '{"city":"Paris"}')),
    calling(call('call_b', '{ "city" : "Paris" }')),
    calling(call('call_c', '{"city":"Lyon"}')),
    calling(call('call_d', '{"town":"Paris"}')),
  ];

  it('votes on calls by meaning: the same arguments written differently agree, schema-breaking ones never win', async () => {
    const t = await startTestGateway({}, inTurn(written));
    try {
      const res = await t.client.chat.completions.create({
        model: 'fake-model',
        messages: ASK,
        tools: WEATHER,
        best_of: 4,
      } as never);
      expect(t.upstream.requests).toHaveLength(4);
      expect(t.upstream.requests.every((r) => r.tools?.[0]?.function.name === 'get_weather')).toBe(true);
      const choice = res.choices[0]!;
      expect(choice.finish_reason).toBe('tool_calls');
      expect(choice.message.content).toBeNull();
      expect(choice.message.tool_calls).toEqual([call('call_a', '{"city":"Paris"}')]);
      const meta = metadataOf(res);
      expect(meta.decided_by).toBe('tools');
      expect(meta.tools).toEqual({
        mode: 'vote',
        groups: [
          { decision: 'calls:get_weather({"city":"Paris"})', candidates: [0, 1] },
          { decision: 'calls:get_weather({"city":"Lyon"})', candidates: [2] },
        ],
      });
      expect(meta.invalid_candidates).toBe(1);
      expect(meta.candidates[3]!.invalid).toBe('arguments of get_weather: value is not allowed at /town');
    } finally {
      await t.close();
    }
  });

  it('streams the chosen calls as OpenAI does: id and name first, then the arguments in pieces', async () => {
    const t = await startTestGateway({}, inTurn(written));
    try {
      const chunks = await streamed(t.url, { model: 'fake-model', messages: ASK, tools: WEATHER, best_of: 4 });
      const deltas = chunks.flatMap((c) => c.choices.map((ch: any) => ch.delta));
      const calls = deltas.filter((d) => d.tool_calls).map((d) => d.tool_calls[0]);
      expect(calls[0]).toEqual({
        index: 0,
        id: 'call_a',
        type: 'function',
        function: { name: 'get_weather', arguments: '' },
      });
      expect(calls.slice(1).every((c) => c.id === undefined && c.function.name === undefined)).toBe(true);
      expect(calls.map((c) => c.function.arguments).join('')).toBe('{"city":"Paris"}');
      expect(chunks.at(-1).choices[0].finish_reason).toBe('tool_calls');
      expect(metadataOf(chunks.at(-1)).tools?.groups[0]!.candidates).toEqual([0, 1]);
      // The official client's stream helper puts the pieces back together.
      const final = await t.client.chat.completions
        .stream({ model: 'fake-model', messages: ASK, tools: WEATHER, best_of: 4 } as never)
        .finalChatCompletion();
      expect(final.choices[0]!.message.tool_calls?.[0]?.function).toEqual({
        name: 'get_weather',
        arguments: '{"city":"Paris"}',
      });
    } finally {
      await t.close();
    }
  });

  it('arguments that are not JSON never win over a valid call, even in a majority', async () => {
    const answers = [
      calling(call('c0', '{"city": "Par')),
      calling(call('c1', '{"city": "Par')),
      calling(call('c2', '{"city":"Lyon"}')),
      calling(call('c3', '{"city": "Par')),
    ];
    const t = await startTestGateway({}, inTurn(answers));
    try {
      const res = await t.client.chat.completions.create({
        model: 'fake-model',
        messages: ASK,
        tools: WEATHER,
        best_of: 4,
      } as never);
      expect(res.choices[0]!.message.tool_calls?.[0]?.id).toBe('c2');
      expect(metadataOf(res).candidates[0]!.invalid).toBe('arguments of get_weather are not JSON');
    } finally {
      await t.close();
    }
  });

  it('parallel calls compare as a multiset; parallel_tool_calls: false makes two calls invalid', async () => {
    const answers = [
      calling(call('p0', '{"city":"Paris"}'), call('l0', '{"city":"Lyon"}')),
      calling(call('l1', '{"city":"Lyon"}'), call('p1', '{"city":"Paris"}')),
      calling(call('p2', '{"city":"Paris"}')),
      calling(call('r3', '{"city":"Rome"}')),
    ];
    const t = await startTestGateway({}, inTurn(answers));
    try {
      const res = await t.client.chat.completions.create({
        model: 'fake-model',
        messages: ASK,
        tools: WEATHER,
        best_of: 4,
      } as never);
      expect(res.choices[0]!.message.tool_calls?.map((c) => c.id)).toEqual(['p0', 'l0']);
      expect(metadataOf(res).tools?.groups[0]!.candidates).toEqual([0, 1]);
      const single = await t.client.chat.completions.create({
        model: 'fake-model',
        messages: ASK,
        tools: WEATHER,
        parallel_tool_calls: false,
        best_of: 4,
      } as never);
      expect(t.upstream.requests.at(-1).parallel_tool_calls).toBe(false);
      const meta = metadataOf(single);
      expect(meta.candidates[0]!.invalid).toBe('made 2 calls, but parallel_tool_calls is false');
      expect(meta.tools?.groups.map((g) => g.candidates)).toHaveLength(2);
      expect(single.choices[0]!.message.tool_calls).toHaveLength(1);
    } finally {
      await t.close();
    }
  });

  it('tool_choice is honoured: a text answer is invalid when a call is required', async () => {
    const answers = [
      { content: 'It is sunny in Paris.' },
      { content: 'It is sunny in Paris.' },
      { content: 'It is sunny in Paris.' },
      calling(call('only', '{"city":"Paris"}')),
    ];
    const t = await startTestGateway({}, inTurn(answers));
    try {
      const res = await t.client.chat.completions.create({
        model: 'fake-model',
        messages: ASK,
        tools: WEATHER,
        tool_choice: 'required',
        best_of: 4,
      } as never);
      expect(res.choices[0]!.message.tool_calls?.[0]?.id).toBe('only');
      expect(metadataOf(res).candidates[0]!.invalid).toBe('called no tool, but tool_choice is required');
      // With tool_choice auto the three text answers agree and win.
      const auto = await t.client.chat.completions.create({
        model: 'fake-model',
        messages: ASK,
        tools: WEATHER,
        best_of: 4,
      } as never);
      expect(auto.choices[0]!.message.content).toBe('It is sunny in Paris.');
      expect(auto.choices[0]!.message.tool_calls).toBeUndefined();
    } finally {
      await t.close();
    }
  });

  it('legacy functions: the chosen function_call comes back whole, plain and streamed, from N samples', async () => {
    const fn = (args: string): FakeChoice => ({
      content: null,
      function_call: { name: 'get_weather', arguments: args },
      finish_reason: 'function_call',
    });
    const t = await startTestGateway(
      {},
      inTurn([fn('{"city":"Lyon"}'), fn('{"city": "Paris"}'), fn('{"city":"Paris"}'), fn('nope')]),
    );
    try {
      const functions = [WEATHER[0]!.function];
      const res = await t.client.chat.completions.create({
        model: 'fake-model',
        messages: ASK,
        functions,
        best_of: 4,
      } as never);
      expect(t.upstream.requests).toHaveLength(4);
      expect(res.choices[0]!.finish_reason).toBe('function_call');
      expect(res.choices[0]!.message.function_call).toEqual({ name: 'get_weather', arguments: '{"city": "Paris"}' });
      const chunks = await streamed(t.url, { model: 'fake-model', messages: ASK, functions, best_of: 4 });
      const pieces = chunks.flatMap((c) => c.choices.map((ch: any) => ch.delta.function_call)).filter(Boolean);
      expect(pieces[0]).toEqual({ name: 'get_weather', arguments: '' });
      expect(pieces.map((p: any) => p.arguments).join('')).toBe('{"city": "Paris"}');
    } finally {
      await t.close();
    }
  });

  it('keeps the chosen message whole: annotations and audio pass through, plain and streamed', async () => {
    const annotations = [
      { type: 'url_citation', url_citation: { url: 'https://example.com', title: 'Ex', start_index: 0, end_index: 4 } },
    ];
    const audio = { id: 'audio_1', data: 'AAAA', expires_at: 1, transcript: 'The answer is 42.' };
    const t = await startTestGateway(
      {},
      { respond: () => ({ content: 'The answer is 42.', extra: { annotations, audio } }) },
    );
    try {
      const res = await t.client.chat.completions.create({ model: 'fake-model', messages: MATH, best_of: 2 } as never);
      expect(res.choices[0]!.message).toMatchObject({ annotations, audio });
      const chunks = await streamed(t.url, { model: 'fake-model', messages: MATH, best_of: 2 });
      expect(chunks.map((c) => c.choices[0]?.delta).find((d) => d?.annotations)).toEqual({ annotations, audio });
    } finally {
      await t.close();
    }
  });

  it('the live path (upstream streams) puts calls split across chunks back together before the vote', async () => {
    const t = await startTestGateway({}, inTurn(written));
    try {
      const live = { reject: { after_tokens: 1000, every_tokens: 1000, keep_fraction: 1 } };
      const res = await t.client.chat.completions.create({
        model: 'fake-model',
        messages: ASK,
        tools: WEATHER,
        best_of: 4,
        bestofn: live,
      } as never);
      expect(t.upstream.requests.every((r) => r.stream === true)).toBe(true);
      expect(res.choices[0]!.message.tool_calls).toEqual([call('call_a', '{"city":"Paris"}')]);
      expect(res.choices[0]!.message.content).toBeNull();
      expect(metadataOf(res).tools?.groups[0]!.candidates).toEqual([0, 1]);
      // Early commit waits for the vote when calls may be the answer.
      const chunks = await streamed(t.url, {
        model: 'fake-model',
        messages: ASK,
        tools: WEATHER,
        best_of: 4,
        bestofn: { ...live, commit: { margin: 0 } },
      });
      const args = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []).map((p: any) => p.function.arguments);
      expect(args.join('')).toBe('{"city":"Paris"}');
    } finally {
      await t.close();
    }
  });

  it('Responses API: the chosen call is a function_call item whose arguments stream in pieces', async () => {
    const long = '{"city":"Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch"}';
    const t = await startTestGateway({}, inTurn([calling(call('call_w', long))]));
    try {
      const res = await fetch(`${t.url}/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'fake-model',
          input: 'Weather?',
          tools: [{ type: 'function', ...WEATHER[0]!.function }],
          best_of: 4,
          stream: true,
        }),
      });
      const events = await sseJson(res);
      const deltas = events.filter((e) => e.type === 'response.function_call_arguments.delta').map((e) => e.delta);
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas.join('')).toBe(long);
      const done = events.find((e) => e.type === 'response.completed').response;
      expect(done.output).toEqual([
        expect.objectContaining({ type: 'function_call', call_id: 'call_w', arguments: long }),
      ]);
      expect(done.bestofn.tools.groups[0].candidates).toEqual([0, 1, 2, 3]);
    } finally {
      await t.close();
    }
  });

  it('bad tools are a 400 before any upstream call', async () => {
    const t = await startTestGateway();
    try {
      const cases: [unknown, string][] = [
        [[{ type: 'function', function: { parameters: {} } }], 'tools[0].function.name'],
        [[{ type: 'function', function: { name: '', parameters: {} } }], 'tools[0].function.name'],
        [
          [{ type: 'function', function: { name: 'f', parameters: { type: 'banana' } } }],
          'tools[0].function.parameters',
        ],
        [
          [{ type: 'function', function: { name: 'f', parameters: { $ref: '#/$defs/missing' } } }],
          'tools[0].function.parameters',
        ],
      ];
      for (const [tools, param] of cases) {
        const err = await t.client.chat.completions
          .create({ model: 'fake-model', messages: ASK, tools, best_of: 4 } as never)
          .then(
            () => null,
            (e: unknown) => e,
          );
        expect(err, param).toBeInstanceOf(OpenAI.BadRequestError);
        expect((err as APIError).param).toBe(param);
      }
      expect(t.upstream.requests).toHaveLength(0);
    } finally {
      await t.close();
    }
  });
});
