import { describe, expect, it } from 'vitest';
import { ALL_CHOICES, detectChoices, extractChoice } from '../../src/core/choice-answer';
import { rankWithVotes } from '../../src/core/rank';

const QUESTION = [
  'What is 7 + 5?',
  'A. 10',
  'B. 12',
  'C) 14',
  '(D) 16',
  '',
  'Answer with the letter of the correct option.',
].join('\n');

describe('detectChoices', () => {
  it('reads A., A), (A) option lines in order', () => {
    const c = detectChoices(QUESTION);
    expect(c?.letters).toEqual(['A', 'B', 'C', 'D']);
    expect(c?.text.get('B')).toBe('12');
  });
  it('reads inline options', () => {
    expect(detectChoices('Which is prime? (A) 4 (B) 6 (C) 7 (D) 9')?.letters).toEqual(['A', 'B', 'C', 'D']);
  });
  it('is null for prose, and for a lone sentence that starts with a letter', () => {
    expect(detectChoices('Describe the capital of France.')).toBeNull();
    expect(detectChoices('A. Smith wrote a book.\nWho wrote it?')).toBeNull();
  });
});

describe('extractChoice', () => {
  const choices = detectChoices(QUESTION)!;
  // The eight real-style answers of issue 25: four B's, three C's, one unreadable.
  it.each<[string, string | null]>([
    ['(B)', 'B'],
    ['Answer: C', 'C'],
    ['So the sum is 12.\n\n\\boxed{C}', 'C'],
    ['B', 'B'],
    ['**B**', 'B'],
    ['Option B is correct.', 'B'],
    ['I believe the correct option is B) 12.', 'B'],
    ['The answer is (C).', 'C'],
    ['The final answer is $\\boxed{\\text{B}}$', 'B'],
    ['7 + 5 = 12, which is option B.', 'B'],
    ['The answer is 12.', 'B'],
    ['The answer is a bit tricky; I cannot say.', null],
    ['Option E is correct.', null],
    ['I am not sure.', null],
  ])('%j → %s', (text, want) => {
    expect(extractChoice(text, choices)).toBe(want);
  });
  it('takes the last letter stated', () => {
    expect(extractChoice('At first I thought (A), but the answer is (B).', choices)).toBe('B');
  });
  it('lets four B answers outvote three C answers', () => {
    const answers = [
      '(B)',
      'Answer: C',
      '\\boxed{C}',
      'B',
      '**B**',
      'Option B is correct.',
      'C',
      'I believe the correct option is B) 12.',
    ];
    const letters = answers.map((a) => extractChoice(a, ALL_CHOICES));
    expect(letters).toEqual(['B', 'C', 'C', 'B', 'B', 'B', 'C', 'B']);
    const { ranked } = rankWithVotes(
      letters.map((answer, index) => ({ index, answer, reward: 0 })),
      'majority',
    );
    expect(letters[ranked[0]!.index]).toBe('B');
  });
});
