/**
 * The project's one seeded generator (mulberry32): small, fast, and good enough to pick subsets, resample,
 * break ties and choose sample points. A seed replays the same sequence on every machine, whatever order
 * work finished in, so figures, intervals and grades are reproducible. Floats in [0, 1).
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
