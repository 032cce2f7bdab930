import type { Scorer } from '../../src/scorer/types';

/**
 * A deterministic step-reward scorer for tests that need real step rewards without an ONNX model: a step
 * mentioning the right answer scores high, one with a wrong answer (41, 7) or a wrong turn low, any other by its length. Portable (no I/O).
 */
export function stepScorer(right = '42'): Scorer {
  const stepReward = (text: string) =>
    text.includes(right)
      ? 0.92
      : /\b(41|7|subtract)\b/.test(text)
        ? 0.12
        : Math.min(0.8, 0.45 + (text.length % 37) / 100);
  return {
    name: 'test-steps',
    score: async (req) => ({
      scorer: 'test-steps',
      rewards: req.candidates.map((c) => ({
        thinking: c.thinkingSteps.length > 0 ? c.thinkingSteps.map(stepReward) : null,
        response: c.responseSteps.map(stepReward),
      })),
    }),
  };
}
