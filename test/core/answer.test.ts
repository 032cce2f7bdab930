import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractAnswer, lastBoxed, normalizeAnswer } from '../../src/core/answer';
import { fixturePath } from '../helpers/fixture-path';

describe('lastBoxed', () => {
  it.each([
    ['plain', 'so \\boxed{42}', '42'],
    ['nested braces', 'Thus $\\boxed{\\frac{1}{2}}$.', '\\frac{1}{2}'],
    ['deeply nested', '\\boxed{\\sqrt{\\frac{a^{2}}{b}}}', '\\sqrt{\\frac{a^{2}}{b}}'],
    ['last of several', '\\boxed{3} then corrected: \\boxed{4}', '4'],
    ['space before brace', '\\boxed {7}', '7'],
    ['fbox', 'answer \\fbox{x+1}', 'x+1'],
    ['shorthand', 'so $\\boxed 5$', '5'],
    ['escaped braces inside', '\\boxed{\\{1,2\\}}', '\\{1,2\\}'],
    ['inner whitespace trimmed', '\\boxed{ 12 }', '12'],
    ['truncated last box falls back to the previous one', '\\boxed{8} wait, maybe \\boxed{\\frac{1}{', '8'],
    ['only a truncated box', 'so \\boxed{\\frac{1', null],
    ['not a box command', '\\boxedx{3}', null],
    ['none', 'no box here', null],
  ])('%s', (_name, text, want) => {
    expect(lastBoxed(text)).toBe(want);
  });
});

describe('extractAnswer', () => {
  it.each([
    ['boxed beats a phrase', 'The answer is 3.\n\nActually \\boxed{4}', '4'],
    ['a phrase after a box still loses to the box', '\\boxed{4}. So the answer is 4 apples.', '4'],
    ['answer is, trailing period', 'Therefore, the answer is 42.', '42'],
    ['decimal point is not a sentence end', 'The answer is 3.75.', '3.75'],
    [
      'math span with Minerva tail',
      'Final Answer: The final answer is $\\frac{1}{2}$. I hope it is correct.',
      '\\frac{1}{2}',
    ],
    ['final answer colon', 'Final answer: 17', '17'],
    ['markdown bold', '**Final Answer:** $x = 5$', 'x = 5'],
    ['bold around the word only', '**Final Answer**: 12', '12'],
    ['colon then display math on the next lines', 'The final answer is:\n\\[\n2\\pi\n\\]', '2\\pi'],
    ['last phrase wins', 'The answer is 3. Checking again, the answer is 5.', '5'],
    ['bare word is not a phrase', 'We need the answer to be positive', null],
    ['nothing', 'I am not sure.', null],
  ])('%s', (_name, text, want) => {
    expect(extractAnswer(text)).toBe(want);
  });

  it('reads the final box of a Qwen2.5-Math style CoT', () => {
    const cot = [
      'To find the value of \\(\\frac{3}{4} + \\frac{1}{8}\\), we first find a common denominator.',
      'The least common denominator of 4 and 8 is 8. So we rewrite \\(\\frac{3}{4}\\) as \\(\\frac{6}{8}\\):',
      '\\[\n\\frac{6}{8} + \\frac{1}{8} = \\frac{7}{8}\n\\]',
      'Therefore, the final answer is \\(\\boxed{\\dfrac{7}{8}}\\).',
    ].join('\n\n');
    expect(extractAnswer(cot)).toBe('\\dfrac{7}{8}');
  });
});

describe('normalizeAnswer', () => {
  it.each([
    [' 42 ', '42'],
    ['$42$', '42'],
    ['\\(42\\)', '42'],
    ['\\text{(B)}', '(B)'],
    ['\\textbf{yes}', 'yes'],
    ['5\\text{ cm}', '5'],
    ['4:30 \\text{ p.m.}', '4:30'],
    ['\\left( 1, 2 \\right)', '(1,2)'],
    ['1\\!000', '1000'],
    ['1\\,000\\,000', '1000000'],
    ['6{,}290{,}000', '6290000'],
    ['1,234.50', '1234.5'],
    ['1,2', '1,2'],
    ['\\dfrac{1}{2}', '\\frac{1}{2}'],
    ['\\tfrac12', '\\frac{1}{2}'],
    ['\\frac 3{4}', '\\frac{3}{4}'],
    ['\\frac{3}4', '\\frac{3}{4}'],
    ['\\frac123', '\\frac{1}{2}3'],
    ['2\\sqrt3', '2\\sqrt{3}'],
    ['\\sqrt{12}', '\\sqrt{12}'],
    ['7.', '7'],
    ['3.0', '3'],
    ['3.00', '3'],
    ['37.50', '37.5'],
    ['0.5', '0.5'],
    ['025', '25'],
    ['-007', '-7'],
    ['0', '0'],
    ['-0.0', '0'],
    ['90^\\circ', '90'],
    ['90^{\\circ}', '90'],
    ['45\\%', '45'],
    ['45%', '45'],
    ['x = 5', '5'],
    ['x=\\frac{1}{2}', '\\frac{1}{2}'],
    ['\\theta = \\pi', '\\pi'],
    ['a_1=3', '3'],
    ['x=1, y=2', 'x=1,y=2'],
    ['a=b=c', 'a=b=c'],
    ['x==2', 'x==2'],
    ['4a - 2', '4a-2'],
  ])('%j → %j', (input, want) => {
    expect(normalizeAnswer(input)).toBe(want);
  });
});

describe('extraction over the Qwen2.5-Math pool', () => {
  // 100 MATH problems × 8 Qwen2.5-Math-7B-Instruct CoT samples, with the answer the Qwen2.5-Math
  // evaluator extracted for each (`pred`). Our extraction plus light normalisation matched all 800 when
  // this was written; the bar sits just under that so a regression of a few cases shows.
  const rows = readFileSync(fixturePath('data/bon-pool-qwen25-math-cot-100-n8.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { response: string[]; pred: string[] });

  it('agrees with the recorded pred on at least 99.5% of 800 responses', () => {
    let agree = 0;
    let total = 0;
    const misses: unknown[] = [];
    for (const row of rows) {
      row.response.forEach((response, i) => {
        total++;
        const got = extractAnswer(response);
        const want = normalizeAnswer(row.pred[i]!);
        if (got !== null && normalizeAnswer(got) === want) agree++;
        else misses.push({ got, want });
      });
    }
    expect(total).toBe(800);
    expect(agree / total, JSON.stringify(misses.slice(0, 5))).toBeGreaterThanOrEqual(0.995);
  });
});
