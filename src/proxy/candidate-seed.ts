/**
 * A client seed makes a request reproducible, but N one-choice requests with the same seed would return N
 * identical samples: candidate i gets seed + i, on the plain and the live path alike.
 */
export function candidateSeed(body: { seed?: number | null }, index: number): { seed?: number } {
  return typeof body.seed === 'number' ? { seed: body.seed + index } : {};
}
