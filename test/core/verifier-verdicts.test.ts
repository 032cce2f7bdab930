import { describe, expect, it } from 'vitest';
import {
  chainReward,
  combineChains,
  parseJudgement,
  parseStepVerdicts,
  pYesFromTopLogprobs,
} from '../../src/core/verifier-verdicts';

// Shaped after ThinkPRM's verification chains: a critique per step closed by a boxed verdict.
const CHAIN = `
Okay, so I need to check each step of this solution.

Step 1: They write 40 + 2 as the sum to compute. That is exactly what the problem asks.

**This step is \\boxed{correct}**

Step 2: They claim 40 + 2 = 41. Using the setup from Step 1, the sum is 42, not 41.

**This step is \\boxed{incorrect}**

Step 3: The final answer \\boxed{41} follows from step 2, but step 2 was wrong. \\boxed{\\text{incorrect}}
`;

describe('parseStepVerdicts', () => {
  it('reads boxed verdicts per step in order and ignores boxed answers', () => {
    expect(parseStepVerdicts(CHAIN, 3)).toEqual([true, false, false]);
  });

  it('leaves steps the chain never reached unjudged (a chain cut by max_tokens)', () => {
    const cut = CHAIN.slice(0, CHAIN.indexOf('Step 2:'));
    expect(parseStepVerdicts(cut, 3)).toEqual([true, null, null]);
    expect(parseStepVerdicts('I ran out of budget before judging anything.', 2)).toEqual([null, null]);
  });

  it('lets a double-check of an earlier step replace its verdict instead of shifting the rest', () => {
    const chain = `${CHAIN}\nWait, let me double check Step 1 again. 40 + 2 is the sum, yes. \\boxed{correct}\nHmm, actually Step 1 misreads the problem. \\boxed{incorrect}`;
    expect(parseStepVerdicts(chain, 3)).toEqual([false, false, false]);
  });

  it('drops verdicts on steps the solution does not have', () => {
    const chain =
      'Step 1: fine. \\boxed{correct}\nStep 2: fine. \\boxed{correct}\nStep 3: invented. \\boxed{incorrect}';
    expect(parseStepVerdicts(chain, 2)).toEqual([true, true]);
  });

  it('assigns verdicts without step headings in order', () => {
    expect(parseStepVerdicts('First: \\boxed{correct}. Second: \\boxed{Incorrect}.', 3)).toEqual([true, false, null]);
  });
});

describe('parseJudgement', () => {
  it('reads the last Yes/No after the decision question, in any case and with bold', () => {
    expect(parseJudgement('… Is the solution correct? Yes')).toBe(true);
    expect(parseJudgement('Is the solution correct? yes\nWait.\nIs the solution correct? **No**')).toBe(false);
    expect(parseJudgement('\\boxed{correct} and nothing else')).toBeNull();
  });
});

describe('pYesFromTopLogprobs', () => {
  it('is the softmax of the yes and no logprobs (hand-computed: 1/(1+e^-2.3) = 0.908877)', () => {
    const p = pYesFromTopLogprobs([
      { token: ' Yes', logprob: -0.1 },
      { token: ' No', logprob: -2.4 },
      { token: ' The', logprob: -5 },
    ]);
    expect(p).toBeCloseTo(0.908877, 6);
  });

  it('sums case and space variants of each answer', () => {
    // (e^-0.5 + e^-1.5) / (e^-0.5 + e^-1.5 + e^-1.2) = 0.829661 / 1.130855
    const p = pYesFromTopLogprobs([
      { token: ' Yes', logprob: -0.5 },
      { token: ' No', logprob: -1.2 },
      { token: 'Yes', logprob: -1.5 },
      { token: 'Wait', logprob: -2 },
    ]);
    expect(p).toBeCloseTo(0.733658, 6);
  });

  it('counts an answer missing from the top list as 0, and gives null when neither is there', () => {
    expect(pYesFromTopLogprobs([{ token: ' no', logprob: -0.01 }])).toBe(0);
    expect(pYesFromTopLogprobs([{ token: ' Yes', logprob: -0.01 }])).toBe(1);
    expect(pYesFromTopLogprobs([{ token: ' The', logprob: -0.01 }])).toBeNull();
  });

  it('does not underflow on very negative logprobs', () => {
    expect(
      pYesFromTopLogprobs([
        { token: ' Yes', logprob: -1000 },
        { token: ' No', logprob: -1001 },
      ]),
    ).toBeCloseTo(1 / (1 + Math.exp(-1)), 12);
  });
});

describe('chainReward and combineChains', () => {
  it('prefers P(yes), then the step share, then the written judgement', () => {
    expect(chainReward({ steps: [true, false], judgement: false, pYes: 0.3 })).toEqual({
      reward: 0.3,
      method: 'p_yes',
    });
    expect(chainReward({ steps: [true, false, null, true], judgement: false, pYes: null })).toEqual({
      reward: 2 / 3,
      method: 'step_share',
    });
    expect(chainReward({ steps: [null], judgement: true, pYes: null })).toEqual({ reward: 1, method: 'judgement' });
    // The reference's failed chain: softmax of logprobs [0, 1] for (yes, no) = 1/(1+e).
    expect(chainReward({ steps: [null, null], judgement: null, pYes: null })).toEqual({
      reward: 1 / (1 + Math.E),
      method: 'none',
    });
    expect(chainReward({ steps: [null], judgement: null, pYes: null }).reward).toBeCloseTo(0.268941, 6);
  });

  it('averages chain rewards and per-step verdicts over the chains that judged each step', () => {
    const part = combineChains([
      { steps: [true, true, true], judgement: null, pYes: null },
      { steps: [true, false, null], judgement: null, pYes: null },
      { steps: [true, false, false], judgement: null, pYes: null },
    ]);
    expect(part.reward).toBeCloseTo((1 + 0.5 + 1 / 3) / 3, 12);
    expect(part.method).toBe('step_share');
    expect(part.steps).toEqual([1, 1 / 3, 0.5]);
    expect(part.chains).toBe(3);
  });

  it('says mixed when chains used different methods', () => {
    const part = combineChains([
      { steps: [true], judgement: null, pYes: 0.8 },
      { steps: [false], judgement: null, pYes: null },
    ]);
    expect(part.method).toBe('mixed');
    expect(part.reward).toBeCloseTo(0.4, 12);
  });
});
