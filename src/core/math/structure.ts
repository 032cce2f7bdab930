/**
 * The shape of a normalised answer: one expression, an ordered tuple or interval, an unordered set or
 * list of solutions, a matrix, a union of intervals, or an equation. Comparison then goes element-wise.
 */
import { splitTopLevel, wrapsWhole } from './braces';

export type Shape =
  | { kind: 'matrix'; rows: string[][] }
  | { kind: 'union'; parts: string[] }
  /** `(1,2)`, `[0,1)`: order and both brackets matter. */
  | { kind: 'tuple'; open: string; close: string; items: string[] }
  /** `{1,2}` or a bare `1, -2`: a collection of solutions, order irrelevant. */
  | { kind: 'set'; braced: boolean; items: string[] }
  | { kind: 'equation'; lhs: string; rhs: string }
  | { kind: 'scalar'; text: string };

const MATRIX = /^\\begin\{pmatrix\}(.*)\\end\{pmatrix\}$/;

function matrixRows(body: string): string[][] {
  return splitTopLevel(body, '\\\\')
    .map((row) => row.trim())
    .filter((row) => row !== '')
    .map((row) => splitTopLevel(row, '&'));
}

/** `a\pm b` → [a+b, a-b]: "1 ± √19" is the set of both roots. Anything else is left whole. */
function expandPm(s: string): string[] {
  const pm = splitTopLevel(s, '\\pm');
  if (pm.length !== 2 || pm[1] === '') return [s];
  const [a, b] = pm as [string, string];
  return [`${a}+${b}`, `${a}-${b}`];
}

/** The answer's shape; a `\pm` is expanded into the set of its two values. */
export function shapeOf(s: string): Shape {
  const matrix = MATRIX.exec(s);
  if (matrix) return { kind: 'matrix', rows: matrixRows(matrix[1]!) };

  const union = splitTopLevel(s, '\\cup');
  if (union.length > 1) return { kind: 'union', parts: union };

  if (wrapsWhole(s)) {
    const items = splitTopLevel(s.slice(1, -1), ',');
    if (s[0] === '{') return { kind: 'set', braced: true, items: items.flatMap(expandPm) };
    if (items.length > 1) return { kind: 'tuple', open: s[0]!, close: s[s.length - 1]!, items };
  }

  const items = splitTopLevel(s, ',').flatMap(expandPm);
  if (items.length > 1) return { kind: 'set', braced: false, items };

  const sides = splitTopLevel(s, '=');
  if (sides.length === 2) return { kind: 'equation', lhs: sides[0]!, rhs: sides[1]! };
  return { kind: 'scalar', text: s };
}

/** A column or row vector's entries, so a vector can meet a tuple `(1,2,3)`. */
export function vectorEntries(rows: string[][]): string[] | null {
  if (rows.every((r) => r.length === 1)) return rows.map((r) => r[0]!);
  if (rows.length === 1) return rows[0]!;
  return null;
}

/**
 * Whether the two lists pair up one-to-one under `eq`. Items with the same text pair first, for free;
 * only the leftovers are compared, each pair at most once (memoised), with backtracking for up to 8
 * leftovers and in order beyond that. An 8-item list of symbolic items used to spend the whole budget
 * re-comparing the same pairs.
 */
export function matchUnordered(a: string[], b: string[], eq: (x: string, y: string) => boolean): boolean {
  if (a.length !== b.length) return false;
  const pending = new Map<string, number>();
  for (const y of b) pending.set(y, (pending.get(y) ?? 0) + 1);
  const left: string[] = [];
  for (const x of a) {
    const n = pending.get(x) ?? 0;
    if (n > 0) pending.set(x, n - 1);
    else left.push(x);
  }
  const right = [...pending].flatMap(([y, n]) => new Array<string>(n).fill(y));
  if (left.length === 0) return true;
  const memo = new Map<number, boolean>();
  const same = (k: number, j: number): boolean => {
    const at = k * right.length + j;
    let v = memo.get(at);
    if (v === undefined) memo.set(at, (v = eq(left[k]!, right[j]!)));
    return v;
  };
  if (left.length > 8) return left.every((_, k) => same(k, k));
  const used = new Array<boolean>(right.length).fill(false);
  const place = (k: number): boolean => {
    if (k === left.length) return true;
    for (let j = 0; j < right.length; j++) {
      if (used[j] || !same(k, j)) continue;
      used[j] = true;
      if (place(k + 1)) return true;
      used[j] = false;
    }
    return false;
  };
  return place(0);
}
