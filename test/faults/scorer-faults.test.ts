import { describe, expect, it } from 'vitest';
import { MATH, startTestGateway } from '../helpers/gateway';
import { startFakeVllm } from '../helpers/fake-vllm-pooling';
import { chunkMetadata } from '../helpers/metadata';
import type { BestOfNMetadata } from '../../src/core/bestofn-metadata';

const TIMEOUT_MS = 300;

/**
 * A reward model that stops answering must cost a request about SCORER_TIMEOUT_MS, not a hang: the
 * answer is ranked by vote and says why, or is a 503 when the operator chose that. Either way the
 * scoring call itself is cancelled, so a stuck PRM server does not pile up work from the gateway.
 */
describe('a scorer that times out', () => {
  it('streamed: the answer is ranked by vote, says why in its metadata, and the PRM call is cancelled', async () => {
    const prm = await startFakeVllm({ latencyMs: 60_000 });
    const t = await startTestGateway({ SCORER: 'remote', SCORER_URL: prm.url, SCORER_TIMEOUT_MS: String(TIMEOUT_MS) });
    try {
      const started = performance.now();
      const stream = await t.client.chat.completions.create({
        model: 'fake-model',
        messages: MATH,
        best_of: 4,
        stream: true,
      } as never);
      let content = '';
      let meta: BestOfNMetadata | undefined;
      for await (const chunk of stream as unknown as AsyncIterable<any>) {
        content += chunk.choices[0]?.delta?.content ?? '';
        meta ??= chunkMetadata(chunk);
      }
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
      expect(elapsed).toBeLessThan(TIMEOUT_MS + 2_500);
      expect(content).toMatch(/\\boxed\{42\}/); // the fake's majority answer: vote still picks it
      expect(meta?.scorer).toBe('vote');
      expect(meta?.fallback?.reason).toMatch(new RegExp(`no answer within ${TIMEOUT_MS} ms`));
      expect(prm.requests.length).toBeGreaterThan(0);
      await expect.poll(() => prm.aborted).toBe(prm.requests.length);
    } finally {
      await t.close();
      await prm.close();
    }
  });

  it('with SCORER_FALLBACK=error: a 503 scorer_timeout within about the timeout', async () => {
    const prm = await startFakeVllm({ latencyMs: 60_000 });
    const t = await startTestGateway({
      SCORER: 'remote',
      SCORER_URL: prm.url,
      SCORER_TIMEOUT_MS: String(TIMEOUT_MS),
      SCORER_FALLBACK: 'error',
    });
    try {
      const started = performance.now();
      const res = await fetch(`${t.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'fake-model', messages: MATH, best_of: 4 }),
      });
      expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 2_500);
      expect(res.status).toBe(503);
      const { error } = await res.json();
      expect(error).toMatchObject({ type: 'server_error', code: 'scorer_timeout', param: null });
      expect(prm.requests.length).toBeGreaterThan(0);
      await expect.poll(() => prm.aborted).toBe(prm.requests.length);
    } finally {
      await t.close();
      await prm.close();
    }
  });
});
