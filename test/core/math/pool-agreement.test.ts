import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradeAnswer } from '../../../src/core/math';

/**
 * Our grader against the pool's own labels: the 800 `pred` values of the shared Best-of-8 pool, each
 * labelled by Qwen2.5-Math's `math_equal`. The budget is generous so a loaded test machine cannot turn a
 * slow symbolic check into a false "not equal".
 */
const POOL = path.resolve(process.cwd(), '../shared/data/bon-pool-qwen25-math-cot-100-n8.jsonl');

describe('grader agreement with the bon-pool labels', () => {
  it('agrees on at least 99% of the 800 answers, and every disagreement is a known one', () => {
    const rows = fs.readFileSync(POOL, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { idx: number; gt: string; pred: string[]; score: boolean[] });
    const disagreements: string[] = [];
    let total = 0;
    for (const row of rows) {
      row.pred.forEach((pred, i) => {
        total++;
        const ours = gradeAnswer(pred, row.gt, { budgetMs: 5_000 });
        if (ours !== row.score[i]) disagreements.push(`idx ${row.idx} #${i}: pred ${JSON.stringify(pred)} gt ${JSON.stringify(row.gt)} pool ${row.score[i]} ours ${ours}`);
      });
    }
    const agreement = 1 - disagreements.length / total;
    console.log(`grader agreement ${(agreement * 100).toFixed(2)}% (${total - disagreements.length}/${total})\n${disagreements.join('\n')}`);
    expect(total).toBe(800);
    expect(agreement).toBeGreaterThanOrEqual(0.99);
  });
});
