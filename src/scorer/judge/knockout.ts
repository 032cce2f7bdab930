/**
 * The tournament's bracket: a knockout of pairwise matches, each pair judged in both orders (A/B then B/A)
 * to cancel the position bias MT-Bench documents. A pair wins only when both orders agree; a disagreement or
 * a `[[C]]` is a tie, which the candidate with more agreeing answers (its vote share), then the lower index,
 * survives. An odd candidate out has a bye.
 */
import type { PairVerdict } from '../../core/judge-verdicts';

export interface Match {
  /** Candidate positions: `a` was shown first in the first order. */
  a: number;
  b: number;
  round: number;
  /** Verdicts in the first order (a as A) and the second (b as A), as the judge wrote them. */
  verdicts: [PairVerdict, PairVerdict] | null;
  winner: number;
  /** The orders disagreed or the judge called a tie: the vote share, then the index, decided. */
  tie: boolean;
}

export interface Bracket {
  /** Per candidate: the last round it won (0 = lost its first match), the winner the number of rounds. */
  reached: number[];
  rounds: number;
  matches: Match[];
}

/** Decides a pair; `judge` answers the two orders, or null when the two texts are identical (a tie for free). */
export async function runKnockout(
  count: number,
  shares: readonly number[],
  judge: (first: number, second: number) => Promise<[PairVerdict, PairVerdict] | null>,
): Promise<Bracket> {
  const reached = Array.from({ length: count }, () => 0);
  const matches: Match[] = [];
  let alive = Array.from({ length: count }, (_, i) => i);
  let round = 0;
  while (alive.length > 1) {
    round++;
    const pairs: [number, number][] = [];
    for (let i = 0; i + 1 < alive.length; i += 2) pairs.push([alive[i]!, alive[i + 1]!]);
    const bye = alive.length % 2 === 1 ? alive.at(-1)! : null;
    const played = await Promise.all(
      pairs.map(async ([a, b]): Promise<Match> => {
        const verdicts = await judge(a, b);
        // First order: A is a. Second order: A is b, so [[B]] there is a vote for a.
        const forA = verdicts ? (verdicts[0] === 'A' ? 1 : 0) + (verdicts[1] === 'B' ? 1 : 0) : 0;
        const forB = verdicts ? (verdicts[0] === 'B' ? 1 : 0) + (verdicts[1] === 'A' ? 1 : 0) : 0;
        const decided = forA === 2 ? a : forB === 2 ? b : null;
        const winner = decided ?? (shares[b]! > shares[a]! ? b : a);
        return { a, b, round, verdicts, winner, tie: decided === null };
      }),
    );
    matches.push(...played);
    alive = played.map((m) => m.winner);
    if (bye !== null) alive.push(bye);
    for (const w of alive) reached[w] = round;
  }
  return { reached, rounds: round, matches };
}
