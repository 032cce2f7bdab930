import { afterEach, describe, expect, it } from 'vitest';
import { withFallback } from '../../src/scorer/with-fallback';
import { createRemoteVllmSequenceScorer } from '../../src/scorer/remote-vllm';
import { createPrmScorer } from '../../src/scorer/prm-scorer';
import { createVoteScorer } from '../../src/scorer/vote';
import { OverloadedError, ScorerError } from '../../src/errors';
import type { CandidateParts } from '../../src/core/types';
import type { Scorer } from '../../src/scorer/types';
import { startFakeVllm, type FakeVllm } from '../helpers/fake-vllm-pooling';

const candidate = (answer: string): CandidateParts => ({
  thinking: '',
  response: `We add.\n\nThe answer is $\\boxed{${answer}}$.`,
  thinkingSteps: [],
  responseSteps: ['We add.', `The answer is $\\boxed{${answer}}$.`],
  answer,
});
const request = (signal?: AbortSignal) => ({
  problem: 'What is 40 + 2?',
  candidates: [candidate('42'), candidate('41'), candidate('42')],
  signal,
});

let fake: FakeVllm | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function remotePrm(timeoutMs = 2000): Promise<Scorer> {
  fake = await startFakeVllm();
  return createPrmScorer(
    createRemoteVllmSequenceScorer({ baseUrl: fake.url, model: 'Qwen/Qwen2.5-Math-PRM-7B', timeoutMs }),
  );
}

/** A scorer that always throws err: for failures a real server cannot produce on demand. */
const failing = (err: unknown): Scorer => ({
  name: 'remote',
  score: async () => {
    throw err;
  },
});

describe('withFallback', () => {
  it('passes a working scorer through untouched', async () => {
    const scorer = withFallback(await remotePrm(), createVoteScorer(), 'vote');
    const result = await scorer.score(request());
    expect(result.scorer).toBe('remote');
    expect(result.fallback).toBeUndefined();
    expect(result.rewards[0]!.response).toEqual([0.9, 0.9]);
  });

  it('ranks by vote when the remote PRM is down, and says so', async () => {
    const primary = await remotePrm();
    await fake!.down();
    const logged: string[] = [];
    const scorer = withFallback(primary, createVoteScorer(), 'vote', (m) => logged.push(m));
    const result = await scorer.score(request());
    expect(result.scorer).toBe('vote');
    expect(result.fallback?.from).toBe('remote');
    expect(result.fallback?.reason).toMatch(/unreachable: .*ECONNREFUSED/);
    expect(result.rewards.map((r) => r.response)).toEqual([[2 / 3], [1 / 3], [2 / 3]]);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/ranking by 'vote'/);
  });

  it("answers 503 in mode 'error'", async () => {
    const primary = await remotePrm();
    await fake!.down();
    const scorer = withFallback(primary, createVoteScorer(), 'error');
    const err = await scorer.score(request()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScorerError);
    expect((err as ScorerError).status).toBe(503);
    expect((err as ScorerError).toBody().error.code).toBe('scorer_unavailable');
  });

  it('falls back on a timed-out remote too', async () => {
    const primary = await remotePrm(100);
    fake!.set({ latencyMs: 5000 });
    const result = await withFallback(primary, createVoteScorer(), 'vote').score(request());
    expect(result.scorer).toBe('vote');
    expect(result.fallback?.reason).toMatch(/no answer within 100 ms/);
  });

  it('lets overload through instead of falling back', async () => {
    const scorer = withFallback(failing(new OverloadedError('scorer queue full', 2)), createVoteScorer(), 'vote');
    const err = await scorer.score(request()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OverloadedError);
    expect((err as OverloadedError).headers['retry-after']).toBe('2');
  });

  it('lets a client abort through instead of falling back', async () => {
    const primary = await remotePrm();
    fake!.set({ latencyMs: 5000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const err = await withFallback(primary, createVoteScorer(), 'vote')
      .score(request(controller.signal))
      .catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(ScorerError);
    expect((err as Error).name).toBe('AbortError');

    // Even when a scorer reports the cancel as its own failure, a gone client gets no fallback work.
    let voted = false;
    const vote: Scorer = { name: 'vote', score: async (r) => ((voted = true), createVoteScorer().score(r)) };
    const cancelled = new AbortController();
    cancelled.abort();
    const stillThrows = await withFallback(failing(new ScorerError('batch cancelled')), vote, 'vote')
      .score(request(cancelled.signal))
      .catch((e: unknown) => e);
    expect(stillThrows).toBeInstanceOf(ScorerError);
    expect(voted).toBe(false);
  });

  it('treats a raw network failure as a scorer failure, but not a bug', async () => {
    fake = await startFakeVllm();
    const url = fake.url;
    await fake.down();
    const rawFetch: Scorer = {
      name: 'remote',
      score: async () => {
        await fetch(`${url}/pooling`, { method: 'POST' });
        throw new Error('unreachable in this test');
      },
    };
    const result = await withFallback(rawFetch, createVoteScorer(), 'vote').score(request());
    expect(result.fallback?.from).toBe('remote');
    const wrapped = await withFallback(rawFetch, createVoteScorer(), 'error')
      .score(request())
      .catch((e: unknown) => e);
    expect(wrapped).toBeInstanceOf(ScorerError);

    const bug = withFallback(failing(new RangeError('index out of range')), createVoteScorer(), 'vote');
    await expect(bug.score(request())).rejects.toBeInstanceOf(RangeError);
  });

  it('reports both scorers in health', async () => {
    const primary = await remotePrm();
    const health = await withFallback(primary, createVoteScorer(), 'vote').health!();
    expect(health).toMatchObject({ scorer: 'remote', reachable: true, fallback: { scorer: 'vote', ready: true } });
    expect(await withFallback(primary, createVoteScorer(), 'error').health!()).toMatchObject({ fallback: 'error' });
  });
});
