/**
 * A recorded pool's own figures, computed the way the pool's producer did (Qwen2.5-Math evaluation): its
 * own extracted answers (`pred`), its own grades (`score`), exact-string majority with ties to the answer
 * seen first, and the first candidate with the top `pred_score`. Shown beside the replayed figures so a
 * difference can be traced to extraction, grading or tie rules rather than to the harness.
 */
export interface PoolProblem {
  pred: readonly string[];
  score: readonly boolean[];
  reward: readonly (number | null)[];
}

export function poolReference(problems: readonly PoolProblem[], n: number): Record<string, number> {
  if (problems.length === 0) return {};
  let pass1 = 0;
  let passN = 0;
  let maj = 0;
  let top = 0;
  for (const p of problems) {
    const m = Math.min(n, p.score.length);
    const score = p.score.slice(0, m);
    pass1 += score.filter(Boolean).length / Math.max(1, m);
    passN += score.some(Boolean) ? 1 : 0;
    const counts = new Map<string, number>();
    for (const a of p.pred.slice(0, m)) counts.set(a, (counts.get(a) ?? 0) + 1);
    let best: string | undefined;
    for (const [a, c] of counts) if (best === undefined || c > counts.get(best)!) best = a;
    const majIndex = best === undefined ? -1 : p.pred.indexOf(best);
    maj += majIndex >= 0 && score[majIndex] ? 1 : 0;
    let topIndex = -1;
    for (let i = 0; i < m; i++) {
      const r = p.reward[i];
      if (r !== null && r !== undefined && (topIndex === -1 || r > p.reward[topIndex]!)) topIndex = i;
    }
    top += topIndex >= 0 && score[topIndex] ? 1 : 0;
  }
  const k = problems.length;
  return { 'pass@1': pass1 / k, [`maj@${n}`]: maj / k, [`argmax@${n}`]: top / k, [`pass@${n}`]: passN / k };
}
