import { describe, expect, it } from 'vitest';
import {
  decisionPrefix,
  formatSolutionSteps,
  trimChain,
  verifierUserPrompt,
  VERIFIER_ASSISTANT_PREFIX,
} from '../../src/core/verifier-prompt';

describe('verifier prompt', () => {
  it('renders the ThinkPRM Best-of-N user turn: problem, unlabelled step lines, the trained instruction', () => {
    const prompt = verifierUserPrompt('What is {a} + 2 when a = 40?\n', [
      'Substitute a = 40.',
      '## Step 2: 40 + 2 = 42.',
    ]);
    expect(prompt).toBe(
      'You are given a math problem and a proposed step-by-step solution:\n\n' +
        '[Math Problem]\n\nWhat is {a} + 2 when a = 40?\n\n' +
        '[Solution]\n\nSubstitute a = 40.\n40 + 2 = 42.\n\n' +
        'Review and critique each step in the proposed solution to determine whether each step is correct. If the solution is incomplete, only verify the provided steps.',
    );
  });

  it("removes the solver's own `Step N:` labels and strips each step, as the reference does", () => {
    expect(formatSolutionSteps(['## Step 3: x ', 'Step 7: y then Step 8: z', '  w\n'])).toBe('x\ny then  z\nw');
  });

  it('opens the assistant turn with the think tag and the verification opener', () => {
    expect(VERIFIER_ASSISTANT_PREFIX).toBe("<think>\n\nLet's verify step by step:");
    // The chain as generated, then the reference's predecision string with its trailing space.
    expect(decisionPrefix('\nStep 1: fine. \\boxed{correct}\n\n')).toBe(
      "<think>\n\nLet's verify step by step:\nStep 1: fine. \\boxed{correct}\n\n\nIs the solution correct? ",
    );
  });

  it('cuts a chain at the decision question or the end of thinking, whichever comes first', () => {
    expect(trimChain('a \\boxed{correct}\n</think>\nIs the solution correct? Yes')).toBe('a \\boxed{correct}\n');
    expect(trimChain('a\nIs the solution correct? No </think>')).toBe('a\n');
    expect(trimChain('no stop here')).toBe('no stop here');
  });
});
