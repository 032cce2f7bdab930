/**
 * What a model may hand the ranking, checked where its numbers enter (issue 27, item 18). A PRM's step
 * reward is a probability, in [0, 1]; a token logprob is at most 0. A number outside (±1e308, a negative
 * probability, NaN from a broken model, a positive logprob) would decide the vote by itself: the scorer's
 * answer is refused, and the request falls back as for a failed scorer, saying why in its metadata.
 */
import { ScorerError } from '../errors';

/** The first value that is not a probability, or undefined when all are. */
export function outOfUnitRange(values: readonly number[]): number | undefined {
  return values.find((v) => !(v >= 0 && v <= 1));
}

/** Throws scorer_bad_response when a step reward is not a probability. */
export function assertStepRewards(scorer: string, values: readonly number[]): void {
  const bad = outOfUnitRange(values);
  if (bad !== undefined)
    throw new ScorerError(
      `scorer '${scorer}' returned a step reward out of range (${bad}); a PRM's rewards are probabilities in [0, 1]`,
      'scorer_bad_response',
    );
}

/** The first token logprob that is not a finite number at most 0, or undefined when all are. */
export function badLogprob(tokens: readonly (readonly number[])[]): number | undefined {
  for (const top of tokens) for (const v of top) if (!(v <= 0 && Number.isFinite(v))) return v;
  return undefined;
}
