import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { startGateway, type RunningGateway } from '../../src/node';
import { MATH } from '../helpers/gateway';
import { fixture, randomCuts, sseVariants, startSplitUpstream, type SplitAnswer } from '../helpers/split-stream';

/**
 * Every streamed path through the real Node server, against an upstream that splits its answer at
 * seeded random byte positions (every multi-byte character split too), in every SSE form real servers
 * send. The official client must receive the same chunks every time.
 */
const TOOLS = [
  {
    type: 'function' as const,
    function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
  },
];
const SEEDS = [1, 2, 3];
const REASONING = sseVariants(fixture('vllm-reasoning.sse'));
const TOOL_CALL = sseVariants(fixture('openai-tool-call.sse'));
const COMPLETION = fixture('vllm-completion.json');

let current: { sse: string; seed: number } = { sse: REASONING.lf!, seed: 1 };
const answer = (body: { stream?: boolean }): SplitAnswer =>
  body.stream
    ? {
        contentType: 'text/event-stream; charset=utf-8',
        body: current.sse,
        cuts: (b) => randomCuts(b, current.seed, 30),
      }
    : { contentType: 'application/json', body: COMPLETION, cuts: (b) => randomCuts(b, current.seed, 30) };

let upstream: Awaited<ReturnType<typeof startSplitUpstream>>;
let gateway: RunningGateway;
let client: OpenAI;
beforeAll(async () => {
  upstream = await startSplitUpstream(answer);
  gateway = await startGateway(
    parseConfig({ UPSTREAM_BASE_URL: upstream.url, PORT: '0', LOG_LEVEL: 'silent' }),
    createLogger('silent'),
  );
  client = new OpenAI({
    baseURL: `${gateway.url}/v1`,
    apiKey: 'test',
    maxRetries: 0,
    defaultHeaders: { 'x-bestofn-metadata': 'off' },
  });
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

async function chunksOf(params: Record<string, unknown>): Promise<unknown[]> {
  const stream = await client.chat.completions.create({
    model: 'Qwen/QwQ-32B',
    messages: MATH,
    stream: true,
    ...params,
  } as never);
  const out: unknown[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<unknown>) out.push(chunk);
  return out;
}

const textOf = (chunks: any[], field: 'content' | 'reasoning_content') =>
  chunks.map((c) => c.choices[0]?.delta?.[field] ?? '').join('');

describe('chunk boundaries, through the real server and the official client', () => {
  it('passthrough (tools + stream): the upstream chunks, unchanged, in every form and split', async () => {
    // The oracle is read apart from the codec under test: the LF fixture holds one `data:` line per event.
    const expected = fixture('openai-tool-call.sse')
      .split('\n\n')
      .filter((e) => e.startsWith('data: {'))
      .map((e) => JSON.parse(e.slice(6)));
    for (const [form, sse] of Object.entries(TOOL_CALL)) {
      for (const seed of SEEDS) {
        current = { sse, seed };
        expect(await chunksOf({ tools: TOOLS, bestofn: { tools: 'bypass' } }), `${form}, seed ${seed}`).toEqual(
          expected,
        );
      }
    }
  });

  it('Best-of-N stream: the same chunks every time the upstream JSON answers are split', async () => {
    current = { sse: '', seed: 1 };
    const reference = await chunksOf({ best_of: 3 });
    expect(textOf(reference as any[], 'content')).toBe('The sum is $\\boxed{42}$. Ünïcödé 👍🏽');
    expect(textOf(reference as any[], 'reasoning_content')).toContain('café math 🙂');
    for (const seed of [2, 3, 4, 5]) {
      current = { sse: '', seed };
      expect(await chunksOf({ best_of: 3 })).toEqual(reference);
    }
  });

  it('live path (early rejection): the same chunks in every SSE form and split', async () => {
    const live = {
      best_of: 2,
      bestofn: { reject: { after_tokens: 5, every_tokens: 1000, keep_fraction: 1, min_keep: 1 } },
    };
    current = { sse: REASONING.lf!, seed: 1 };
    const reference = (await chunksOf(live)) as any[];
    expect(textOf(reference, 'content')).toBe('The sum is $\\boxed{42}$. Ünïcödé 👍🏽');
    expect(textOf(reference, 'reasoning_content')).toBe(
      'Okay, so I need 40 + 2. Let me check: 40 ≥ 2, café math 🙂\n\nAdding gives 42。',
    );
    expect(reference[0].model).toBe('Qwen/QwQ-32B');
    expect(reference[0].id).toBe('chatcmpl-9c1e5b7d2f0a4e3b-bon');
    for (const [form, sse] of Object.entries(REASONING)) {
      for (const seed of SEEDS) {
        current = { sse, seed };
        expect(await chunksOf(live), `${form}, seed ${seed}`).toEqual(reference);
      }
    }
  });

  it('early commit: the same text, model and id in every SSE form and split', async () => {
    const commit = {
      best_of: 2,
      bestofn: { reject: { after_tokens: 3, every_tokens: 1000, keep_fraction: 0.5, min_keep: 1 }, commit: {} },
    };
    for (const [form, sse] of Object.entries(REASONING)) {
      current = { sse, seed: 7 };
      // How deltas are grouped depends on timing while the leader streams live; what they add up to does not.
      const chunks = (await chunksOf(commit)) as any[];
      expect(textOf(chunks, 'content'), form).toBe('The sum is $\\boxed{42}$. Ünïcödé 👍🏽');
      expect(textOf(chunks, 'reasoning_content'), form).toBe(
        'Okay, so I need 40 + 2. Let me check: 40 ≥ 2, café math 🙂\n\nAdding gives 42。',
      );
      expect(new Set(chunks.map((c) => `${c.id} ${c.model}`)), form).toEqual(
        new Set(['chatcmpl-9c1e5b7d2f0a4e3b-bon Qwen/QwQ-32B']),
      );
      expect(chunks.at(-1).choices[0].finish_reason, form).toBe('stop');
    }
  });
});
