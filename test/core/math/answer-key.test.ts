import { describe, expect, it } from 'vitest';
import { answerKey, mathEqual } from '../../../src/core/math';

describe('answerKey', () => {
  it.each([
    [['0.5', '\\frac12', '1/2', '\\dfrac{2}{4}', '\\boxed{.5}', '0.50']],
    [['25', '025', '25.0', '\\text{25}']],
    [['\\frac54', '1\\frac{1}{4}', '1.25', '5/4']],
    [['-\\frac{1}{3}', '\\frac{-1}{3}', '-1/3']],
    [['(C)', '\\text{(C)}', 'C']],
    [['Evelyn', '\\text{evelyn}']],
    [['x^{2}+1', 'x^2 + 1']],
  ])('groups %j under one key', (forms) => {
    expect(new Set(forms.map(answerKey)).size).toBe(1);
  });

  it.each([
    ['0.5', '0.51'],
    ['\\frac{1}{3}', '0.333'],
    ['(1,2)', '[1,2]'],
    ['12', '21'],
    ['x+1', 'x-1'],
  ])('keeps %s and %s apart', (a, b) => {
    expect(answerKey(a)).not.toBe(answerKey(b));
  });

  // Voting groups by exact key; only grading sees through rewritings a key cannot canonicalise cheaply.
  it('keeps apart some forms that mathEqual equates', () => {
    expect(answerKey('2\\sqrt{5}')).not.toBe(answerKey('\\sqrt{20}'));
    expect(mathEqual('2\\sqrt{5}', '\\sqrt{20}')).toBe(true);
  });
});
