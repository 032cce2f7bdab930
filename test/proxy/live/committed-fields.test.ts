import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { Scorer } from '../../../src/scorer/types';
import { MATH, startTestGateway } from '../../helpers/gateway';
import { validateAgainst } from '../../helpers/openapi';
import { metadataOf } from '../../helpers/metadata';

const byIndex: Scorer = {
  name: 'by-index',
  async score({ candidates }) {
    return {
      scorer: 'by-index',
      rewards: candidates.map((c) => ({
        thinking: null,
        response: [Number(/cand-(\d+)/.exec(c.response)?.[1] ?? -1) / 10],
      })),
    };
  },
};
const words = (k: number, count: number) =>
  `cand-${k} ` + Array.from({ length: count }, (_, i) => `w${i}`).join(' ') + ` \\boxed{${k}}`;

describe('a committed live stream passes the upstream’s fields through', () => {
  it('the thinking under vLLM’s `reasoning` name, the content’s logprobs token by token, usage with details', async () => {
    const t = await startTestGateway(
      {},
      {
        rich: true,
        reasoningField: 'reasoning',
        respond: (_b, _i, call) => ({ reasoning_content: `thinking of ${call}`, content: words(call, 200) }),
        chunkDelayMs: 2,
      },
      byIndex,
    );
    try {
      const client = new OpenAI({ baseURL: t.url, apiKey: 'x', maxRetries: 0 });
      const stream = await client.chat.completions.create({
        model: 'fake-model',
        messages: MATH,
        best_of: 4,
        stream: true,
        logprobs: true,
        top_logprobs: 1,
        stream_options: { include_usage: true },
        bestofn: { reject: { after_tokens: 20, every_tokens: 1000, keep_fraction: 0.25, min_keep: 1 }, commit: {} },
      } as never);
      const chunks: any[] = [];
      for await (const chunk of stream as unknown as AsyncIterable<any>) chunks.push(chunk);
      for (const chunk of chunks) expect(validateAgainst('CreateChatCompletionStreamResponse', chunk)).toEqual([]);
      expect(metadataOf(chunks.find((c) => 'bestofn' in c)!).live?.committed).toBeDefined();
      const content = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
      const tokens = chunks.flatMap((c) => c.choices[0]?.logprobs?.content ?? []).map((l: any) => l.token);
      expect(tokens.join('')).toBe(content);
      expect(chunks.map((c) => c.choices[0]?.delta.reasoning ?? '').join('')).toMatch(/^thinking of \d$/);
      expect(chunks.some((c) => c.choices[0]?.delta.reasoning_content)).toBe(false);
      expect(chunks.at(-1).usage.prompt_tokens_details.cached_tokens).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  });
});
