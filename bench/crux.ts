/**
 * Selection on real non-math traffic: the CRUX pool (../shared/data/crux-pool, CRUXEval output prediction
 * answered in JSON by 8 real models, recorded by ZeroEval). Best-of-8 is the gateway's own vote over its
 * answer extraction (SCORER=vote, select=majority, seed 0): JSON `answer` fields read wherever they sit,
 * Python literals grouped by value, ties broken by how near the other answers came. Every row is graded by
 * ZeroEval's recorded verdict of the chosen output, so no row is graded by this project's own rules.
 *
 *   npm run bench:crux [-- --file path/to/pool.jsonl]
 */
import fs from 'node:fs';
import path from 'node:path';
import { cruxFigures, parseCruxPool } from '../src/eval/crux-pool';
import { printTable } from './stats';

const i = process.argv.indexOf('--file');
const file = path.resolve(i === -1 ? '../shared/data/crux-pool/crux-dev-200x8.jsonl' : process.argv[i + 1]!);
if (!fs.existsSync(file)) {
  console.log(`bench:crux skipped: ${file} is absent (it lives in ../shared; pass --file to use another pool).`);
  process.exit(0);
}
const rows = parseCruxPool(fs.readFileSync(file, 'utf8'), file);
const started = performance.now();
const f = cruxFigures(rows);
const ms = performance.now() - started;
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const n = rows[0]?.candidates.length ?? 0;
console.log(
  `CRUX pool: ${f.problems} problems × ${n} models (${path.relative(process.cwd(), file)}), graded by ZeroEval's verdict\n`,
);
printTable(
  ['selection', 'accuracy'],
  [
    [`Best-of-${n} (bestofn vote)`, pct(f.bestOfN)],
    ['exact-string majority of the JSON answer', pct(f.exactMajority)],
    ['oracle (any candidate right)', pct(f.oracle)],
    ['mean single model', pct(f.meanSingle)],
  ],
);
console.log('');
printTable(
  ['model', 'accuracy'],
  Object.entries(f.perModel).map(([m, x]) => [m, pct(x)]),
);
console.log(`\n${f.problems} problems ranked in ${ms.toFixed(0)} ms.`);
