import { describe, expect, it } from 'vitest';
import { startTestGateway, MATH } from '../helpers/gateway';
import { metadataOf } from '../helpers/metadata';

const post = (url: string, body: object, init: RequestInit = {}) =>
  fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...init,
  });

describe('fan-out', () => {
  it('reports failed candidates and still answers while min_candidates arrived', async () => {
    const t = await startTestGateway(
      { UPSTREAM_RETRIES: '0' },
      { fail: (_b, call) => (call % 2 === 1 ? { status: 500, body: { error: { message: 'flaky' } } } : null) },
    );
    try {
      const res = await post(t.url, {
        model: 'fake-model',
        messages: MATH,
        best_of: 4,
        bestofn: { min_candidates: 2 },
      });
      expect(res.status).toBe(200);
      const meta = metadataOf(await res.json());
      expect(meta.n_received).toBe(2);
      const failed = meta.candidates.filter((c: any) => c.error);
      expect(failed).toHaveLength(2);
      expect(failed[0]!.error).toMatchObject({ status: 500, message: expect.stringContaining('flaky') });
      expect(meta.selected.every((i: number) => !meta.candidates[i]!.error)).toBe(true);
    } finally {
      await t.close();
    }
  });

  it("returns the upstream's error when fewer than min_candidates arrived", async () => {
    const t = await startTestGateway(
      { UPSTREAM_RETRIES: '0' },
      { fail: (_b, call) => (call < 3 ? { status: 503, body: { error: { message: 'busy' } } } : null) },
    );
    try {
      const res = await post(t.url, {
        model: 'fake-model',
        messages: MATH,
        best_of: 4,
        bestofn: { min_candidates: 2 },
      });
      expect(res.status).toBe(503);
      expect((await res.json()).error.message).toContain('busy');
    } finally {
      await t.close();
    }
  });

  it('ranks what has arrived when the deadline passes, and aborts the rest', async () => {
    const t = await startTestGateway({}, { latencyMs: (_b, call) => (call < 2 ? 10 : 5_000) });
    try {
      const started = Date.now();
      const res = await post(t.url, { model: 'fake-model', messages: MATH, best_of: 4, bestofn: { deadline_ms: 300 } });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(res.status).toBe(200);
      const meta = metadataOf(await res.json());
      expect(meta.n_received).toBe(2);
      expect(meta.deadline_hit).toBe(true);
      expect(meta.candidates.filter((c: any) => c.error?.code === 'deadline')).toHaveLength(2);
      await expect.poll(() => t.upstream.aborted).toBe(2);
    } finally {
      await t.close();
    }
  });

  it('answers 504 when nothing arrived before the deadline', async () => {
    const t = await startTestGateway({}, { latencyMs: 5_000 });
    try {
      const res = await post(t.url, { model: 'fake-model', messages: MATH, best_of: 2, bestofn: { deadline_ms: 200 } });
      expect(res.status).toBe(504);
      expect((await res.json()).error.code).toBe('deadline');
    } finally {
      await t.close();
    }
  });

  it('caps in-flight upstream requests with one limiter shared by all client requests', async () => {
    let inFlight = 0;
    let peak = 0;
    const t = await startTestGateway(
      { UPSTREAM_CONCURRENCY: '3' },
      {
        latencyMs: () => {
          peak = Math.max(peak, ++inFlight);
          setTimeout(() => inFlight--, 40);
          return 40;
        },
      },
    );
    try {
      const all = await Promise.all(
        [1, 2, 3].map(() => post(t.url, { model: 'fake-model', messages: MATH, best_of: 4 })),
      );
      expect(all.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(t.upstream.requests).toHaveLength(12);
      expect(peak).toBe(3);
    } finally {
      await t.close();
    }
  });

  it.each([false, true])(
    'aborts every in-flight upstream request when the client goes away (stream: %s)',
    async (stream) => {
      const t = await startTestGateway({}, { latencyMs: 10_000 });
      try {
        const client = new AbortController();
        const pending = post(
          t.url,
          { model: 'fake-model', messages: MATH, best_of: 4, stream },
          { signal: client.signal },
        )
          .then((r) => r.text())
          .catch(() => 'aborted');
        await expect.poll(() => t.upstream.requests.length).toBe(4);
        client.abort();
        await pending;
        await expect.poll(() => t.upstream.aborted, { timeout: 3_000 }).toBe(4);
      } finally {
        await t.close();
      }
    },
  );
});
