import { describe, expect, it } from 'vitest';
import type { Scorer } from '../../../src/scorer/types';
import { MATH, startTestGateway } from '../../helpers/gateway';
import { metadataOf } from '../../helpers/metadata';

/** Prefers the candidate whose text names the higher request number, so the ranking is known. */
const byCall: Scorer = {
  name: 'by-call',
  async score({ candidates }) {
    return {
      scorer: 'by-call',
      rewards: candidates.map((c) => ({
        thinking: null,
        response: [Number(/call-(\d+)/.exec(c.response)?.[1] ?? -1) / 10],
      })),
    };
  },
};
const words = (call: number, count: number) =>
  `call-${call} ` + Array.from({ length: count }, (_, i) => `w${i}`).join(' ') + ' \\boxed{7}';
const post = (url: string, body: object) =>
  fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
const REJECT = { after_tokens: 20, every_tokens: 1000, keep_fraction: 0.5, min_keep: 1 };

describe('live path limits', () => {
  it('stops generating exactly the rejected requests: their token counters freeze, the survivors run to the end', async () => {
    const t = await startTestGateway(
      { UPSTREAM_SUPPORTS_N: 'true' },
      { respond: (_b, _i, call) => ({ content: words(call, 300) }), chunkDelayMs: 2 },
      byCall,
    );
    try {
      const res = await post(t.url, { model: 'fake-model', messages: MATH, best_of: 4, bestofn: { reject: REJECT } });
      expect(res.status).toBe(200);
      // Rejection needs one request per candidate even where the upstream could take `n`.
      expect(t.upstream.requests.map((b) => b.n)).toEqual([1, 1, 1, 1]);
      await expect.poll(() => t.upstream.aborted).toBe(2);
      const frozen = [...t.upstream.tokensByRequest];
      await new Promise((r) => setTimeout(r, 60));
      expect(t.upstream.tokensByRequest).toEqual(frozen);
      // Requests 0 and 1 score lowest; each stopped soon after the 20-token checkpoint.
      expect(frozen[0]).toBeLessThan(150);
      expect(frozen[1]).toBeLessThan(150);
      expect(frozen.slice(2)).toEqual([302, 302]);
    } finally {
      await t.close();
    }
  });

  it('gives candidate i the seed + i, so a seeded request still draws different samples', async () => {
    const t = await startTestGateway({}, { respond: (b) => ({ content: `seed ${b.seed} \\boxed{1}` }) });
    try {
      const res = await post(t.url, {
        model: 'fake-model',
        messages: MATH,
        seed: 40,
        best_of: 3,
        bestofn: { adaptive: { waves: [3], stop_when: { agreement: 1 } } },
      });
      expect(res.status).toBe(200);
      expect(t.upstream.requests.map((b) => b.seed).sort()).toEqual([40, 41, 42]);
    } finally {
      await t.close();
    }
  });

  it('ranks what finished when the deadline passes, and reports the rest as stopped by the deadline', async () => {
    // Requests 0 and 1 are short; 2 and 3 would take 2 s.
    const t = await startTestGateway(
      {},
      { respond: (_b, _i, call) => ({ content: words(call, call < 2 ? 5 : 1000) }), chunkDelayMs: 2 },
      byCall,
    );
    try {
      const res = await post(t.url, {
        model: 'fake-model',
        messages: MATH,
        best_of: 4,
        bestofn: { deadline_ms: 300, min_candidates: 2, reject: { ...REJECT, after_tokens: 5000 } },
      });
      expect(res.status).toBe(200);
      const meta = metadataOf(await res.json());
      expect(meta.deadline_hit).toBe(true);
      const byStop = Object.fromEntries(meta.candidates.map((c: any) => [c.index, c.stopped]));
      expect(Object.values(byStop).sort()).toEqual(['deadline', 'deadline', 'finished', 'finished']);
      expect(meta.n_received).toBe(2);
      await expect.poll(() => t.upstream.aborted).toBe(2);
    } finally {
      await t.close();
    }
  });

  it('still ranks what finished when the deadline passes during a checkpoint', async () => {
    let calls = 0;
    // The first call (the checkpoint) only ends when its signal aborts; the final ranking is answered.
    const stuckOnce: Scorer = {
      name: 'stuck-once',
      score: (request) =>
        calls++ === 0
          ? new Promise((_resolve, reject) =>
              request.signal!.addEventListener('abort', () => reject(request.signal!.reason), { once: true }),
            )
          : byCall.score(request),
    };
    const t = await startTestGateway(
      {},
      // Margins for a loaded machine: the short two need ~10 ms of the 1.5 s, the long two 10 s.
      { respond: (_b, _i, call) => ({ content: words(call, call < 2 ? 5 : 5000) }), chunkDelayMs: 2 },
      stuckOnce,
    );
    try {
      const res = await post(t.url, {
        model: 'fake-model',
        messages: MATH,
        best_of: 4,
        bestofn: { deadline_ms: 1500, min_candidates: 2, reject: { ...REJECT, after_tokens: 3 } },
      });
      expect(res.status).toBe(200);
      const meta = metadataOf(await res.json());
      expect(meta.candidates.map((c: any) => c.stopped).sort()).toEqual([
        'deadline',
        'deadline',
        'finished',
        'finished',
      ]);
    } finally {
      await t.close();
    }
  });

  it('answers 504 when too few candidates finish before the deadline', async () => {
    const t = await startTestGateway(
      {},
      { respond: (_b, _i, call) => ({ content: words(call, 1000) }), chunkDelayMs: 2 },
      byCall,
    );
    try {
      const res = await post(t.url, {
        model: 'fake-model',
        messages: MATH,
        best_of: 2,
        bestofn: { deadline_ms: 150, adaptive: { waves: [1, 2], stop_when: { agreement: 1 } } },
      });
      expect(res.status).toBe(504);
      // The deadline ends the drawing: the second wave is never sent.
      expect(t.upstream.requests).toHaveLength(1);
    } finally {
      await t.close();
    }
  });
});
