/**
 * Writes data/demo-set.jsonl, the recorded candidates `npm start` serves when no upstream is configured:
 * every problem of the shared Best-of-8 pool whose candidates disagree on the answer, then the shortest
 * of the rest, up to 30. Rows keep the pool's own fields (question, response[], pred[], score[],
 * pred_score[], gt), so replay-source reads them like the pool itself.
 *
 *   npx tsx tools/make-demo-set.ts [data/bon-pool-qwen25-math-cot-100-n8.jsonl]
 */
import fs from 'node:fs';

const POOL = process.argv[2] ?? 'data/bon-pool-qwen25-math-cot-100-n8.jsonl';
const SIZE = 30;
const KEEP = ['idx', 'question', 'gt', 'level', 'response', 'pred', 'score', 'pred_score'] as const;

type Row = Record<(typeof KEEP)[number], unknown> & { question: string; pred: string[] };

const rows: Row[] = fs
  .readFileSync(POOL, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l));
const disagree = rows.filter((r) => new Set(r.pred).size > 1);
const rest = rows.filter((r) => new Set(r.pred).size === 1).sort((a, b) => a.question.length - b.question.length);
const chosen = [...disagree, ...rest.slice(0, SIZE - disagree.length)];
const lines = chosen.map((r) => JSON.stringify(Object.fromEntries(KEEP.map((k) => [k, r[k]]))));
fs.writeFileSync('data/demo-set.jsonl', lines.join('\n') + '\n');
console.log(
  `data/demo-set.jsonl: ${chosen.length} problems (${disagree.length} with disagreeing candidates) from ${POOL}`,
);
