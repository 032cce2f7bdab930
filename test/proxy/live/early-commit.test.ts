import { describe, expect, it } from 'vitest';
import type { Scorer } from '../../../src/scorer/types';
import { MATH, startTestGateway } from '../../helpers/gateway';
import { validateAgainst } from '../../helpers/openapi';
import { readSse } from '../../helpers/sse';
import { startTestApp } from '../../helpers/app';
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

/** Reads the SSE stream, noting how many tokens the upstream had sent when the first content arrived. */
async function readCommitted(url: string, bestofn: object, sentSoFar: () => number) {
  const res = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'fake-model',
      messages: MATH,
      best_of: 4,
      stream: true,
      stream_options: { include_usage: true },
      bestofn,
    }),
  });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let sentAtFirstContent: number | undefined;
  for (let c = await reader.read(); !c.done; c = await reader.read()) {
    text += decoder.decode(c.value, { stream: true });
    if (sentAtFirstContent === undefined && text.includes('"content":"cand')) sentAtFirstContent = sentSoFar();
  }
  const { data } = await readSse(text);
  return {
    chunks: data.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d)),
    sentAtFirstContent: sentAtFirstContent!,
    done: data.at(-1) === '[DONE]',
  };
}

describe('early commit', () => {
  it('streams the last candidate standing to the client while it is still being generated', async () => {
    const t = await startTestGateway(
      {},
      { respond: (_b, _i, call) => ({ content: words(call, 400) }), chunkDelayMs: 2 },
      byIndex,
    );
    try {
      const { chunks, sentAtFirstContent, done } = await readCommitted(
        t.url,
        { reject: { after_tokens: 20, every_tokens: 1000, keep_fraction: 0.25, min_keep: 1 }, commit: {} },
        () => t.upstream.tokensSent,
      );
      expect(done).toBe(true);
      for (const chunk of chunks) expect(validateAgainst('CreateChatCompletionStreamResponse', chunk)).toEqual([]);
      const content = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
      expect(content).toBe(words(3, 400));
      // The client had the leader's first words while the upstream had sent well under its 402 tokens.
      expect(sentAtFirstContent).toBeLessThan(200);
      expect(t.upstream.tokensSent).toBeGreaterThan(sentAtFirstContent);
      const meta = metadataOf(chunks.find((c) => 'bestofn' in c)!);
      expect(meta.live?.committed).toMatchObject({ index: 3, because: 'last candidate standing' });
      expect(meta.selected).toEqual([3]);
      expect(chunks.at(-1).usage.completion_tokens).toBeGreaterThan(400);
      await expect.poll(() => t.upstream.aborted).toBe(3);
    } finally {
      await t.close();
    }
  });

  it('commits to a leader ahead by the margin, and cancels the others', async () => {
    const t = await startTestGateway(
      {},
      { respond: (_b, _i, call) => ({ content: words(call, 300) }), chunkDelayMs: 2 },
      byIndex,
    );
    try {
      const { chunks } = await readCommitted(
        t.url,
        { reject: { after_tokens: 20, every_tokens: 1000, keep_fraction: 1, min_keep: 1 }, commit: { margin: 0.05 } },
        () => t.upstream.tokensSent,
      );
      const meta = metadataOf(chunks.find((c) => 'bestofn' in c)!);
      expect(meta.live?.committed).toMatchObject({ index: 3, because: expect.stringMatching(/^lead 0\.100/) });
      expect(meta.candidates.slice(0, 3).map((c: any) => c.stopped)).toEqual([
        'not-committed',
        'not-committed',
        'not-committed',
      ]);
      expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(words(3, 300));
    } finally {
      await t.close();
    }
  });

  it('gives a non-streaming client the leader as soon as it finishes, the others cancelled once it led', async () => {
    const t = await startTestGateway(
      {},
      { respond: (_b, _i, call) => ({ content: words(call, call === 3 ? 100 : 400) }), chunkDelayMs: 2 },
      byIndex,
    );
    try {
      const res = await fetch(`${t.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'fake-model',
          messages: MATH,
          best_of: 4,
          bestofn: {
            reject: { after_tokens: 20, every_tokens: 1000, keep_fraction: 1, min_keep: 1 },
            commit: { margin: 0.05 },
          },
        }),
      });
      const json = await res.json();
      expect(json.choices[0].message.content).toBe(words(3, 100));
      expect(metadataOf(json).live?.committed).toMatchObject({ because: expect.stringMatching(/^lead/) });
      // The three 400-word candidates stopped near the checkpoint, not at the end.
      expect(
        metadataOf(json)
          .candidates.map((c) => c.stopped)
          .sort(),
      ).toEqual(['finished', 'not-committed', 'not-committed', 'not-committed']);
      expect(json.usage.completion_tokens).toBeLessThan(102 + 3 * 200);
    } finally {
      await t.close();
    }
  });

  it('needs a rejection schedule to decide on', async () => {
    const app = await startTestApp();
    const res = await app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-model', messages: MATH, bestofn: { commit: {} } }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.param).toBe('bestofn.commit');
    expect(app.upstreamCalls).toHaveLength(0);
  });
});
