import { describe, expect, it } from 'vitest';
import { toCandidateParts } from '../../src/core/anatomy';
import { extractAnswer } from '../../src/core/answer';

/** Answer-extraction holes of issue 17, each on a real form; before the fix each row extracted otherwise. */
describe('extractAnswer: issue 17 holes', () => {
  it.each<[string, string, string | null]>([
    ['an empty box is no answer', 'I could not finish. \\boxed{}', null],
    [
      'a trailing "within \\boxed{}." echo does not hide the real box',
      'So the total is \\boxed{5}.\n\nPlease reason step by step, and put your final answer within \\boxed{}.',
      '5',
    ],
    ['an empty box after a phrase leaves the phrase', 'The answer is 12.\n\n\\boxed{ }', '12'],
    ['"therefore" is not part of the answer', 'The answer is therefore 42.', '42'],
    ['"thus" inside a math span', 'So the answer is thus $\\frac{3}{4}$.', '\\frac{3}{4}'],
    ['"simply"', 'The final answer is simply 7.', '7'],
    ['GSM8K\'s "#### 18"', 'She sells 16 - 3 - 4 = 9 eggs for $2 each.\n#### 18', '18'],
    ['GSM8K with a thousands separator', 'Total: 1,200 + 34\n#### 1,234', '1,234'],
    ['a JSON "answer" field', '{"reasoning": "3 + 4 = 7, and the box says \\\\boxed{wrong}", "answer": "7"}', '7'],
    ['a numeric JSON answer in a code fence', 'Here it is:\n```json\n{"steps": ["2x = 10"], "answer": 5}\n```', '5'],
    ['still nothing without any number', 'I am not sure.', null],
  ])('%s', (_name, text, want) => {
    expect(extractAnswer(text)).toBe(want);
  });
});

describe('a plain final sentence', () => {
  const plain = 'Janet has 16 - 3 - 4 = 9 eggs left.\nShe makes 9 * 2 = $18 every day.';
  it('answers with the last number of a finished response', () => {
    expect(toCandidateParts({ content: plain }, { complete: true }).answer).toBe('18');
  });
  it('but not of a partial trajectory, whose last number is a step', () => {
    expect(toCandidateParts({ content: plain }).answer).toBeNull();
  });
  it('and a stated answer or the thinking comes first', () => {
    expect(toCandidateParts({ content: 'So it is 3.\nThe answer is 4.' }, { complete: true }).answer).toBe('4');
    expect(
      toCandidateParts({ content: 'Done in 2 steps.', reasoning_content: 'so \\boxed{7}' }, { complete: true }).answer,
    ).toBe('7');
  });
});
