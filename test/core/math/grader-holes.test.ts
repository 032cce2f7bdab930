import { describe, expect, it } from 'vitest';
import { answerKey, mathEqual } from '../../../src/core/math';
import { equivalentForms, holes, nearMisses } from './equivalence-tables';

/**
 * Each row is a hole found on real answer forms (issue 17). `equal` is the right grade; before the fix
 * every row here graded the other way.
 */
describe('grader holes', () => {
  for (const [name, rows] of Object.entries(holes)) {
    it.each(rows)(`${name}: %s vs %s → %s`, (pred, ref, equal) => {
      expect(mathEqual(pred, ref, { budgetMs: 5_000 })).toBe(equal);
    });
  }
});

describe('strict mode (votes)', () => {
  it.each(equivalentForms)('%s and %s are one answer', (a, b) => {
    expect(mathEqual(a, b, { strict: true, budgetMs: 5_000 })).toBe(true);
    expect(mathEqual(b, a, { strict: true, budgetMs: 5_000 })).toBe(true);
  });

  it.each(nearMisses)('%s and %s never merge', (a, b) => {
    expect(mathEqual(a, b, { strict: true, budgetMs: 5_000 })).toBe(false);
    expect(mathEqual(b, a, { strict: true, budgetMs: 5_000 })).toBe(false);
  });

  it('keeps a percentage apart from its number in the answer key', () => {
    expect(answerKey('7\\%')).not.toBe(answerKey('7'));
    expect(answerKey('7\\%')).toBe(answerKey('7%'));
  });
});

describe('the default time budget', () => {
  // Documented as 2000 ms (docs/eval.md, MathEqualOptions); the docs used to say 200 ms.
  const clock = (later: number) => {
    let first = true;
    return () => (first ? ((first = false), 0) : later);
  };
  it('is 2000 ms: a symbolic check still runs 1999 ms in, and gives up past 2000', () => {
    expect(mathEqual('\\frac{x+2}{7}', '\\frac{x}{7}+\\frac{2}{7}', { now: clock(1999) })).toBe(true);
    expect(mathEqual('\\frac{x+2}{7}', '\\frac{x}{7}+\\frac{2}{7}', { now: clock(2001) })).toBe(false);
  });
});
