import { Agent, OpenAIProvider, Runner, tool } from '@openai/agents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { FakeChoice } from '../helpers/fake-upstream';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * The OpenAI Agents SDK (`@openai/agents`) driving a two-turn agent (a call to its one function tool,
 * then the answer) through the gateway, offline against the loopback fake upstream. Every turn is
 * sampled four times: the upstream sees 4 requests per turn.
 */
const SPELLINGS = ['{"city":"Paris"}', '{ "city" : "Paris" }', '{"city":"Lyon"}', '{"city": 7}'];

/** At N=1 every sample spells the call one valid way; at N=4 the four samples spell it four ways. */
const agentTurn =
  (n: number) =>
  (body: any, _index: number, call: number): FakeChoice => {
    const answered = body.messages.some((m: any) => m.role === 'tool');
    if (answered) {
      const result = body.messages.findLast((m: any) => m.role === 'tool').content;
      return { content: `The weather: ${result}.` };
    }
    return {
      content: null,
      finish_reason: 'tool_calls',
      tool_calls: [
        {
          id: `call_${call}`,
          type: 'function',
          function: { name: 'get_weather', arguments: SPELLINGS[n === 1 ? 1 : call % 4]! },
        },
      ],
    };
  };

describe.each([1, 4])('conformance: @openai/agents at best_of: %i', (n) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({}, { respond: agentTurn(n) });
  });
  afterAll(() => t.close());

  const cities: string[] = [];
  const weather = tool({
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: z.object({ city: z.string() }),
    execute: ({ city }) => (cities.push(city), `sunny in ${city}`),
  });

  it.each([
    ['responses', false],
    ['responses', true],
    ['chat completions', false],
    ['chat completions', true],
  ])('%s model, stream: %s: N samples on both turns, the agreed call runs once', async (api, stream) => {
    const useResponses = api === 'responses';
    const provider = new OpenAIProvider({ baseURL: t.url, apiKey: 'test', useResponses });
    const runner = new Runner({ modelProvider: provider, tracingDisabled: true });
    const agent = new Agent({
      name: 'weather',
      instructions: 'Answer with the weather.',
      model: 'fake-model',
      tools: [weather],
      modelSettings: { providerData: { best_of: n } },
    });
    const before = t.upstream.requests.length;
    cities.length = 0;
    const result = stream
      ? await runner.run(agent, 'Weather in Paris?', { stream: true }).then(async (s) => {
          for await (const _event of s);
          await s.completed;
          return s;
        })
      : await runner.run(agent, 'Weather in Paris?');
    expect(result.finalOutput).toBe('The weather: sunny in Paris.');
    expect(cities).toEqual(['Paris']);
    const sent = t.upstream.requests.slice(before);
    expect(sent).toHaveLength(2 * n);
    expect(sent.filter((r) => r.messages.some((m: any) => m.role === 'tool'))).toHaveLength(n);
    expect(sent.every((r) => r.tools?.[0]?.function?.name === 'get_weather' && r.best_of === undefined)).toBe(true);
  });
});
