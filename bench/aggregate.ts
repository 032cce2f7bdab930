/**
 * Which step-reward aggregation picks the right solution, measured on real reward-model scores rather
 * than chosen by taste: RewardMATH (kimsh0507/RewardMATH_official, in data/rewardmath/, not shipped) holds the
 * scores real PRMs and ORMs gave 10 solutions of each MATH-500 problem, of which only solution 0 is right.
 *
 *   npm run bench:aggregate [-- --bootstrap 2000 --seed 1]
 *
 * For every file × aggregation (last / min / mean / prod through src/core/aggregate.ts; ORMs and the
 * judge give one score, one row): the share of problems whose top-ranked solution is solution 0, ties
 * split (a k-way tie at the top counts 1/k), with a 95% percentile bootstrap interval over problems; the
 * difference to `min` (today's default) with a paired bootstrap interval; and how many problems had a tie
 * at the top, with what a lowest-index tie-break would have scored — it always favours solution 0 here,
 * which is why ties are split rather than given to the lowest index. Deterministic: seeded resampling.
 */
import fs from 'node:fs';
import path from 'node:path';
import { aggregate } from '../src/core/aggregate';
import { AGGREGATES, type Aggregate } from '../src/core/types';
import { printTable } from './stats';
import { seededRandom } from '../src/core/random';

// Large optional data, not in the repository: put RewardMATH's results/RewardMATH/*_reward.json
// (kimsh0507/RewardMATH_official, MIT) in data/rewardmath/, or point BESTOFN_REWARDMATH_DIR at them.
const DIR = path.resolve(process.env.BESTOFN_REWARDMATH_DIR ?? 'data/rewardmath');
if (!fs.existsSync(DIR)) {
  console.log(
    `bench:aggregate skipped: no RewardMATH scores in ${DIR}. Copy results/RewardMATH/*_reward.json of ` +
      'github.com/kimsh0507/RewardMATH_official there, or set BESTOFN_REWARDMATH_DIR.',
  );
  process.exit(0);
}

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const B = arg('bootstrap', 2000);
const SEED = arg('seed', 1);

interface Problem {
  score: (number | number[])[];
}

/** Per problem: credit for ranking solution 0 first (ties split), whether the top was tied, and the lowest-index credit. */
function outcome(rewards: (number | null)[]): { split: number; tied: boolean; lowest: number } {
  let best = -Infinity;
  for (const r of rewards) if (r !== null && r > best) best = r;
  const top = rewards.flatMap((r, i) => (r !== null && r === best ? [i] : []));
  if (top.length === 0) return { split: 0, tied: false, lowest: 0 };
  return { split: top.includes(0) ? 1 / top.length : 0, tied: top.length > 1, lowest: top[0] === 0 ? 1 : 0 };
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** 95% percentile interval of the mean of `xs` (or of xs − ys, paired) over B resamples of problems. */
function bootstrap(xs: readonly number[], ys?: readonly number[]): [number, number] {
  const next = seededRandom(SEED); // seeded, so intervals repeat run to run
  const n = xs.length;
  const means: number[] = [];
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (let k = 0; k < n; k++) {
      const i = Math.floor(next() * n);
      s += xs[i]! - (ys ? ys[i]! : 0);
    }
    means.push(s / n);
  }
  means.sort((a, b) => a - b);
  return [means[Math.floor(0.025 * B)]!, means[Math.min(B - 1, Math.ceil(0.975 * B) - 1)]!];
}

const pct = (x: number) => (100 * x).toFixed(1);
const signed = (x: number) => `${x >= 0 ? '+' : ''}${pct(x)}`;

const files = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith('_reward.json'))
  .sort();
const rows: (string | number)[][] = [];
for (const file of files) {
  const problems = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as Problem[];
  const name = file.replace(/_reward\.json$/, '');
  const isPrm = problems.some((p) => p.score.some((s) => Array.isArray(s)));
  const hows: readonly (Aggregate | null)[] = isPrm ? AGGREGATES : [null];
  const credit = new Map<Aggregate | null, ReturnType<typeof outcome>[]>();
  for (const how of hows) {
    credit.set(
      how,
      problems.map((p) => outcome(p.score.map((s) => (Array.isArray(s) ? aggregate(s, how!) : s)))),
    );
  }
  const base = credit.get(isPrm ? 'min' : null)!.map((o) => o.split);
  for (const how of hows) {
    const o = credit.get(how)!;
    const split = o.map((x) => x.split);
    const [lo, hi] = bootstrap(split);
    const vsMin =
      isPrm && how !== 'min'
        ? (() => {
            const [dlo, dhi] = bootstrap(split, base);
            return `${signed(mean(split) - mean(base))} [${signed(dlo)}, ${signed(dhi)}]`;
          })()
        : '';
    const tied = o.filter((x) => x.tied).length;
    rows.push([
      name,
      how ?? '(one score)',
      problems.length,
      pct(mean(split)),
      `[${pct(lo)}, ${pct(hi)}]`,
      vsMin,
      tied,
      pct(mean(o.map((x) => x.lowest))),
    ]);
  }
}

console.log(
  `RewardMATH (${DIR}): share of problems whose top-ranked of 10 solutions is the right one (solution 0), in %.`,
);
console.log(
  `Ties at the top are split 1/k; 95% percentile bootstrap over problems, ${B} resamples, seed ${SEED}. Chance is 10.0.\n`,
);
printTable(
  ['scores', 'aggregate', 'problems', 'top-1 %', '95% CI', 'Δ vs min [95% CI]', 'tied tops', 'lowest-index %'],
  rows,
);
console.log(
  '\n`lowest-index %` is what giving ties to the lowest index would report: solution 0 is always lowest here, so it flatters tie-heavy scorers.',
);
