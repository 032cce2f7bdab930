/**
 * A client seed makes a request reproducible, but N one-choice requests with the same seed would return N
 * identical samples: candidate i gets seed + i, on the plain and the live path alike. Past 2^53 a double
 * cannot tell seed + 2 from seed + 3, so a seed beyond the safe integers is first reduced modulo 2^32 (exact
 * for any double), and a seed too close to the top counts down instead: N seeds, always N different ones.
 */
export function candidateSeed(body: { seed?: number | null }, index: number): { seed?: number } {
  if (typeof body.seed !== 'number') return {};
  const base = Number.isSafeInteger(body.seed) ? body.seed : body.seed % 2 ** 32;
  const up = base + index;
  return { seed: Number.isSafeInteger(up) ? up : base - index };
}
