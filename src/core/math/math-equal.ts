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
}

const MAX_INPUT = 2000; // longer "answers" are essays; compare them as strings only
const MAX_DEPTH = 4;

interface Context {
  deadline: Deadline;
  relTol: number;
  percent: boolean;
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

/** Qwen's multiple-choice rule: a reference letter is matched by the last stand-alone A–E in the prediction. */
function choiceEqual(p: string, r: string): boolean | null {
  const ref = CHOICE.exec(r);
  if (!ref) return null;
  const letters = p.toUpperCase().match(/(?<![A-Za-z\\])[A-E](?![A-Za-z])/g);
  return letters !== null && letters[letters.length - 1] === ref[1];
}

/** One side in outer brackets and the other bare is the same list written two ways, as Qwen allows. */
function looseStringEqual(p: string, r: string): boolean {
  const bracketed = (s: string) => /^[([]/.test(s) && wrapsWhole(s);
  if (bracketed(p) === bracketed(r)) return false;
  const unwrap = (s: string) => (bracketed(s) ? s.slice(1, -1) : s).toLowerCase();
  return unwrap(p) === unwrap(r);
}

function shapesEqual(a: Shape, b: Shape, ctx: Context, depth: number): boolean {
  const eq = (x: string, y: string) => equalStripped(x, y, ctx, depth + 1);
  const pairwise = (xs: string[], ys: string[]) => xs.length === ys.length && xs.every((x, k) => eq(x, ys[k]!));

  if (a.kind === 'matrix' && b.kind === 'matrix') {
    return a.rows.length === b.rows.length && a.rows.every((row, k) => pairwise(row, b.rows[k]!));
  }
  if (a.kind === 'matrix' || b.kind === 'matrix') {
    const [m, t] = a.kind === 'matrix' ? [a, b] : [b as Shape & { kind: 'matrix' }, a];
    const entries = vectorEntries(m.rows);
    return entries !== null && t.kind === 'tuple' && t.open === '(' && pairwise(entries, t.items);
  }
  if (a.kind === 'union' || b.kind === 'union') {
    return a.kind === 'union' && b.kind === 'union' && pairwise(a.parts, b.parts);
  }
  if (a.kind === 'tuple' && b.kind === 'tuple') {
    return a.open === b.open && a.close === b.close && pairwise(a.items, b.items);
  }
  if (a.kind === 'set' && b.kind === 'set') return matchUnordered(a.items, b.items, eq);
  // A tuple against a bare list: the reference omitted the parentheses, as Qwen allows; order still counts.
  if ((a.kind === 'tuple' && b.kind === 'set' && !b.braced) || (b.kind === 'tuple' && a.kind === 'set' && !a.braced)) {
    return pairwise(a.items, b.items);
  }
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

function equalStripped(p: string, r: string, ctx: Context, depth: number): boolean {
  p = p.trim();
  r = r.trim();
  if (p === '' || r === '') return false;
  if (p.toLowerCase() === r.toLowerCase()) return true;
  if (p.length > MAX_INPUT || r.length > MAX_INPUT) return false;
  const choice = choiceEqual(p, r);
  if (choice !== null) return choice;
  // An integer reference is exact: 9999 is not 10000, however close (Qwen's 1e-4 would accept it).
  const local = INTEGER.test(r) ? { ...ctx, relTol: 1e-9 } : ctx;
  if (NUMBER.test(p) && NUMBER.test(r)) return numbersEqual(Number(p), Number(r), local);
  if (looseStringEqual(p, r)) return true;
  if (depth >= MAX_DEPTH || ctx.deadline.expired()) return false;
  return shapesEqual(shapeOf(p), shapeOf(r), local, depth);
}

const PERCENT = /%|\bpercent/i;

/** Whether `pred` and `ref` are the same mathematical answer. Never throws; false when undecidable in time. */
export function mathEqual(pred: string, ref: string, opts: MathEqualOptions = {}): boolean {
  try {
    const now = opts.now ?? Date.now;
    const end = now() + (opts.budgetMs ?? 2000);
    const ctx: Context = {
      deadline: { expired: () => now() > end },
      relTol: opts.relTol ?? 1e-4,
      percent: (opts.includePercentage ?? true) && (PERCENT.test(pred) || PERCENT.test(ref)),
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
