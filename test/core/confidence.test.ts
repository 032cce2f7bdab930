import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  groupConfidences,
  SlidingGroup,
  stopThreshold,
  tokenConfidence,
  topEtaFilter,
  traceConfidence,
} from '../../src/core/confidence';
import { appendTopLogprobs, topLogprobsOf } from '../../src/core/logprobs';
import { SSE_DONE, sseDataOf } from '../../src/http/sse';

const FIXTURES = path.resolve(__dirname, '../fixtures/logprobs');
const plain = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'chat-completion-n2.json'), 'utf8'));
const streamed = fs.readFileSync(path.join(FIXTURES, 'stream-candidate-1.sse'), 'utf8');

/**
 * Expected values computed by hand from the fixture's top-3 logprobs (window 3). Choice 0, "2 + 3 = \boxed{5}":
 * token confidences 11.31/3, 7.45/3, 17/3, 4.6/3, 6/3, 10.02/3, 19.5/3 = 3.77, 2.48333, 5.66667, 1.53333, 2, 3.34, 6.5;
 * groups of 3: 3.97333, 3.22778, 3.06667, 2.29111, 3.94667.
 * Choice 1, "The answer is \boxed{6}": 1.2, 1.6, 1.0, 1.1, 1.33333, 5.0; groups 1.26667, 1.23333, 1.14444, 2.47778.
 */
const hand = [
  { mean: 25.293333 / 7, lowest_group: 6.873333 / 3, bottom_10: 6.873333 / 3, tail: 11.84 / 3, tokens: 7 },
  { mean: 11.233333 / 6, lowest_group: 3.433333 / 3, bottom_10: 3.433333 / 3, tail: 7.433333 / 3, tokens: 6 },
];

describe('DeepConf confidence measures', () => {
  it('token confidence is the negative mean of the top-k logprobs', () => {
    expect(tokenConfidence([-0.01, -5.2, -6.1])).toBeCloseTo(3.77, 9);
    expect(tokenConfidence([0])).toBe(-0);
    expect(tokenConfidence([-0.5, Number.NEGATIVE_INFINITY])).toBeGreaterThan(1000); // finite, never Infinity/NaN
  });

  it('groups slide one token at a time; a short trace is one group', () => {
    const g = groupConfidences([1, 2, 3, 4], 2);
    expect(g).toEqual([1.5, 2.5, 3.5]);
    expect(groupConfidences([1, 2, 3], 10)).toEqual([2]);
  });

  it.each([0, 1])('matches the hand-computed measures of plain choice %i', (i) => {
    const tops = topLogprobsOf(plain.choices[i].logprobs)!;
    const t = traceConfidence(tops, { window: 3, tail: 3 })!;
    for (const [k, v] of Object.entries(hand[i]!)) expect(t[k as keyof typeof t]).toBeCloseTo(v, 5);
  });

  it('reads the same tokens from the streamed chunks as from the plain answer', async () => {
    const acc: number[][] = [];
    for (const data of await sseDataOf(streamed)) {
      if (data === SSE_DONE) continue;
      appendTopLogprobs(acc, JSON.parse(data).choices[0]?.logprobs);
    }
    expect(acc).toEqual(topLogprobsOf(plain.choices[1].logprobs));
    expect(traceConfidence(acc, { window: 3, tail: 3 })!.lowest_group).toBeCloseTo(hand[1]!.lowest_group, 5);
  });

  it('bottom 10% averages the lowest tenth of the groups', () => {
    const tokens = Array.from({ length: 20 }, (_, i) => [-(i + 1)]); // confidences 1 … 20, window 1: groups = tokens
    const t = traceConfidence(tokens, { window: 1, tail: 5 })!;
    expect(t.bottom_10).toBe(1.5); // lowest 2 of 20
    expect(t.lowest_group).toBe(1);
    expect(t.tail).toBe(18);
  });

  it('reads no logprobs as null, and vLLM\'s "-inf"', () => {
    expect(topLogprobsOf(null)).toBeNull();
    expect(topLogprobsOf({ content: null })).toBeNull();
    expect(topLogprobsOf({ content: [] })).toBeNull();
    expect(topLogprobsOf({ content: [{ token: 'a', logprob: 'oops' }] })).toBeNull();
    expect(
      topLogprobsOf({
        content: [
          {
            token: 'a',
            logprob: -0.1,
            top_logprobs: [
              { token: 'a', logprob: -0.1 },
              { token: 'b', logprob: '-inf' },
            ],
          },
        ],
      }),
    ).toEqual([[-0.1, Number.NEGATIVE_INFINITY]]);
    expect(topLogprobsOf({ content: [{ token: 'a', logprob: -0.3 }] })).toEqual([[-0.3]]);
  });

  it('keeps the top η% most confident traces', () => {
    expect(topEtaFilter([3, 1, null, 2, 5], 50)).toEqual([true, false, false, false, true]);
    expect(topEtaFilter([3, 1, 2], 10)).toEqual([true, false, false]);
    expect(topEtaFilter([3, 1, 2], 100)).toEqual([true, true, true]);
  });

  it('sets the online threshold at the (100 − η)th percentile of the warm-up lowest groups', () => {
    const warm = [5, 1, 4, 2, 3]; // sorted 1..5
    expect(stopThreshold(warm, 10)).toBeCloseTo(4.6, 9); // 90th percentile: 4 + 0.6·(5 − 4)
    expect(stopThreshold(warm, 90)).toBeCloseTo(1.4, 9); // 10th percentile
    expect(stopThreshold([], 10)).toBeNull();
  });

  it('tracks the running group confidence of a streaming trace', () => {
    const g = new SlidingGroup(3);
    const seen = topLogprobsOf(plain.choices[1].logprobs)!.map((t) => g.push(tokenConfidence(t)));
    expect(seen.slice(0, 2)).toEqual([null, null]);
    expect(seen[2]).toBeCloseTo(3.8 / 3, 9);
    expect(g.lowest).toBeCloseTo(3.433333 / 3, 5);
    expect(g.tokens).toBe(6);
  });
});
