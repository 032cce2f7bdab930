import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import type { CandidateParts } from '../../src/core/types';
import { platformHttp, type HttpClient } from '../../src/http/http-client';
import { createPortableScorer } from '../../src/scorer/create-scorer';
import { startFakeVerifier } from '../helpers/fake-verifier';
import { startFakeVllm } from '../helpers/fake-vllm-pooling';

/** An HttpClient that counts requests whose answer is not read yet, and keeps the most seen at once. */
function countingHttp() {
  const seen = { now: 0, most: 0 };
  const http: HttpClient = async (request) => {
    seen.most = Math.max(seen.most, ++seen.now);
    const reply = await platformHttp(request).catch((err) => (seen.now--, Promise.reject(err)));
    // The answer is read whole (text, or textUpTo under the answer cap) or as a stream.
    const counted = new TransformStream<Uint8Array, Uint8Array>({ flush: () => void seen.now-- });
    return {
      ...reply,
      text: () => reply.text().finally(() => seen.now--),
      textUpTo: (maxBytes: number) => reply.textUpTo(maxBytes).finally(() => seen.now--),
      stream: () => reply.stream().pipeThrough(counted),
    };
  };
  return { http, seen };
}

const candidate = (answer: string): CandidateParts => ({
  thinking: '',
  response: '',
  thinkingSteps: [],
  responseSteps: ['We add 40 and 2 carefully here.', `So the answer is $\\boxed{${answer}}$.`],
  answer,
});
const log = { info: () => {}, warn: () => {} };
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

describe('the verifier and the remote PRM have their own concurrency caps', () => {
  it('VERIFIER_CONCURRENCY caps verifier calls, apart from UPSTREAM_CONCURRENCY', async () => {
    const fake = await startFakeVerifier({ judge: () => true, latencyMs: 30 });
    closers.push(() => fake.close());
    const { http, seen } = countingHttp();
    const config = parseConfig({
      UPSTREAM_BASE_URL: 'http://127.0.0.1:9/v1',
      SCORER: 'verifier',
      VERIFIER_BASE_URL: fake.url,
      VERIFIER_MODEL: 'v',
      VERIFIER_CONCURRENCY: '2',
      UPSTREAM_CONCURRENCY: '1',
    });
    const scorer = createPortableScorer(config, log, { http });
    await scorer.score({ problem: 'What is 40 + 2?', candidates: ['42', '41', '40', '39', '38', '37'].map(candidate) });
    expect(fake.requests.length).toBeGreaterThanOrEqual(6);
    expect(seen.most).toBe(2);
  });

  it('SCORER_CONCURRENCY caps calls to the remote PRM server', async () => {
    const fake = await startFakeVllm({ latencyMs: 30 });
    closers.push(() => fake.close());
    const { http, seen } = countingHttp();
    const config = parseConfig({
      UPSTREAM_BASE_URL: 'http://127.0.0.1:9/v1',
      SCORER: 'remote',
      SCORER_URL: fake.url,
      SCORER_CONCURRENCY: '3',
      SCORER_CACHE_ENTRIES: '0',
    });
    const scorer = createPortableScorer(config, log, { http });
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        scorer.score({ problem: `What is ${i} + 2?`, candidates: [candidate(String(i + 2))] }),
      ),
    );
    expect(fake.requests).toHaveLength(8);
    expect(seen.most).toBe(3);
  });
});
