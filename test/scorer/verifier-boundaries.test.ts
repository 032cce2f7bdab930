import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CandidateParts } from '../../src/core/types';
import { nodeHttpClient } from '../../src/http/node-http-client';
import type { Upstream } from '../../src/http/upstream-client';
import { createVerifierScorer } from '../../src/scorer/verifier';
import { randomCuts, startSplitUpstream } from '../helpers/split-stream';

/** The verifier's answers, split at seeded random bytes (multi-byte characters too), score the same every time. */
const CHAIN =
  'Step 1: The solution adds 40 and 2 — fine ✓.\n\n**This step is \\boxed{correct}**\n\nStep 2: 40 + 2 = 42 ≥ 41, café.\n\n**This step is \\boxed{correct}**\n';
const answerFor = (body: { max_tokens?: number }) =>
  JSON.stringify({
    id: 'chatcmpl-v',
    object: 'chat.completion',
    created: 1,
    model: 'launch/ThinkPRM-1.5B',
    choices: [
      body.max_tokens === 1
        ? {
            index: 0,
            finish_reason: 'length',
            message: { role: 'assistant', content: ' Yes' },
            logprobs: {
              content: [
                {
                  token: ' Yes',
                  logprob: -0.1,
                  top_logprobs: [
                    { token: ' Yes', logprob: -0.1 },
                    { token: ' No', logprob: -2.4 },
                  ],
                },
              ],
            },
          }
        : { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: CHAIN }, logprobs: null },
    ],
    usage: { prompt_tokens: 100, completion_tokens: 40, total_tokens: 140 },
  });

const candidate: CandidateParts = {
  thinking: '',
  response: '',
  thinkingSteps: [],
  responseSteps: ['We add 40 and 2.', 'So 40 + 2 = 42, and the answer is $\\boxed{42}$.'],
  answer: '42',
};

let seed = 1;
let upstream: Awaited<ReturnType<typeof startSplitUpstream>>;
beforeAll(async () => {
  upstream = await startSplitUpstream((body) => ({
    contentType: 'application/json',
    body: answerFor(body),
    cuts: (b) => randomCuts(b, seed, 40),
  }));
});
afterAll(() => upstream.close());

describe('verifier over a split network answer', () => {
  it('gives the same rewards and verdicts for every split', async () => {
    const server: Upstream = {
      baseUrl: upstream.url,
      supportsN: false,
      timeoutMs: 5000,
      firstByteTimeoutMs: 5000,
      retries: 0,
      retryBaseMs: 0,
      limit: pLimit(4),
      http: nodeHttpClient(1000),
    };
    const scorer = createVerifierScorer({
      upstream: server,
      model: 'launch/ThinkPRM-1.5B',
      chains: 1,
      verifyThinking: false,
      maxTokens: 512,
    });
    const score = async () => {
      const result = await scorer.score({ problem: 'What is 40 + 2?', candidates: [candidate] });
      return { rewards: result.rewards, info: result.info?.candidates };
    };
    const reference = await score();
    expect(reference.rewards[0]!.response![0]).toBeCloseTo(0.908877, 6);
    expect(reference.info).toEqual([{ method: 'p_yes', chains: 1, verdicts: { response: [1, 1] } }]);
    for (seed = 2; seed <= 12; seed++) expect(await score()).toEqual(reference);
  });
});
