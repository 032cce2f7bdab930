/**
 * Seeded subsampling: k of a problem's n candidates, drawn without replacement. Each draw is seeded from
 * (seed, problem id, k, draw number) alone, so a figure does not depend on the order problems finished
 * in, on concurrency, or on which problems a resumed run had already done.
 */
import { seededRandom } from '../core/random';

/** FNV-1a, 32 bits: a stable hash of the draw's identity. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * k distinct indices of 0..n-1 in ascending order (a partial Fisher–Yates shuffle). Ascending, so that
 * index-based tie-breaks see the candidates in their original order. k ≥ n gives all of them.
 */
export function drawIndices(n: number, k: number, random: () => number): number[] {
  if (k >= n) return Array.from({ length: n }, (_, i) => i);
  const pool = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (n - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, k).sort((a, b) => a - b);
}

/** The subsets used for one problem at one k: `draws` seeded draws, or the whole set once when k ≥ n. */
export function subsets(n: number, k: number, draws: number, seed: number, problemId: string): number[][] {
  if (k >= n) return [drawIndices(n, k, () => 0)];
  return Array.from({ length: draws }, (_, d) =>
    drawIndices(n, k, seededRandom(hash(`${seed}:${problemId}:${k}:${d}`))),
  );
}
