import { zodFunction, zodResponseFormat, zodTextFormat } from 'openai/helpers/zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { FakeChoice } from '../helpers/fake-upstream';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { metadataOf } from '../helpers/metadata';

/**
 * openai-node's agent and structured-output helpers through the gateway at best_of 1 and 4: runTools,
 * chat.completions.parse and responses.parse with zod schemas, parallel tool calls, legacy functions.
 * The fake upstream answers each sample differently: the same call spelled two ways, a call with bad
 * arguments, a schema-breaking JSON answer.
 */
const CALLS = ['{"city":"Paris"}', '{ "city" : "Paris" }', '{"city": "Lyon"}', '{"city":'];
const ANSWERS = [
  '{"city":"Paris","celsius":21}',
  '{ "celsius": 21, "city": "Paris" }',
  '{"city":"Paris","celsius":"21"}',
  '{"city":"Rome","celsius":30}',
];

/** At best_of 1 every sample is the first, valid one; at 4 the four samples answer four ways. */
const respondAt =
  (bestOf: number) =>
  (body: any, _index: number, n: number): FakeChoice => {
    const k = bestOf === 1 ? 0 : n % 4;
    const last = body.messages.at(-1);
    const format = body.response_format?.type === 'json_schema';
    if (last.role === 'tool' || last.role === 'function' || (format && !body.tools)) return { content: ANSWERS[k]! };
    if (body.functions)
      return {
        content: null,
        finish_reason: 'function_call',
        function_call: { name: 'get_weather', arguments: CALLS[k]! },
      };
    const fn = (id: string, city: string) => ({
      id,
      type: 'function' as const,
      function: { name: 'get_weather', arguments: `{"city":"${city}"}` },
    });
    if (last.content.includes('two cities'))
      return {
        content: null,
        finish_reason: 'tool_calls',
        // The same two calls in either order agree; the third sample calls one only.
        tool_calls:
          k === 2
            ? [fn(`c${n}`, 'Paris')]
            : k === 1
              ? [fn(`b${n}`, 'Lyon'), fn(`a${n}`, 'Paris')]
              : [fn(`a${n}`, 'Paris'), fn(`b${n}`, 'Lyon')],
      };
    return {
      content: null,
      finish_reason: 'tool_calls',
      tool_calls: [{ id: `call_${n}`, type: 'function', function: { name: 'get_weather', arguments: CALLS[k]! } }],
    };
  };

const Weather = z.object({ city: z.string(), celsius: z.number().int() });

describe.each([1, 4])('conformance: openai-node tools and structured outputs at best_of: %i', (bestOf) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ BESTOFN_SELECT: 'majority' }, { respond: respondAt(bestOf) });
  });
  afterAll(() => t.close());
  const ask = (content: string) => [{ role: 'user' as const, content }];

  it.each([false, true])('runTools (stream: %s): the agreed call runs once, then the answer', async (stream) => {
    const before = t.upstream.requests.length;
    const ran: string[] = [];
    const params = {
      model: 'fake-model',
      messages: ask('Weather in Paris?'),
      best_of: bestOf,
      tools: [
        zodFunction({
          name: 'get_weather',
          parameters: z.object({ city: z.string() }),
          function: ({ city }: { city: string }) => (ran.push(city), `sunny in ${city}`),
        }),
      ],
      ...(stream ? { stream: true } : {}),
    };
    const runner = t.client.chat.completions.runTools(params as never);
    const final = await runner.finalContent();
    expect(ran).toEqual(['Paris']);
    expect(JSON.parse(final!)).toEqual({ city: 'Paris', celsius: 21 });
    expect(t.upstream.requests.length - before).toBe(2 * bestOf);
  });

  it('chat.completions.parse with a zod schema: a schema-breaking answer never wins', async () => {
    const res = await t.client.chat.completions.parse({
      model: 'fake-model',
      messages: ask('Weather as JSON'),
      response_format: zodResponseFormat(Weather, 'weather'),
      best_of: bestOf,
    } as never);
    expect(res.choices[0]!.message.parsed).toEqual({ city: 'Paris', celsius: 21 });
    if (bestOf === 1) return;
    const meta = metadataOf(res);
    expect(meta.candidates[2]!.invalid).toMatch(/^content does not match the schema/);
    expect(meta.candidates[0]!.group).toBe(meta.candidates[1]!.group);
  });

  it.each([false, true])('responses.parse / responses.stream with a zod text format (stream: %s)', async (stream) => {
    const params = {
      model: 'fake-model',
      input: 'Weather as JSON',
      text: { format: zodTextFormat(Weather, 'weather') },
      best_of: bestOf,
    };
    const res = stream
      ? await t.client.responses.stream(params as never).finalResponse()
      : await t.client.responses.parse(params as never);
    expect(res.output_parsed).toEqual({ city: 'Paris', celsius: 21 });
  });

  it('parallel_tool_calls: both calls come back, in the chosen candidate’s order, with their ids', async () => {
    const tools = [
      {
        type: 'function' as const,
        function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
      },
    ];
    const res = await t.client.chat.completions.create({
      model: 'fake-model',
      messages: ask('Weather in two cities'),
      tools,
      parallel_tool_calls: true,
      best_of: bestOf,
    } as never);
    const calls = res.choices[0]!.message.tool_calls!;
    expect(calls.map((c) => c.type === 'function' && JSON.parse(c.function.arguments).city)).toEqual(['Paris', 'Lyon']);
    if (bestOf === 4) expect(metadataOf(res).tools?.groups[0]!.candidates).toHaveLength(3);
  });

  it('legacy functions: function_call comes back whole, one upstream call per sample', async () => {
    const before = t.upstream.requests.length;
    const res = await t.client.chat.completions.create({
      model: 'fake-model',
      messages: ask('Weather in Paris?'),
      functions: [
        {
          name: 'get_weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      ],
      best_of: bestOf,
    } as never);
    expect(t.upstream.requests.length - before).toBe(bestOf);
    expect(res.choices[0]!.finish_reason).toBe('function_call');
    expect(JSON.parse(res.choices[0]!.message.function_call!.arguments)).toEqual({ city: 'Paris' });
    if (bestOf === 4) expect(metadataOf(res).candidates[3]!.invalid).toBe('arguments of get_weather are not JSON');
  });
});
