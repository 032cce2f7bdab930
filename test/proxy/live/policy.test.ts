import { describe, expect, it } from 'vitest';
import { checkpointAt, chooseRejected, stopReason } from '../../../src/proxy/live/policy';

const policy = { after_tokens: 100, every_tokens: 50, keep_fraction: 0.5, min_keep: 2 };
const alive = (rewards: (number | null)[], finished: number[] = []) =>
  rewards.map((reward, index) => ({ index, reward, finished: finished.includes(index) }));

describe('reject schedule', () => {
  it('checks at after_tokens, then every every_tokens', () => {
    expect([0, 1, 2, 3].map((k) => checkpointAt(policy, k))).toEqual([100, 150, 200, 250]);
  });

  it.each([
    ['keeps the better half', alive([0.9, 0.1, 0.5, 0.3]), [3, 1]],
    ['never goes below min_keep', alive([0.9, 0.1, 0.5]), [1]],
    ['keeps every candidate tied with the last one kept', alive([0.5, 0.5, 0.5, 0.5]), []],
    ['keeps the ties at the cut, rejects below it', alive([0.9, 0.5, 0.5, 0.5, 0.1, 0.5]), [4]],
    ['rejects nobody when the scorer cannot tell them apart', alive([null, null, null, null]), []],
    ['ranks unscored candidates last', alive([null, 0.2, 0.1, 0.3]), [2, 0]],
    ['never cancels a finished candidate', alive([0.1, 0.9, 0.8, 0.2], [0]), [3]],
    ['rejects nobody at min_keep', alive([0.1, 0.9]), []],
  ])('%s', (_name, candidates, rejected) => {
    expect(chooseRejected(candidates, policy)).toEqual(rejected);
    expect(chooseRejected(candidates, policy)).toEqual(rejected);
  });
});

describe('adaptive stop rules', () => {
  const f = (answerKey: string | null, reward: number | null) => ({ answerKey, reward });
  it.each([
    ['agreement reached', [f('5', 0.2), f('5', 0.3), f('5', 0.1)], { agreement: 1 }, /agreement 1\.00/],
    ['agreement missed', [f('5', 0.2), f('6', 0.3), f('5', 0.1)], { agreement: 0.75 }, null],
    ['top reward reached', [f('5', 0.95), f('6', 0.3)], { top_reward: 0.9 }, /top reward 0\.950/],
    ['margin reached', [f('5', 0.9), f('6', 0.3)], { margin: 0.5 }, /margin 0\.600/],
    ['margin missed', [f('5', 0.9), f('6', 0.7)], { margin: 0.5 }, null],
    ['nothing finished', [], { agreement: 0.5 }, null],
  ])('%s', (_name, finished, rule, expected) => {
    const why = stopReason(finished, rule);
    if (expected === null) expect(why).toBeNull();
    else expect(why).toMatch(expected);
  });
});
