/**
 * 95% percentile-bootstrap intervals for a mean over problems: resample the problems with replacement,
 * take the mean each time, and read the 2.5th and 97.5th percentiles. With several runs (seeds), each
 * resample also draws one run per problem, so the interval covers sampling noise as well as which
 * problems happened to be in the set. Seeded, so a report is reproducible.
 */
import { seededRandom } from '../core/random';

export interface BootstrapOptions {
  resamples: number;
  seed: number;
}

function percentile(sorted: readonly number[], q: number): number {
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/**
 * `runs[r][p]` is the value of problem p in run r (one run: `[values]`). Returns [low, high] of the 95%
 * interval of the mean, or null without problems.
 */
export function bootstrapInterval(
  runs: readonly (readonly number[])[],
  opts: BootstrapOptions,
): [number, number] | null {
  const problems = runs[0]?.length ?? 0;
  if (problems === 0) return null;
  const rand = seededRandom(opts.seed);
  const means: number[] = [];
  for (let b = 0; b < opts.resamples; b++) {
    let sum = 0;
    for (let i = 0; i < problems; i++) {
      const p = Math.floor(rand() * problems);
      const r = runs.length === 1 ? 0 : Math.floor(rand() * runs.length);
      sum += runs[r]![p]!;
    }
    means.push(sum / problems);
  }
  means.sort((a, b) => a - b);
  return [percentile(means, 0.025), percentile(means, 0.975)];
}
