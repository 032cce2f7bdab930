import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cruxFigures, parseCruxPool, voteWinner, zeroEvalAnswer } from '../../src/eval/crux-pool';

const FILE = path.resolve('test/fixtures/crux-pool/crux-slice.jsonl');
const rows = parseCruxPool(fs.readFileSync(FILE, 'utf8'), FILE);
const row = (n: number) => rows.find((r) => r.id === `crux-test-#${n}`)!;
const answerOf = (n: number) => zeroEvalAnswer(row(n).candidates[voteWinner(row(n))]!.output);

describe('the CRUX pool slice', () => {
  it('Best-of-8 beats the exact-string majority, under ZeroEval’s own verdicts', () => {
    const f = cruxFigures(rows);
    expect(f.problems).toBe(22);
    expect(f.bestOfN).toBeGreaterThan(f.exactMajority);
    expect(f.oracle).toBeGreaterThanOrEqual(f.bestOfN);
    expect(f.meanSingle).toBeLessThan(f.exactMajority);
  });

  it('groups JSON and Python spellings of one dict, and returns the spelling most candidates wrote', () => {
    // Five write {'brown': 2, …}, three {"brown": 2, …}: one value, eight votes, the usual spelling returned.
    expect(answerOf(207)).toBe("{'brown': 2, 'blue': 5, 'bright': 4}");
  });

  it('breaks a tie between two answers by how near the other answers came', () => {
    // Two say the long list, two a six-element prefix; three of the four strays are long lists too.
    expect(answerOf(179)).toBe('[2, 0, 6, 2, 1, 7, 1, 2, 6, 0, 2]');
  });

  it("reads the JSON answer as ZeroEval does for the baseline: the first complete object's field", () => {
    expect(zeroEvalAnswer('Sure.\n```json\n{"reasoning": "r", "answer": "[1]"}\n```')).toBe('[1]');
    expect(zeroEvalAnswer('no JSON here')).toBeNull();
  });
});
