/**
 * A cheap canonical key for voting: answers with the same key are counted as one answer. It is the
 * normalised string, with exact rationals in lowest terms (`0.5`, `\frac12`, `1/2`, `\frac{2}{4}` → `1/2`,
 * `025` → `25`, `1\frac{1}{4}` → `5/4`), bare choice letters and case-folded words.
 *
 * Votes group by key first, then merge keys that strict `mathEqual` equates (`2\sqrt{5}` and `\sqrt{20}`,
 * reordered lists; src/core/clusters.ts). Grading uses `mathEqual` with its tolerances (`0.333…` ≈ 1/3).
 */
import { stripString } from './strip-string';

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a < 0n ? -a : a;
}

function rational(negative: boolean, num: bigint, den: bigint): string | null {
  if (den === 0n) return null;
  const g = gcd(num, den);
  const [n, d] = [num / g, den / g];
  const sign = negative && n !== 0n ? '-' : '';
  return d === 1n ? `${sign}${n}` : `${sign}${n}/${d}`;
}

/** The exact value of a plain decimal, a fraction of integers or a mixed number, in lowest terms. */
function rationalKey(s: string): string | null {
  let m = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(s);
  if (m) {
    const frac = m[3] ?? '';
    return rational(m[1] === '-', BigInt(m[2]! + frac), 10n ** BigInt(frac.length));
  }
  m = /^(-?)\\frac\{(-?)(\d+)\}\{(\d+)\}$/.exec(s);
  if (m) return rational((m[1] === '-') !== (m[2] === '-'), BigInt(m[3]!), BigInt(m[4]!));
  m = /^(-?)(\d+)\\frac\{(\d+)\}\{(\d+)\}$/.exec(s);
  if (m) {
    const den = BigInt(m[4]!);
    return rational(m[1] === '-', BigInt(m[2]!) * den + BigInt(m[3]!), den);
  }
  return null;
}

export function answerKey(answer: string): string {
  // The normaliser drops `%`, as graders must (MATH references omit it); a vote must not: `7\%` is not `7`.
  const percent = /%|\bpercent/i.test(answer) ? '%' : '';
  return baseKey(answer) + percent;
}

function baseKey(answer: string): string {
  const s = stripString(answer);
  if (s.length <= 40) {
    const r = rationalKey(s);
    if (r !== null) return r;
  }
  const choice = /^\(([A-E])\)$/.exec(s);
  if (choice) return choice[1]!;
  return /^[a-zA-Z ]{2,}$/.test(s) ? s.toLowerCase() : s;
}
