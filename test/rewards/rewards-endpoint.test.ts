import fs from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregate } from '../../src/core/aggregate';
import { createOnnxScorer } from '../../src/scorer/onnx/index';
import type { Scorer } from '../../src/scorer/types';
import { defaultRespond } from '../helpers/fake-upstream';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { tempModel } from '../scorer/onnx/fixtures';

const PROBLEM =
  'Natalia sold clips to 48 of her friends in April, and half as many in May. How many clips did she sell altogether?';
const THINKING = ['In May she sold half of 48, which is 24 clips.', 'Adding April and May gives 48 + 24 = 72 clips.'];
const RESPONSE = ['April 48 plus May 24 makes the total.', 'The answer is \\boxed{72}.'];

// Every documented schema compiled from the OpenAPI fragment, so the docs cannot drift from the code.
const spec = JSON.parse(fs.readFileSync('docs/rewards-openapi.json', 'utf8'));
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema({ $id: 'rewards', components: spec.components });
const conforms = (name: string, value: unknown) => {
  const validate = ajv.getSchema(`rewards#/components/schemas/${name}`)!;
  return validate(value) ? [] : validate.errors;
};

describe('POST /v1/rewards', () => {
  let gw: TestGateway;
  let scorer: Scorer;
  const post = (body: unknown) =>
    fetch(`${gw.url}/rewards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const rewards = async (body: unknown) => {
    const r = await post(body);
    expect(r.status, await r.clone().text()).toBe(200);
    return (await r.json()) as any;
  };

  beforeAll(async () => {
    scorer = await createOnnxScorer({
      modelDir: tempModel('step-classifier'),
      device: 'cpu',
      batchTokens: 1 << 16,
      queueLimit: 1000,
      cacheEntries: 1000,
      cacheMB: 16,
    });
    gw = await startTestGateway(
      {
        SCORER: 'onnx',
        PRM_MODEL_DIR: '/unused',
        REWARDS_MAX_CANDIDATES: '4',
        REWARDS_MAX_CHARS: '5000',
        REWARDS_MAX_STEPS: '6',
      },
      {},
      scorer,
    );
  });
  afterAll(() => gw?.close());

  it('gives dense step rewards for thinking and response, and their aggregates', async () => {
    const body = await rewards({
      problem: PROBLEM,
      aggregate: 'min',
      thinking_weight: 0.25,
      candidates: [
        { reasoning_content: THINKING.join('\n\n'), content: RESPONSE.join('\n\n') },
        { content: `<think>${THINKING[0]}</think>\n\nSo it is 24 + 24 = 48.\n\nThe answer is \\boxed{48}.` },
        { content: RESPONSE.join('\n\n') },
      ],
    });
    expect(conforms('RewardsResponse', body)).toEqual([]);
    expect(body).toMatchObject({
      object: 'list',
      model: null,
      scorer: 'onnx',
      aggregate: 'min',
      thinking_weight: 0.25,
    });
    const [a, b, c] = body.data;
    expect(a.thinking.step_rewards).toHaveLength(2);
    expect(a.response.step_rewards).toHaveLength(2);
    expect(b.thinking.step_rewards).toHaveLength(1);
    expect(c.thinking).toBeNull();
    for (const d of body.data)
      for (const r of [...(d.thinking?.step_rewards ?? []), ...d.response.step_rewards])
        (expect(r).toBeGreaterThan(0), expect(r).toBeLessThan(1));
    expect(a.thinking.reward).toBe(aggregate(a.thinking.step_rewards, 'min'));
    expect(a.reward).toBeCloseTo(0.25 * a.thinking.reward + 0.75 * a.response.reward, 12);
    // No thinking: the response alone decides, it is not dragged down by the missing part.
    expect(c.reward).toBe(c.response.reward);
    expect(body.data.map((d: any) => d.answer)).toEqual(['72', '48', '72']);
    // The third candidate's response is the first one's: one sequence fewer to run.
    expect(body.usage.sequences).toBe(4);
    expect(body.usage.tokens_scored).toBeGreaterThan(50);
  });

  it('scores pre-split steps the same as the text they came from, from the shared cache', async () => {
    const problem = `${PROBLEM} (pre-split)`;
    const text = await rewards({
      problem,
      candidates: [{ reasoning: THINKING.join('\n\n'), content: RESPONSE.join('\n\n') }],
    });
    const split = await rewards({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: problem }] },
      ],
      candidates: [{ steps_thinking: THINKING, steps_response: RESPONSE }],
    });
    expect(split.data[0].thinking.step_rewards).toEqual(text.data[0].thinking.step_rewards);
    expect(split.data[0].response.step_rewards).toEqual(text.data[0].response.step_rewards);
    expect(text.usage).toMatchObject({ sequences: 2, cache_hits: 0 });
    expect(split.usage).toEqual({ sequences: 0, cache_hits: 2, tokens_scored: 0 });
  });

  it("shares the gateway's cache with Best-of-N traffic", async () => {
    const messages = [{ role: 'user' as const, content: 'What is 40 + 2? Think about carries.' }];
    await gw.client.chat.completions.create({ model: 'm', messages, n: 2, seed: 5 });
    const choice = defaultRespond({ seed: 5 }, 0, 0);
    const body = await rewards({
      model: 'm',
      messages,
      candidates: [{ reasoning_content: choice.reasoning_content, content: choice.content }],
    });
    expect(body.model).toBe('m');
    expect(body.usage).toMatchObject({ sequences: 0, cache_hits: 2 });
    expect(body.data[0].answer).toBe(defaultRespond({ seed: 5 }, 0, 0).content!.match(/boxed\{(\d+)\}/)![1]);
  });

  it.each([
    [{ candidates: [{ content: 'x' }] }, 'problem', /exactly one of 'problem' or 'messages'/],
    [
      { problem: 'p', messages: [{ role: 'user', content: 'p' }], candidates: [{ content: 'x' }] },
      'problem',
      /exactly one/,
    ],
    [{ problem: 'p' }, 'candidates', /is required/],
    [{ problem: 'p', candidates: [] }, 'candidates', /too small/i],
    [
      { problem: 'p', candidates: [{ content: 'a' }, { content: 'b' }, { content: 3 }] },
      'candidates[2].content',
      /expected string/,
    ],
    [{ problem: 'p', candidates: [{ reasoning: 'only thinking' }] }, 'candidates[0].content', /is required/],
    [
      { problem: 'p', candidates: [{ content: 'x', steps_response: ['y'] }] },
      'candidates[0].steps_response',
      /not both/,
    ],
    [{ problem: 'p', candidates: [{ steps_thinking: ['ok', '  '] }] }, 'candidates[0].steps_thinking[1]', /blank/],
    [{ problem: 'p', candidates: [{ content: 'x' }], aggregate: 'max' }, 'aggregate', /expected one of/],
    [{ problem: 'p', candidates: [{ content: 'x' }], thinking_weight: 2 }, 'thinking_weight', /<=1/],
    [
      { messages: [{ role: 'assistant', content: 'hi' }], candidates: [{ content: 'x' }] },
      'messages',
      /no user message/,
    ],
    [{ problem: '  ', candidates: [{ content: 'x' }] }, 'problem', /empty/],
  ])('answers 400 naming the param for %j', async (body, param, message) => {
    const r = await post(body);
    expect(r.status).toBe(400);
    const { error } = (await r.json()) as any;
    expect(error.param).toBe(param);
    expect(error.message).toMatch(message);
    expect(error.type).toBe('invalid_request_error');
  });

  it('answers 400 for a body that is not JSON', async () => {
    const r = await fetch(`${gw.url}/rewards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"problem":',
    });
    expect(r.status).toBe(400);
    expect(((await r.json()) as any).error.code).toBe('invalid_json');
  });

  it('answers 413 past the candidate, character and step limits', async () => {
    const cases: [unknown, string | null, RegExp][] = [
      [
        { problem: 'p', candidates: Array.from({ length: 5 }, () => ({ content: 'x' })) },
        'candidates',
        /5 candidates .* 4 allowed .*REWARDS_MAX_CANDIDATES/,
      ],
      [
        { problem: 'p', candidates: [{ content: 'x'.repeat(3000) }, { content: 'y'.repeat(3000) }] },
        null,
        /6001 characters .* 5000 allowed .*REWARDS_MAX_CHARS/,
      ],
      [
        {
          problem: 'p',
          candidates: [{ content: 'ok' }, { steps_thinking: ['a', 'b', 'c', 'd'], steps_response: ['e', 'f', 'g'] }],
        },
        'candidates[1]',
        /7 steps, more than the 6 allowed .*REWARDS_MAX_STEPS/,
      ],
      [
        {
          problem: 'p',
          candidates: [
            { content: Array.from({ length: 7 }, (_, i) => `This paragraph is step number ${i}.`).join('\n\n') },
          ],
        },
        'candidates[0]',
        /7 steps/,
      ],
    ];
    for (const [body, param, message] of cases) {
      const r = await post(body);
      expect(r.status).toBe(413);
      const { error } = (await r.json()) as any;
      expect(error).toMatchObject({ param, code: 'request_too_large' });
      expect(error.message).toMatch(message);
    }
  });

  it('accepts the documented examples and refuses what the schema refuses', async () => {
    for (const example of Object.values(spec.components.examples) as { value: unknown }[]) {
      expect(conforms('RewardsRequest', example.value)).toEqual([]);
      expect(conforms('RewardsResponse', await rewards(example.value))).toEqual([]);
    }
    expect(conforms('RewardsRequest', { problem: 'p' })).not.toEqual([]);
    expect(
      conforms('RewardsRequest', { problem: 'p', candidates: [{ content: 'x', steps_response: ['y'] }] }),
    ).not.toEqual([]);
    expect(conforms('ErrorResponse', await (await post({ problem: 'p' })).json())).toEqual([]);
  });
});
