/**
 * Expression equivalence by evaluation: constants are compared by value, expressions with free variables
 * at a fixed set of seeded random points (complex arithmetic, so √x and log x at negative points still
 * compare). Sampling is bounded work, unlike symbolic simplification, and it is what decides
 * `\frac{x+2}{7}` = `\frac{x}{7}+\frac{2}{7}` or `\sec^2 y` = `\tan^2 y + 1`. A false "equal" needs two
 * different expressions to agree to 1e-4 at every point, which the benchmarks' answers do not do.
 */
import {
  absDependencies,
  acosDependencies,
  addDependencies,
  asinDependencies,
  atanDependencies,
  complexDependencies,
  cosDependencies,
  coshDependencies,
  cotDependencies,
  create,
  cscDependencies,
  eDependencies,
  expDependencies,
  factorialDependencies,
  iDependencies,
  isComplex,
  isSymbolNode,
  log10Dependencies,
  logDependencies,
  multiplyDependencies,
  nthRootDependencies,
  parseDependencies,
  piDependencies,
  powDependencies,
  secDependencies,
  sinDependencies,
  sinhDependencies,
  sqrtDependencies,
  subtractDependencies,
  divideDependencies,
  tanDependencies,
  tanhDependencies,
  unaryMinusDependencies,
  unaryPlusDependencies,
} from 'mathjs';
import type { FactoryFunctionMap } from 'mathjs';
import { latexToMathjs } from './latex-to-mathjs';
import { seededRandom } from '../random';

// Only what the translator emits: a smaller bundle for the Worker, and no way to reach units or matrices.
// (The typings declare each dependency map as possibly undefined; every one named here exists.)
const math = create({
  absDependencies,
  acosDependencies,
  addDependencies,
  asinDependencies,
  atanDependencies,
  complexDependencies,
  cosDependencies,
  coshDependencies,
  cotDependencies,
  cscDependencies,
  eDependencies,
  expDependencies,
  factorialDependencies,
  iDependencies,
  log10Dependencies,
  logDependencies,
  multiplyDependencies,
  nthRootDependencies,
  parseDependencies,
  piDependencies,
  powDependencies,
  secDependencies,
  sinDependencies,
  sinhDependencies,
  sqrtDependencies,
  subtractDependencies,
  divideDependencies,
  tanDependencies,
  tanhDependencies,
  unaryMinusDependencies,
  unaryPlusDependencies,
} as FactoryFunctionMap);

const MAX_SOURCE = 600;
const MAX_NODES = 200;
const MAX_VARIABLES = 6;
const SAMPLES = 8;
const MIN_VALID_SAMPLES = 4;
const ABS_TOL = 1e-12; // floating-point noise: sin(π) must equal 0

export interface Deadline {
  expired(): boolean;
}

interface Complex {
  re: number;
  im: number;
}

interface Compiled {
  evaluate(scope: Record<string, unknown>): unknown;
  variables: string[];
}

/** n choose k for the small integers answers contain; the loop bound keeps a huge k from stalling. */
function binom(n: unknown, k: unknown): number {
  if (typeof n !== 'number' || typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k > 1000) return NaN;
  let r = 1;
  for (let j = 1; j <= k; j++) r = (r * (n - k + j)) / j;
  return r;
}

function compile(latex: string): Compiled | null {
  const source = latexToMathjs(latex);
  if (source === null || source.length > MAX_SOURCE) return null;
  try {
    const node = math.parse(source);
    let count = 0;
    const variables = new Set<string>();
    node.traverse((n) => {
      count++;
      if (isSymbolNode(n) && n.name.startsWith('v_')) variables.add(n.name);
    });
    if (count > MAX_NODES || variables.size > MAX_VARIABLES) return null;
    const code = node.compile();
    return { evaluate: (scope) => code.evaluate({ ...scope, binom }), variables: [...variables] };
  } catch {
    return null;
  }
}

function toComplex(v: unknown): Complex | null {
  let c: Complex | null = null;
  if (typeof v === 'number') c = { re: v, im: 0 };
  else if (isComplex(v)) c = { re: v.re, im: v.im };
  return c && Number.isFinite(c.re) && Number.isFinite(c.im) ? c : null;
}

function evaluate(expr: Compiled, scope: Record<string, number>): Complex | null {
  try {
    return toComplex(expr.evaluate(scope));
  } catch {
    return null;
  }
}

const size = (c: Complex) => Math.hypot(c.re, c.im);

/** |a − b| within `relTol` of the larger magnitude (Python's isclose), or within floating-point noise. */
export function close(a: Complex, b: Complex, relTol: number): boolean {
  const d = Math.hypot(a.re - b.re, a.im - b.im);
  return d <= Math.max(relTol * Math.max(size(a), size(b)), ABS_TOL);
}

/**
 * Values of every expression at the sample points where all of them are defined (a pole or an overflow
 * at one point just drops that point), or null when too few points survive or time runs out.
 */
function sample(exprs: Compiled[], deadline: Deadline): Complex[][] | null {
  const names = [...new Set(exprs.flatMap((e) => e.variables))];
  const points = names.length === 0 ? 1 : SAMPLES;
  // A fixed seed: every comparison samples the same points.
  const rand = seededRandom(0x5eed);
  const rows: Complex[][] = [];
  for (let k = 0; k < points; k++) {
    if (deadline.expired()) return null;
    // Mostly positive points, where roots and logs are real; every third negative, to catch |x| vs x.
    const scope = Object.fromEntries(names.map((n) => [n, (k % 3 === 2 ? -1 : 1) * (0.4 + 2.2 * rand())]));
    const row = exprs.map((e) => evaluate(e, scope));
    if (row.every((v): v is Complex => v !== null)) rows.push(row);
  }
  return rows.length >= Math.min(points, MIN_VALID_SAMPLES) ? rows : null;
}

export interface ValueOptions {
  relTol: number;
  /** Also accept a = 100·b or a = b/100 (one side was written as a percentage). */
  percent: boolean;
}

/** Whether two normalised LaTeX expressions denote the same value or function. */
export function expressionsEqual(a: string, b: string, deadline: Deadline, opts: ValueOptions): boolean {
  const x = compile(a);
  const y = x && compile(b);
  if (!x || !y) return false;
  const rows = sample([x, y], deadline);
  if (!rows) return false;
  if (rows.every(([u, v]) => close(u!, v!, opts.relTol))) return true;
  if (!opts.percent || x.variables.length + y.variables.length > 0) return false;
  const [u, v] = rows[0]!;
  const scaled = (c: Complex, f: number) => ({ re: c.re * f, im: c.im * f });
  return close(u!, scaled(v!, 100), opts.relTol) || close(u!, scaled(v!, 0.01), opts.relTol);
}

/**
 * Whether `l1 = r1` and `l2 = r2` describe the same relation: l1 − r1 is a constant non-zero multiple of
 * l2 − r2 (so `y = 2x + 3` matches `4x - 2y + 6 = 0`).
 */
export function equationsEqual(
  [l1, r1]: [string, string],
  [l2, r2]: [string, string],
  deadline: Deadline,
  relTol: number,
): boolean {
  const x = compile(`{${l1}}-{${r1}}`);
  const y = x && compile(`{${l2}}-{${r2}}`);
  if (!x || !y) return false;
  const rows = sample([x, y], deadline);
  if (!rows) return false;
  const pivot = rows.find(([, v]) => size(v!) > 1e-9);
  if (!pivot) return rows.every(([u]) => size(u!) <= 1e-9);
  const [pu, pv] = pivot;
  // ratio c = u / v, in complex arithmetic
  const den = pv!.re * pv!.re + pv!.im * pv!.im;
  const c = { re: (pu!.re * pv!.re + pu!.im * pv!.im) / den, im: (pu!.im * pv!.re - pu!.re * pv!.im) / den };
  if (size(c) < 1e-9) return false;
  return rows.every(([u, v]) =>
    close(u!, { re: c.re * v!.re - c.im * v!.im, im: c.re * v!.im + c.im * v!.re }, relTol),
  );
}
