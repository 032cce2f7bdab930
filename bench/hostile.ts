/**
 * bench:hostile — per-candidate CPU on degenerate outputs that reasoning models really produce when they
 * loop until max_tokens. Each row is timed on answer extraction, step splitting and the whole candidate
 * anatomy (both, on content and thinking), at the row's size and at twice it: linear code takes about 2×
 * as long at 2× the size, quadratic code about 4×.
 *
 *   npm run bench:hostile                       every row
 *   BENCH_HOSTILE_ROWS=0,1,2 npm run bench:hostile   only those rows (the slow code's "before" run)
 */
import { toCandidateParts } from '../src/core/anatomy';
import { extractAnswer } from '../src/core/answer';
import { splitSteps } from '../src/core/steps';
import { median, printTable } from './stats';

interface Row {
  name: string;
  make: (scale: number) => string;
}

const repeat = (unit: string, chars: number) => unit.repeat(Math.ceil(chars / unit.length));
const randomText = (chars: number) => {
  let seed = 12345;
  const words = [
    'so',
    'the',
    'sum',
    'is',
    '\\frac{1}{2}',
    '$x$',
    'then',
    'we',
    'check',
    '\n\n',
    'answer',
    '{',
    '}',
    '\\boxed{',
    '42.',
  ];
  let out = '';
  while (out.length < chars) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    out += words[seed % words.length] + ' ';
  }
  return out;
};

const ROWS: Row[] = [
  { name: '8,000 × `\\boxed{\\frac{1}{2}`', make: (s) => '\\boxed{\\frac{1}{2}'.repeat(8000 * s) },
  { name: '20,000 unclosed `\\boxed{`', make: (s) => '\\boxed{'.repeat(20000 * s) },
  { name: '"answer" + 100k spaces', make: (s) => 'answer' + ' '.repeat(100_000 * s) },
  { name: '1 MB of `\\boxed{\\frac{1}{2}`', make: (s) => repeat('\\boxed{\\frac{1}{2}', 1_000_000 * s) },
  {
    name: '1 MB of "answer is $" + spaces',
    make: (s) => repeat('The answer is $' + ' '.repeat(40) + '\n', 1_000_000 * s),
  },
  { name: '1 MB of blank-line whitespace', make: (s) => repeat('\n' + ' '.repeat(200) + '\t', 1_000_000 * s) },
  { name: '1 MB of mixed tokens', make: (s) => randomText(1_000_000 * s) },
];

/** Median ms per call, repeating until about `budgetMs` is spent (at least once). */
function time(fn: () => unknown, budgetMs = 300): number {
  const times: number[] = [];
  const until = performance.now() + budgetMs;
  do {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  } while (performance.now() < until && times.length < 200);
  return median(times);
}

const only = process.env.BENCH_HOSTILE_ROWS?.split(',').map(Number);
const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 1 ? ms.toFixed(1) : ms.toFixed(3));
const rows: (string | number)[][] = [];
for (const [i, row] of ROWS.entries()) {
  if (only && !only.includes(i)) continue;
  const text = row.make(1);
  const doubled = row.make(2);
  const answer = time(() => extractAnswer(text));
  const answer2 = time(() => extractAnswer(doubled));
  const steps = time(() => splitSteps(text));
  const anatomy = time(() => toCandidateParts({ content: text, reasoning_content: text }));
  rows.push([
    row.name,
    `${(text.length / 1000).toFixed(0)}k`,
    fmt(answer),
    fmt(answer2),
    (answer2 / answer).toFixed(1),
    fmt(steps),
    fmt(anatomy),
  ]);
}
printTable(['input', 'chars', 'answer ms', 'answer ms at 2×', '2× ratio', 'steps ms', 'whole candidate ms'], rows);
