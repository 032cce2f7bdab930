import { afterEach, describe, expect, it } from 'vitest';
import pLimit from 'p-limit';
import { createVerifierScorer, type VerifierScorerOptions } from '../../src/scorer/verifier';
import { withFallback } from '../../src/scorer/with-fallback';
import { createVoteScorer } from '../../src/scorer/vote';
import { ScorerError } from '../../src/errors';
import type { CandidateParts } from '../../src/core/types';
import type { Upstream } from '../../src/http/upstream-client';
import { platformHttp } from '../../src/http/http-client';
import {
  confident,
  solutionSteps,
  startFakeVerifier,
  type FakeVerifier,
  type FakeVerifierOptions,
} from '../helpers/fake-verifier';
import { rejection } from '../helpers/rejection';
import { createScoreCache } from '../../src/scorer/score-cache';
import type { PartVerdict } from '../../src/core/verifier-verdicts';

const PROBLEM = 'What is 40 + 2?';
const candidate = (answer: string, thinking = ''): CandidateParts => ({
  thinking,
  response: '',
  thinkingSteps: thinking ? thinking.split('\n\n') : [],
  responseSteps: ['We add 40 and 2.', `So 40 + 2 = ${answer}, and the answer is $\\boxed{${answer}}$.`],
  answer,
});
/** The verifier's opinion in these tests: a step that says 41 is wrong. */
const judge41 = (step: string) => !step.includes('41');

let fake: FakeVerifier | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function setup(
  fakeOptions: FakeVerifierOptions = {},
  opts: Partial<VerifierScorerOptions> & { timeoutMs?: number; supportsN?: boolean } = {},
) {
  fake = await startFakeVerifier({ judge: judge41, ...fakeOptions });
  const upstream: Upstream = {
    baseUrl: fake.url,
    apiKey: 'sk-verifier',
    supportsN: opts.supportsN ?? false,
    timeoutMs: opts.timeoutMs ?? 2000,
    firstByteTimeoutMs: 60_000,
    retries: 0,
    retryBaseMs: 0,
    limit: pLimit(16),
    http: platformHttp,
  };
  return createVerifierScorer({
    upstream,
    model: 'launch/ThinkPRM-1.5B',
    chains: 1,
    verifyThinking: false,
    maxTokens: 4096,
    ...opts,
  });
}

const chainRequests = () => fake!.requests.filter((b) => b.max_tokens !== 1);
const decisionRequests = () => fake!.requests.filter((b) => b.max_tokens === 1);

describe('verifier scorer', () => {
  it('scores each candidate with P(yes) read after the chain, and reports the step verdicts', async () => {
    const scorer = await setup({
      decision: (chain) =>
        chain.includes('\\boxed{incorrect}')
          ? [
              { token: ' No', logprob: -0.1 },
              { token: ' Yes', logprob: -2.4 },
            ]
          : [
              { token: ' Yes', logprob: -0.1 },
              { token: ' No', logprob: -2.4 },
            ],
    });
    const result = await scorer.score({ problem: PROBLEM, candidates: [candidate('42'), candidate('41')] });

    expect(result.scorer).toBe('verifier');
    // 1/(1+e^-2.3) = 0.908877 and its complement.
    expect(result.rewards[0]!.response![0]).toBeCloseTo(0.908877, 6);
    expect(result.rewards[1]!.response![0]).toBeCloseTo(0.091123, 6);
    expect(result.rewards.map((r) => r.thinking)).toEqual([null, null]);
    expect(result.info!.candidates).toEqual([
      { method: 'p_yes', chains: 1, verdicts: { response: [1, 1] } },
      { method: 'p_yes', chains: 1, verdicts: { response: [1, 0] } },
    ]);

    const chain = chainRequests()[0];
    expect(chain.model).toBe('launch/ThinkPRM-1.5B');
    expect(chain.messages[0].role).toBe('user');
    expect(solutionSteps(chain.messages[0].content)).toEqual([
      'We add 40 and 2.',
      'So 40 + 2 = 42, and the answer is $\\boxed{42}$.',
    ]);
    expect(chain.messages[1]).toEqual({ role: 'assistant', content: "<think>\n\nLet's verify step by step:" });
    expect(chain).toMatchObject({
      continue_final_message: true,
      add_generation_prompt: false,
      temperature: 0,
      max_tokens: 4096,
      stream: false,
    });
    // Best-of-N stops only at the question or the end of thinking; `Step n+1:` is the reference's beam search.
    expect(chain.stop).toEqual(['Is the solution correct?', '</think>']);
    expect(chain.messages[0].content).toContain('[Solution]\n\nWe add 40 and 2.\nSo 40 + 2 = 42');

    // The two candidates' decisions are sent concurrently: take candidate 0's (40 + 2 = 42) by its text, not by arrival order.
    const decision = decisionRequests().find((d) => d.messages[0].content.includes('= 42,'));
    expect(decision).toMatchObject({
      max_tokens: 1,
      temperature: 0,
      logprobs: true,
      top_logprobs: 20,
      continue_final_message: true,
      add_generation_prompt: false,
    });
    expect(decision.messages[1].content).toMatch(
      /^<think>\n\nLet's verify step by step:\nAlright, .*\\boxed\{correct\}\*\*\n\nIs the solution correct\? $/s,
    );
    expect(fake!.requests).toHaveLength(4);
  });

  it('falls back to the share of steps judged correct when the endpoint gives no logprobs, and stops asking', async () => {
    const scorer = await setup({ decision: null });
    const first = await scorer.score({ problem: PROBLEM, candidates: [candidate('42'), candidate('41')] });
    expect(first.rewards.map((r) => r.response)).toEqual([[1], [0.5]]);
    expect(first.info!.candidates).toMatchObject([{ method: 'step_share' }, { method: 'step_share' }]);
    const asked = decisionRequests().length;
    expect(asked).toBeGreaterThan(0);

    const second = await scorer.score({ problem: PROBLEM, candidates: [candidate('41')] });
    expect(second.rewards[0]!.response).toEqual([0.5]);
    expect(decisionRequests()).toHaveLength(asked);
    expect(scorer.health!()).toMatchObject({ logprobs: 'no' });
  });

  it('averages several sampled chains (one request per chain, seeded)', async () => {
    // Chain 0 accepts everything, chain 1 rejects the 41 step, chain 2 rejects every step.
    const judge = (step: string, _i: number, chain: number) =>
      chain === 0 ? true : chain === 1 ? judge41(step) : false;
    const scorer = await setup({ judge, decision: null }, { chains: 3 });
    const result = await scorer.score({ problem: PROBLEM, candidates: [candidate('41')] });
    expect(result.rewards[0]!.response![0]).toBeCloseTo((1 + 0.5 + 0) / 3, 12);
    expect(result.info!.candidates).toEqual([
      { method: 'step_share', chains: 3, verdicts: { response: [2 / 3, 1 / 3] } },
    ]);
    expect(
      chainRequests()
        .map((b) => b.seed)
        .sort(),
    ).toEqual([0, 1, 2]);
    expect(chainRequests().every((b) => b.temperature === 0.4)).toBe(true);
  });

  it('samples parallel chains at the configured temperature', async () => {
    const scorer = await setup({ decision: null }, { chains: 2, temperature: 0.9 });
    await scorer.score({ problem: PROBLEM, candidates: [candidate('42')] });
    expect(chainRequests().map((b) => b.temperature)).toEqual([0.9, 0.9]);
  });

  it('keeps verdicts in a score cache: a repeated request costs no verifier call', async () => {
    const cache = createScoreCache<PartVerdict>({ entries: 100, maxBytes: 1 << 20 }, (v) => 64 + v.steps.length * 8);
    const scorer = await setup({}, { cache });
    const first = await scorer.score({ problem: PROBLEM, candidates: [candidate('42'), candidate('41')] });
    const calls = fake!.requests.length;
    const again = await scorer.score({ problem: PROBLEM, candidates: [candidate('41'), candidate('42')] });
    expect(fake!.requests).toHaveLength(calls);
    expect(again.rewards).toEqual([first.rewards[1], first.rewards[0]]);
    expect(again.info).toMatchObject({ cache_hits: 2, chains_generated: 0 });
    // Another problem is another key.
    await scorer.score({ problem: 'What is 40 + 3?', candidates: [candidate('43')] });
    expect(fake!.requests.length).toBeGreaterThan(calls);
  });

  it('averages P(yes) over chains drawn with n when the server supports it', async () => {
    const judge = (step: string, _i: number, chain: number) => chain === 0 || judge41(step);
    const scorer = await setup({ judge }, { chains: 3, supportsN: true });
    const result = await scorer.score({ problem: PROBLEM, candidates: [candidate('41')] });
    const [sure, unsure] = [1 / (1 + Math.exp(-3.05)), 1 / (1 + Math.exp(3.05))]; // confident(): lps -0.05 and -3.1
    expect(result.rewards[0]!.response![0]).toBeCloseTo((sure + 2 * unsure) / 3, 12);
    expect(chainRequests()).toHaveLength(1);
    expect(chainRequests()[0].n).toBe(3);
    expect(decisionRequests()).toHaveLength(3);
  });

  it('verifies thinking separately when asked, and scores candidates without thinking on the response alone', async () => {
    const thought = 'Let me add 40 and 2.\n\nThat gives 41, I think.';
    const scorer = await setup({ decision: null }, { verifyThinking: true });
    const result = await scorer.score({ problem: PROBLEM, candidates: [candidate('42', thought), candidate('42')] });
    expect(result.rewards).toEqual([
      { thinking: [0.5], response: [1] },
      { thinking: null, response: [1] },
    ]);
    expect(result.info!.candidates).toMatchObject([
      { verdicts: { response: [1, 1], thinking: [1, 0] }, thinking_method: 'step_share' },
      { verdicts: { response: [1, 1] } },
    ]);
    // The two identical responses were verified once, the thinking once.
    expect(chainRequests()).toHaveLength(2);
    expect(result.info!.duplicates).toBe(1);
  });

  it('ignores thinking unless asked', async () => {
    const scorer = await setup({ decision: null });
    const result = await scorer.score({
      problem: PROBLEM,
      candidates: [candidate('42', 'Some thoughts.\n\nMore thoughts.')],
    });
    expect(result.rewards).toEqual([{ thinking: null, response: [1] }]);
    expect(chainRequests()).toHaveLength(1);
  });

  it('reads the chain from reasoning_content when the server runs a reasoning parser', async () => {
    const scorer = await setup({ reasoningParser: true, decision: () => confident(false) });
    const result = await scorer.score({ problem: PROBLEM, candidates: [candidate('41')] });
    expect(result.info!.candidates).toMatchObject([{ method: 'p_yes', verdicts: { response: [1, 0] } }]);
    expect(decisionRequests()[0].messages[1].content).toContain('\\boxed{incorrect}');
  });

  it('keeps scoring a chain whose decision prompt is refused (400), on its step share', async () => {
    const scorer = await setup({ decisionErrorStatus: 400 });
    const result = await scorer.score({ problem: PROBLEM, candidates: [candidate('41')] });
    expect(result.rewards[0]!.response).toEqual([0.5]);
    expect(result.info).toMatchObject({ decision_refused: 1, candidates: [{ method: 'step_share' }] });
  });

  it('throws ScorerError when the verifier fails, so withFallback ranks by vote', async () => {
    const verifier = await setup({ errorStatus: 500 });
    const err = await rejection(verifier.score({ problem: PROBLEM, candidates: [candidate('42')] }));
    expect(err).toBeInstanceOf(ScorerError);
    expect((err as ScorerError).message).toMatch(/^verifier: fake verifier error 500/);

    const scorer = withFallback(verifier, createVoteScorer(), 'vote');
    const result = await scorer.score({
      problem: PROBLEM,
      candidates: [candidate('42'), candidate('41'), candidate('42')],
    });
    expect(result.scorer).toBe('vote');
    expect(result.fallback?.from).toBe('verifier');
    expect(result.rewards.map((r) => r.response)).toEqual([[2 / 3], [1 / 3], [2 / 3]]);
  });

  it('falls back to vote when the verifier is down', async () => {
    const verifier = await setup();
    await fake!.down();
    const result = await withFallback(verifier, createVoteScorer(), 'vote').score({
      problem: PROBLEM,
      candidates: [candidate('42'), candidate('41')],
    });
    expect(result.scorer).toBe('vote');
    expect(result.fallback?.reason).toMatch(/^verifier: unreachable/);
  });

  it('falls back to vote when the verifier times out, and answers 503 in error mode', async () => {
    const verifier = await setup({ latencyMs: 400 }, { timeoutMs: 50 });
    const request = { problem: PROBLEM, candidates: [candidate('42'), candidate('41')] };
    const result = await withFallback(verifier, createVoteScorer(), 'vote').score(request);
    expect(result.scorer).toBe('vote');
    expect(result.fallback?.reason).toMatch(/no answer within 50 ms/);

    const err = await rejection(withFallback(verifier, createVoteScorer(), 'error').score(request));
    expect(err).toBeInstanceOf(ScorerError);
    expect((err as ScorerError).status).toBe(503);
    expect((err as ScorerError).code).toBe('scorer_timeout');
  });

  it("propagates the caller's abort as an abort, not as a verifier failure", async () => {
    const verifier = await setup({ latencyMs: 400 });
    const controller = new AbortController();
    const scoring = withFallback(verifier, createVoteScorer(), 'vote').score({
      problem: PROBLEM,
      candidates: [candidate('42')],
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 30);
    const err = await rejection(scoring);
    expect(err).not.toBeInstanceOf(ScorerError);
    expect((err as Error).name).toBe('AbortError');
  });
});
