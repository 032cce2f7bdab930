/**
 * The longest text `cap` such that cutting every text to it keeps their sum within `budget`: short texts
 * stay whole and the long ones share what is left equally. Infinity when everything fits.
 */
export function fairCap(lengths: readonly number[], budget: number): number {
  const sorted = [...lengths].sort((a, b) => a - b);
  let left = budget;
  for (let i = 0; i < sorted.length; i++) {
    const share = Math.floor(left / (sorted.length - i));
    if (sorted[i]! > share) return share;
    left -= sorted[i]!;
  }
  return Infinity;
}
