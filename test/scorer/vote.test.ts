import { describe, expect, it } from 'vitest';
import { toCandidateParts } from '../../src/core/anatomy';
import { combineRewards } from '../../src/core/aggregate';
import { rankCandidates } from '../../src/core/rank';
import { createVoteScorer } from '../../src/scorer/vote';

const candidates = [
  { content: 'We compute 2 + 2.\n\nSo the result is \\boxed{4}.' },
  { content: '<think>two plus two is four</think>The answer is $4$.' },
  { reasoning_content: 'hmm, maybe five', content: 'Final answer: \\boxed{5}' },
  { content: 'I am not sure how to do this.' },
].map((m) => toCandidateParts(m));

describe('createVoteScorer', () => {
  it('is named vote', () => {
    expect(createVoteScorer().name).toBe('vote');
  });

  it('gives each candidate its vote share as a one-element response reward', async () => {
    const result = await createVoteScorer().score({ problem: 'What is 2 + 2?', candidates });
    expect(result.scorer).toBe('vote');
    expect(result.rewards).toEqual([
      { thinking: null, response: [0.5] },
      { thinking: null, response: [0.5] },
      { thinking: null, response: [0.25] },
      { thinking: null, response: [0] },
    ]);
    expect(result.info).toEqual({ answered: 3 });
  });

  it('feeds aggregation and selection end to end', async () => {
    const { rewards } = await createVoteScorer().score({ problem: 'What is 2 + 2?', candidates });
    const ranked = rankCandidates(
      rewards.map((r, index) => ({ index, answer: candidates[index]!.answer, reward: combineRewards(r, 'min', 0.5) })),
      'argmax',
    );
    expect(ranked.map((c) => c.index)).toEqual([0, 1, 2, 3]);
  });

  it('accepts a group key for equivalence', async () => {
    const scorer = createVoteScorer({ groupKey: () => 'same' });
    const { rewards } = await scorer.score({ problem: 'p', candidates });
    expect(rewards.map((r) => r.response)).toEqual([[0.75], [0.75], [0.75], [0]]);
  });

  it('scores no candidates as no rewards', async () => {
    expect((await createVoteScorer().score({ problem: 'p', candidates: [] })).rewards).toEqual([]);
  });

  it('refuses an aborted request', async () => {
    const controller = new AbortController();
    controller.abort(new Error('client went away'));
    await expect(createVoteScorer().score({ problem: 'p', candidates, signal: controller.signal })).rejects.toThrow(
      'client went away',
    );
  });

  it('reports ready', () => {
    expect(createVoteScorer().health?.()).toEqual({ ready: true });
  });
});
