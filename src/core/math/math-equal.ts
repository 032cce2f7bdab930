/**
 * Whether a predicted answer is mathematically the reference answer, after the rules of the standard MATH
 * graders (Qwen2.5-Math `math_equal`, PRM800K `grade_answer`): normalised strings, numbers to a relative
 * 1e-4, tuples / intervals / matrices element by element, equations side by side, and expressions by value.
 *
 * Stricter than Qwen's grader where it is lenient by accident: an interval's brackets must match
 * (`(1,2)` is not `[1,2]`), and 100× / ÷100 scaling applies only when either side is written as a percentage
 * (Qwen also equates `1` with `100`). More lenient where a grader that knows TeX would be: `\frac{a}b`,
 * `1,-2` against `-2, 1`, `1\pm\sqrt2` against both roots, a vector against a tuple.
 *
 * Pure and bounded: mathEqual never throws and gives up (answers false) when its time budget is spent.
 */
import { wrapsWhole } from './braces';
import { exactValue, sameRational } from './exact-value';
import { stripString } from './strip-string';
import { matchUnordered, shapeOf, vectorEntries, type Shape } from './structure';
import { close, equationsEqual, expressionsEqual, type Deadline } from './symbolic-equal';

export interface MathEqualOptions {
  /** Accept a percentage against its fraction (`50\%` = `0.5`) when either side is marked as a percentage. Default true. */
  includePercentage?: boolean;
  /** Relative tolerance for numeric comparison. Default 1e-4, as the Qwen grader. */
  relTol?: number;
  /**
   * Time budget for one comparison in milliseconds; over it the answer is false. Default 2000: generous,
   * because a slow symbolic check on a loaded machine must not turn into a wrong grade.
   */
  budgetMs?: number;
  /** Clock, injectable for tests; defaults to Date.now. */
  now?: () => number;
  /**
   * Equivalence for merging votes rather than grading: no tolerance between distinct exact values (only
   * floating-point noise, so `2\sqrt5` still meets `\sqrt{20}`), no percentage scaling (`7\%` is not `7`),
   * no last-letter multiple-choice rule. A false merge hands a majority to the wrong answer, so every
   * doubt answers false. Default false.
   */
  strict?: boolean;
}

const MAX_INPUT = 2000; // longer "answers" are essays; compare them as strings only
const MAX_DEPTH = 4;

interface Context {
  deadline: Deadline;
  relTol: number;
  percent: boolean;
  strict: boolean;
}

// Unambiguous (no two ways to split a digit run), so a failed match on a long run stays linear.
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
const CHOICE = /^\(?([A-E])\)?$/;
const INTEGER = /^[+-]?\d+$/;
const SIMPLE_LHS = /^(?:[a-zA-Z](?:_\{?\w+\}?)?|\\[a-zA-Z]+)$/;

function numbersEqual(p: number, r: number, ctx: Context): boolean {
  const near = (a: number, b: number) => close({ re: a, im: 0 }, { re: b, im: 0 }, ctx.relTol);
  return near(p, r) || (ctx.percent && (near(p, r * 100) || near(p, r / 100)));
}

/**
 * Qwen's multiple-choice rule, a reference letter found among the prediction's stand-alone A–E, but only
 * when the prediction names one letter: `A, D` hedges between two choices and is not `D`.
 */
function choiceEqual(p: string, r: string): boolean | null {
  const ref = CHOICE.exec(r);
  if (!ref) return null;
  const letters = new Set(p.toUpperCase().match(/(?<![A-Za-z\\])[A-E](?![A-Za-z])/g));
  return letters.size === 1 && letters.has(ref[1]!);
}

/**
 * One side in parentheses and the other bare is the same tuple written two ways, as Qwen allows; square
 * brackets make an interval, which a bare list (`-4, 1`: two solutions) is not.
 */
function looseStringEqual(p: string, r: string): boolean {
  const bracketed = (s: string) => s.startsWith('(') && s.endsWith(')') && wrapsWhole(s);
  if (bracketed(p) === bracketed(r)) return false;
  const unwrap = (s: string) => (bracketed(s) ? s.slice(1, -1) : s).toLowerCase();
  return unwrap(p) === unwrap(r);
}

function shapesEqual(a: Shape, b: Shape, ctx: Context, depth: number): boolean {
  const eq = (x: string, y: string) => equalStripped(x, y, ctx, depth + 1);
  const pairwise = (xs: string[], ys: string[]) => xs.length === ys.length && xs.every((x, k) => eq(x, ys[k]!));
  a = valueOfIdentity(a);
  b = valueOfIdentity(b);

  if (a.kind === 'matrix' && b.kind === 'matrix') {
    return a.rows.length === b.rows.length && a.rows.every((row, k) => pairwise(row, b.rows[k]!));
  }
  if (a.kind === 'matrix' || b.kind === 'matrix') {
    const [m, t] = a.kind === 'matrix' ? [a, b] : [b as Shape & { kind: 'matrix' }, a];
    const entries = vectorEntries(m.rows);
    return entries !== null && t.kind === 'tuple' && t.open === '(' && pairwise(entries, t.items);
  }
  // A union is a set of intervals: its order is presentation.
  if (a.kind === 'union' || b.kind === 'union') {
    return a.kind === 'union' && b.kind === 'union' && matchUnordered(a.parts, b.parts, eq);
  }
  if (a.kind === 'tuple' && b.kind === 'tuple') {
    return a.open === b.open && a.close === b.close && pairwise(a.items, b.items);
  }
  if (a.kind === 'set' && b.kind === 'set') return matchUnordered(a.items, b.items, eq);
  // A tuple against a bare list: the reference omitted the parentheses, as Qwen allows; order still counts.
  // An interval (square brackets on either end) is not a list of solutions.
  const paren = (t: Shape & { kind: 'tuple' }) => t.open === '(' && t.close === ')';
  if (a.kind === 'tuple' && b.kind === 'set' && !b.braced && paren(a)) return pairwise(a.items, b.items);
  if (b.kind === 'tuple' && a.kind === 'set' && !a.braced && paren(b)) return pairwise(a.items, b.items);
  if (a.kind === 'equation' && b.kind === 'equation') {
    return equationsEqual([a.lhs, a.rhs], [b.lhs, b.rhs], ctx.deadline, ctx.relTol);
  }
  // `y = 2x + 3` against `2x + 3`: a variable's definition is its value (Qwen's simple-equation rule).
  if (a.kind === 'equation' && b.kind === 'scalar' && SIMPLE_LHS.test(a.lhs)) return eq(a.rhs, b.text);
  if (b.kind === 'equation' && a.kind === 'scalar' && SIMPLE_LHS.test(b.lhs)) return eq(a.text, b.rhs);
  if (a.kind === 'scalar' && b.kind === 'scalar') {
    return expressionsEqual(a.text, b.text, ctx.deadline, { relTol: ctx.relTol, percent: ctx.percent });
  }
  return false;
}

const NO_LETTERS = /^(?:[^a-zA-Z\\]|\\(?:cdot|times|div|frac|left|right)(?![a-zA-Z]))*$/;

/**
 * `4\cdot4\cdot4\cdot4=256` is a worked value: the answer is its right side. Comparing two such
 * identities as equations would make any two true ones equal (both sides differ by 0).
 */
function valueOfIdentity(s: Shape): Shape {
  if (s.kind !== 'equation' || !NO_LETTERS.test(s.lhs) || !NO_LETTERS.test(s.rhs)) return s;
  return { kind: 'scalar', text: s.rhs };
}

/**
 * Exact rational comparison where both sides are plain arithmetic: true or false for sure, or null to
 * go on by value. A side written with a decimal point may be a rounded value, which grading tolerates.
 */
function exactEqual(p: string, r: string, ctx: Context): boolean | null {
  const x = exactValue(p);
  const y = x && exactValue(r);
  if (!x || !y) return null;
  if (sameRational(x, y)) return true;
  if (ctx.strict || INTEGER.test(r) || (!p.includes('.') && !r.includes('.'))) return false;
  return null;
}

function equalStripped(p: string, r: string, ctx: Context, depth: number): boolean {
  p = p.trim();
  r = r.trim();
  if (p === '' || r === '') return false;
  if (p.toLowerCase() === r.toLowerCase()) return true;
  if (p.length > MAX_INPUT || r.length > MAX_INPUT) return false;
  const choice = ctx.strict ? null : choiceEqual(p, r);
  if (choice !== null) return choice;
  // An integer reference is exact: 9999 is not 10000, however close (Qwen's 1e-4 would accept it).
  const exact = exactEqual(p, r, ctx);
  if (exact !== null && !(ctx.percent && !exact)) return exact;
  const local = INTEGER.test(r) ? { ...ctx, relTol: Math.min(ctx.relTol, 1e-9) } : ctx;
  if (NUMBER.test(p) && NUMBER.test(r)) return numbersEqual(Number(p), Number(r), local);
  if (looseStringEqual(p, r)) return true;
  if (depth >= MAX_DEPTH || ctx.deadline.expired()) return false;
  return shapesEqual(shapeOf(p), shapeOf(r), local, depth);
}

const PERCENT = /%|\bpercent/i;
/** Floating-point noise only: enough for `\sin\frac{\pi}{6}` = `\frac12`, far below any rounded value. */
const STRICT_TOL = 1e-12;

/** Whether `pred` and `ref` are the same mathematical answer. Never throws; false when undecidable in time. */
export function mathEqual(pred: string, ref: string, opts: MathEqualOptions = {}): boolean {
  try {
    const now = opts.now ?? Date.now;
    const end = now() + (opts.budgetMs ?? 2000);
    const strict = opts.strict ?? false;
    const [pp, rp] = [PERCENT.test(pred), PERCENT.test(ref)];
    // Votes: a percentage and a bare number are different claims (`7\%` against `7` or `0.07`).
    if (strict && pp !== rp) return false;
    const ctx: Context = {
      deadline: { expired: () => now() > end },
      relTol: strict ? STRICT_TOL : (opts.relTol ?? 1e-4),
      percent: !strict && (opts.includePercentage ?? true) && (pp || rp),
      strict,
    };
    return equalStripped(stripString(pred), stripString(ref), ctx, 0);
  } catch {
    return false;
  }
}

/** Grades an extracted answer (null when none was found) against the ground truth. */
export function gradeAnswer(pred: string | null, gt: string, opts: MathEqualOptions = {}): boolean {
  return pred !== null && mathEqual(pred, gt, opts);
}
