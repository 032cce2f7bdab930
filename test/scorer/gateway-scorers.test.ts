import { describe, expect, it } from 'vitest';
import { startTestGateway, MATH } from '../helpers/gateway';
import { confident, startFakeVerifier } from '../helpers/fake-verifier';
import { startFakeVllm } from '../helpers/fake-vllm-pooling';
import { metadataOf } from '../helpers/metadata';

/** The gateway, configured only through env, selects with each portable scorer. */
describe('scorers chosen by config', () => {
  it('SCORER=verifier picks the candidate the verifier believes, against the majority', async () => {
    // Most candidates say 42; the verifier rejects any step that concludes 42 or 7, so only 41 survives.
    const verifier = await startFakeVerifier({
      judge: (step) => !/boxed\{(42|7)\}/.test(step),
      decision: (chain) => confident(!/incorrect/.test(chain)),
    });
    const t = await startTestGateway({
      SCORER: 'verifier',
      VERIFIER_BASE_URL: verifier.url,
      VERIFIER_MODEL: 'thinkprm',
    });
    try {
      const res = await t.client.chat.completions.create({ model: 'fake-model', messages: MATH, best_of: 8 } as never);
      const meta = metadataOf(res);
      expect(meta.scorer).toBe('verifier');
      expect(meta.candidates[meta.selected[0]!]!.answer).toBe('41');
      expect(verifier.requests.length).toBeGreaterThan(0);
    } finally {
      await t.close();
      await verifier.close();
    }
  });

  it('SCORER=remote falls back to vote, and says so, when the PRM server is down', async () => {
    const prm = await startFakeVllm();
    await prm.down();
    const t = await startTestGateway({
      SCORER: 'remote',
      SCORER_URL: prm.url,
      SCORER_MODEL: 'Qwen/Qwen2.5-Math-PRM-7B',
    });
    try {
      const res = await t.client.chat.completions.create({ model: 'fake-model', messages: MATH, best_of: 4 } as never);
      const meta = metadataOf(res);
      expect(meta.scorer).toBe('vote');
      expect(meta.fallback).toMatchObject({ from: 'remote', reason: expect.any(String) });
    } finally {
      await t.close();
      await prm.close();
    }
  });

  it('SCORER=remote with SCORER_FALLBACK=error answers 503 when the PRM server is down', async () => {
    const prm = await startFakeVllm();
    await prm.down();
    const t = await startTestGateway({ SCORER: 'remote', SCORER_URL: prm.url, SCORER_FALLBACK: 'error' });
    try {
      const res = await fetch(`${t.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'fake-model', messages: MATH, best_of: 2 }),
      });
      expect(res.status).toBe(503);
      expect((await res.json()).error.type).toBe('server_error');
    } finally {
      await t.close();
      await prm.close();
    }
  });

  it('SCORER=remote falls back to vote within about the timeout when the PRM server is slow', async () => {
    const prm = await startFakeVllm({ latencyMs: 5_000 });
    const t = await startTestGateway({ SCORER: 'remote', SCORER_URL: prm.url, SCORER_TIMEOUT_MS: '200' });
    try {
      const started = Date.now();
      const res = await t.client.chat.completions.create({ model: 'fake-model', messages: MATH, best_of: 3 } as never);
      expect(Date.now() - started).toBeLessThan(4_000);
      const meta = metadataOf(res);
      expect(meta.scorer).toBe('vote');
      expect(meta.fallback?.reason).toMatch(/no answer within 200 ms/);
    } finally {
      await t.close();
      await prm.close();
    }
  });
});
