import { describe, expect, it } from 'vitest';
import type { Scorer } from '../../../src/scorer/types';
import { MATH, startTestGateway } from '../../helpers/gateway';
import type { BestOfNMetadata } from '../../../src/core/bestofn-metadata';
import { chunkMetadata, metadataOf } from '../../helpers/metadata';
import { startTestApp } from '../../helpers/app';

/** Candidate k writes "cand-k" in every step; this scorer prefers higher k, so the ranking is known. */
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
const post = (url: string, body: object) =>
  fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('early rejection', () => {
  it('cancels the low-scoring candidates mid-generation, so their upstream requests stop costing tokens', async () => {
    const t = await startTestGateway(
      {},
      { respond: (_b, _i, call) => ({ content: words(call, 300) }), chunkDelayMs: 2 },
      byIndex,
    );
    try {
      const res = await post(t.url, {
        model: 'fake-model',
        messages: MATH,
        best_of: 4,
        bestofn: { reject: { after_tokens: 20, every_tokens: 1000, keep_fraction: 0.5, min_keep: 1 } },
      });
      expect(res.status).toBe(200);
      const json = await res.json();
      const meta = metadataOf(json);
      expect(meta.live).toMatchObject({ drawn: 4, checkpoints: 1, rejected: 2 });
      const stops = meta.candidates.map((c: any) => c.stopped);
      expect(stops.slice(0, 2).every((s: string) => /^rejected@\d+$/.test(s))).toBe(true);
      expect(stops.slice(2)).toEqual(['finished', 'finished']);
      expect(json.choices[0].message.content).toContain('cand-3');
      await expect.poll(() => t.upstream.aborted).toBe(2);
      // The two survivors stream all ~300 words; the two rejected stopped near the checkpoint.
      const sentAtEnd = t.upstream.tokensSent;
      expect(sentAtEnd).toBeLessThan(2 * 302 + 2 * 150);
      await new Promise((r) => setTimeout(r, 100));
      expect(t.upstream.tokensSent).toBe(sentAtEnd);
      expect(meta.candidates[0]!.tokens).toBeLessThan(150);
    } finally {
      await t.close();
    }
  });
});

describe('adaptive N', () => {
  it('stops after the first wave when its answers agree', async () => {
    const t = await startTestGateway({}, { respond: () => ({ content: 'It is \\boxed{42}' }) });
    try {
      const res = await post(t.url, {
        model: 'fake-model',
        messages: MATH,
        bestofn: { adaptive: { waves: [2, 6], stop_when: { agreement: 1 } } },
      });
      const meta = metadataOf(await res.json());
      expect(meta.live).toMatchObject({ drawn: 2, waves: [2, 6], stopped_because: expect.stringMatching(/agreement/) });
      expect(t.upstream.requests).toHaveLength(2);
      expect(meta.n_received).toBe(2);
    } finally {
      await t.close();
    }
  });

  it('draws the next wave while answers disagree', async () => {
    const t = await startTestGateway({}, { respond: (_b, _i, call) => ({ content: `It is \\boxed{${call}}` }) });
    try {
      const res = await post(t.url, {
        model: 'fake-model',
        messages: MATH,
        bestofn: { adaptive: { waves: [2, 4], stop_when: { agreement: 0.9 } } },
      });
      const meta = metadataOf(await res.json());
      expect(meta.live).toMatchObject({ drawn: 4, stopped_because: 'all waves drawn' });
      expect(t.upstream.requests).toHaveLength(4);
      expect(t.upstream.requests.every((b) => b.stream === true && b.n === 1)).toBe(true);
    } finally {
      await t.close();
    }
  });

  it('streams the winner to the official client with valid chunks and the live metadata', async () => {
    const { validateAgainst } = await import('../../helpers/openapi');
    const t = await startTestGateway(
      { BESTOFN_ADAPTIVE: '{"waves":[2,4],"stop_when":{"agreement":1}}' },
      { respond: () => ({ content: 'Adding gives \\boxed{42}', reasoning_content: 'Think first.' }) },
    );
    try {
      const stream = await t.client.chat.completions.create({ model: 'fake-model', messages: MATH, stream: true });
      let content = '';
      let meta: BestOfNMetadata | undefined;
      for await (const chunk of stream) {
        expect(validateAgainst('CreateChatCompletionStreamResponse', chunk)).toEqual([]);
        content += chunk.choices[0]?.delta.content ?? '';
        meta ??= chunkMetadata(chunk);
      }
      expect(content).toBe('Adding gives \\boxed{42}');
      expect(meta?.live).toMatchObject({ drawn: 2, stopped_because: expect.stringMatching(/agreement/) });
    } finally {
      await t.close();
    }
  });

  it('rejects a malformed policy with a 400 naming it', async () => {
    const app = await startTestApp();
    const body = {
      model: 'fake-model',
      messages: MATH,
      bestofn: { adaptive: { waves: [4, 2], stop_when: { agreement: 1 } } },
    };
    const res = await app.request('/v1/chat/completions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.param).toBe('bestofn.adaptive.waves');
    expect(app.upstreamCalls).toHaveLength(0);
  });
});
