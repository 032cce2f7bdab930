import { describe, it, expect } from 'vitest';
import type { CandidateParts } from '../../src/core/types';
import { createPrmScorer } from '../../src/scorer/prm-scorer';
import { createScoreCache, sequenceScoreBytes } from '../../src/scorer/score-cache';
import type { PrmSequence, SequenceScore, SequenceScorer } from '../../src/scorer/types';

/** A model whose step reward is the step's length / 100, so each reward traces back to its text. */
function fakeModel(opts: { windowedIf?: (s: PrmSequence) => boolean } = {}) {
  const calls: PrmSequence[][] = [];
  const scorer: SequenceScorer = {
    name: 'fake',
    modelId: 'fake-prm',
    async scoreSequences(sequences): Promise<SequenceScore[]> {
      calls.push([...sequences]);
      return sequences.map((s) => ({
        stepRewards: s.steps.map((t) => t.length / 100),
        windowed: opts.windowedIf?.(s) ?? false,
        tokens: 7,
      }));
    },
    health: () => ({ ready: true }),
  };
  return { scorer, calls };
}

const candidate = (responseSteps: string[], thinkingSteps: string[] = []): CandidateParts => ({
  thinking: thinkingSteps.join('\n\n'),
  thinkingSteps,
  response: responseSteps.join('\n\n'),
  responseSteps,
  answer: null,
});

describe('createPrmScorer', () => {
  it('scores the thinking and response parts of each candidate separately', async () => {
    const { scorer, calls } = fakeModel();
    const prm = createPrmScorer(scorer);
    const result = await prm.score({
      problem: 'p',
      candidates: [candidate(['abc', 'de'], ['think one', 'x']), candidate(['abcd'])],
    });
    expect(result.rewards).toEqual([
      { thinking: [0.09, 0.01], response: [0.03, 0.02] },
      { thinking: null, response: [0.04] },
    ]);
    expect(result.scorer).toBe('fake');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toEqual([
      { problem: 'p', steps: ['think one', 'x'] },
      { problem: 'p', steps: ['abc', 'de'] },
      { problem: 'p', steps: ['abcd'] },
    ]);
  });

  it('scores identical candidates once within a call', async () => {
    const { scorer, calls } = fakeModel();
    const prm = createPrmScorer(scorer);
    const same = candidate(['step one', 'step two']);
    const result = await prm.score({ problem: 'p', candidates: [same, candidate(['other']), same, same] });
    expect(calls[0]).toHaveLength(2);
    expect(result.rewards[2]).toEqual(result.rewards[0]);
    expect(result.rewards[3]).toEqual({ thinking: null, response: [0.08, 0.08] });
    expect(result.info).toMatchObject({ duplicates: 2, sequences_scored: 2, cache_hits: 0, tokens: 14 });
  });

  it('serves repeated sequences from the cache across calls, scoring only misses', async () => {
    const { scorer, calls } = fakeModel();
    const cache = createScoreCache({ entries: 100, maxBytes: 1 << 20 }, sequenceScoreBytes);
    const prm = createPrmScorer(scorer, { cache, info: { provider: 'cpu' } });
    await prm.score({ problem: 'p', candidates: [candidate(['a', 'b'])] });
    const second = await prm.score({ problem: 'p', candidates: [candidate(['a', 'b']), candidate(['c'])] });
    expect(calls[1]).toEqual([{ problem: 'p', steps: ['c'] }]);
    expect(second.info).toEqual({ provider: 'cpu', cache_hits: 1, duplicates: 0, sequences_scored: 1, tokens: 7 });
    expect(second.rewards[0]).toEqual({ thinking: null, response: [0.01, 0.01] });
    // A different problem is a different sequence.
    await prm.score({ problem: 'q', candidates: [candidate(['a', 'b'])] });
    expect(calls).toHaveLength(3);
    expect(await prm.health!()).toMatchObject({
      provider: 'cpu',
      ready: true,
      model: 'fake-prm',
      cache: { entries: 3 },
    });
  });

  it('calls the model not at all when everything is cached', async () => {
    const { scorer, calls } = fakeModel();
    const prm = createPrmScorer(scorer, {
      cache: createScoreCache({ entries: 100, maxBytes: 1 << 20 }, sequenceScoreBytes),
    });
    const request = { problem: 'p', candidates: [candidate(['a'])] };
    await prm.score(request);
    const again = await prm.score(request);
    expect(calls).toHaveLength(1);
    expect(again.info).toMatchObject({ cache_hits: 1, sequences_scored: 0 });
  });

  it('treats a response without steps as one step, and an empty one as absent', async () => {
    const { scorer } = fakeModel();
    const prm = createPrmScorer(scorer);
    const unsplit: CandidateParts = {
      thinking: '',
      thinkingSteps: [],
      response: 'The answer is 4.',
      responseSteps: [],
      answer: '4',
    };
    const empty: CandidateParts = { thinking: '  ', thinkingSteps: [], response: '', responseSteps: [], answer: null };
    const result = await prm.score({ problem: 'p', candidates: [unsplit, empty] });
    expect(result.rewards).toEqual([
      { thinking: null, response: [0.16] },
      { thinking: null, response: null },
    ]);
  });

  it('marks a candidate windowed when any of its parts was', async () => {
    const { scorer } = fakeModel({ windowedIf: (s) => s.steps.length > 2 });
    const prm = createPrmScorer(scorer);
    const result = await prm.score({ problem: 'p', candidates: [candidate(['a'], ['1', '2', '3']), candidate(['a'])] });
    expect(result.rewards[0]!.windowed).toBe(true);
    expect(result.rewards[1]!.windowed).toBeUndefined();
  });

  it('passes the abort signal to the model and lets its errors through', async () => {
    const seen: (AbortSignal | undefined)[] = [];
    const prm = createPrmScorer({
      name: 'broken',
      modelId: 'b',
      scoreSequences: async (_s, signal) => {
        seen.push(signal);
        throw new Error('down');
      },
    });
    const signal = new AbortController().signal;
    await expect(prm.score({ problem: 'p', candidates: [candidate(['a'])], signal })).rejects.toThrow('down');
    expect(seen).toEqual([signal]);
  });
});

describe('createPrmScorer with the opt-in merge split', () => {
  it('re-splits candidate text by the merge rule, but never steps a client gave', async () => {
    const { scorer, calls } = fakeModel();
    const prm = createPrmScorer(scorer, { split: 'merge' });
    const text = 'So:\n\n$$x = 1$$\n\nTherefore the answer is \\boxed{1}.';
    const sampled: CandidateParts = {
      thinking: '',
      thinkingSteps: [],
      response: text,
      responseSteps: text.split('\n\n'),
      answer: '1',
    };
    const given: CandidateParts = { ...sampled, response: 'a\n\nb', responseSteps: ['a', 'b'], presplit: true };
    await prm.score({ problem: 'p', candidates: [sampled, given] });
    expect(calls[0]!.map((s) => s.steps)).toEqual([
      ['So:\n\n$$x = 1$$\n\nTherefore the answer is \\boxed{1}.'],
      ['a', 'b'],
    ]);
  });

  it('scores the reference split as given by default', async () => {
    const { scorer, calls } = fakeModel();
    const text = 'So:\n\n$$x = 1$$\n\nTherefore the answer is \\boxed{1}.';
    await createPrmScorer(scorer).score({
      problem: 'p',
      candidates: [{ thinking: '', thinkingSteps: [], response: text, responseSteps: text.split('\n\n'), answer: '1' }],
    });
    expect(calls[0]![0]!.steps).toEqual(['So:', '$$x = 1$$', 'Therefore the answer is \\boxed{1}.']);
  });
});
