/**
 * How close two stated answers are, for breaking a tie between vote groups by the minority's evidence:
 * among groups with equal votes, the one whose answer the other candidates came nearest to wins (the
 * medoid rule of minimum-Bayes-risk selection). `[2, 0, 6, 2, 1, 7, 1, 2, 6, 0, 2]` twice against
 * `[2, 0, 6, 2, 1, 7]` twice is decided by the four stray answers, three of which are long lists.
 */

/** Only this many characters of each answer are compared: a tie-break must stay cheap. */
export const SIMILARITY_CHARS = 96;

/** 1 − normalised Levenshtein distance over the first SIMILARITY_CHARS characters: 1 identical, 0 nothing shared. */
export function answerSimilarity(a: string, b: string): number {
  const x = a.trim().slice(0, SIMILARITY_CHARS);
  const y = b.trim().slice(0, SIMILARITY_CHARS);
  if (x === y) return 1;
  if (x.length === 0 || y.length === 0) return 0;
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = row;
  }
  return 1 - prev[y.length]! / Math.max(x.length, y.length);
}
