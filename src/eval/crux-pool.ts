/**
 * Selection on the CRUX pool (../shared/data/crux-pool, issue 25): CRUXEval output prediction answered by 8
 * real models in JSON (`reasoning`, `answer`), recorded by ZeroEval with its own verdict per output. It is
 * real non-math traffic: every figure here grades the chosen output by that recorded verdict, so Best-of-N
 * and the baselines are judged by the same rule and none by this project's own grader.
 */
import { z } from 'zod';
import { toCandidateParts } from '../core/anatomy';
import { jsonlRows } from '../core/jsonl';
import { rankWithVotes } from '../core/rank';

export const cruxRowSchema = z.object({
  id: z.string(),
  question: z.string(),
  gold: z.string(),
  candidates: z.array(z.object({ model: z.string(), output: z.string(), correct_reference: z.boolean() })).min(1),
});
export type CruxRow = z.output<typeof cruxRowSchema>;

export function parseCruxPool(text: string, source: string): CruxRow[] {
  return [...jsonlRows(text, source)].map(({ row, line }) => {
    const parsed = cruxRowSchema.safeParse(row);
    if (!parsed.success) throw new Error(`${source}:${line}: not a CRUX pool row (${parsed.error.issues[0]?.message})`);
    return parsed.data;
  });
}

export interface CruxFigures {
  problems: number;
  /** The gateway's vote (SCORER=vote, select=majority) over its own answer extraction: the pick it returns. */
  bestOfN: number;
  /**
   * Majority over the exact string of each output's JSON `answer` field as ZeroEval reads it (the first complete
   * JSON object); a tie among t strings scores its share.
   */
  exactMajority: number;
  /** Some candidate is right. */
  oracle: number;
  /** One model's answer on its own, averaged over the models. */
  meanSingle: number;
  /** Per model: its own accuracy. */
  perModel: Record<string, number>;
}

/**
 * ZeroEval's reading of an output (src/evaluation/crux_eval.py): the `answer` of the first `{…}` span that
 * parses as a JSON object with one, as a string. The baseline's own reader, not the gateway's.
 */
export function zeroEvalAnswer(output: string): string | null {
  for (let open = output.indexOf('{'); open !== -1; open = output.indexOf('{', open + 1)) {
    for (let close = output.indexOf('}', open); close !== -1; close = output.indexOf('}', close + 1)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(output.slice(open, close + 1));
      } catch {
        continue;
      }
      if (typeof parsed === 'object' && parsed !== null && 'answer' in parsed) return String(parsed.answer);
    }
  }
  return null;
}

/** Credit of an exact-string majority: the most frequent strings (null never wins) share the credit. */
function exactMajority(row: CruxRow): number {
  const groups = new Map<string, { count: number; correct: number }>();
  for (const c of row.candidates) {
    const key = zeroEvalAnswer(c.output);
    if (key === null) continue;
    const g = groups.get(key) ?? { count: 0, correct: 0 };
    g.count++;
    if (c.correct_reference) g.correct++;
    groups.set(key, g);
  }
  const top = Math.max(0, ...[...groups.values()].map((g) => g.count));
  const tied = [...groups.values()].filter((g) => g.count === top);
  return tied.length === 0 ? 0 : tied.reduce((s, g) => s + g.correct / g.count, 0) / tied.length;
}

/** Index of the candidate the gateway's vote returns. */
export function voteWinner(row: CruxRow): number {
  const answers = row.candidates.map((c) => toCandidateParts({ content: c.output }, { complete: true }).answer);
  const { ranked } = rankWithVotes(
    answers.map((answer, index) => ({ index, answer, reward: 0 })),
    'majority',
  );
  return ranked[0]!.index;
}

export function cruxFigures(rows: readonly CruxRow[]): CruxFigures {
  const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  const models = new Map<string, number[]>();
  for (const row of rows)
    for (const c of row.candidates) models.set(c.model, [...(models.get(c.model) ?? []), c.correct_reference ? 1 : 0]);
  const perModel = Object.fromEntries([...models].map(([m, xs]) => [m, mean(xs)]));
  return {
    problems: rows.length,
    bestOfN: mean(rows.map((r) => (r.candidates[voteWinner(r)]!.correct_reference ? 1 : 0))),
    exactMajority: mean(rows.map(exactMajority)),
    oracle: mean(rows.map((r) => (r.candidates.some((c) => c.correct_reference) ? 1 : 0))),
    meanSingle: mean(rows.map((r) => mean(r.candidates.map((c) => (c.correct_reference ? 1 : 0))))),
    perModel,
  };
}
