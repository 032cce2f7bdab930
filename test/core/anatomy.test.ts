import { describe, expect, it } from 'vitest';
import { splitCandidate, toCandidateParts, type CandidateMessage } from '../../src/core/anatomy';

const R1_THINKING = [
  "Okay, so I need to find the sum of the roots of x^2 - 5x + 6 = 0. Let me recall Vieta's formulas.",
  'For ax^2 + bx + c, the sum of the roots is -b/a. Here a = 1 and b = -5, so the sum is 5.',
  'Wait, let me double-check by factoring: (x - 2)(x - 3) = 0, roots 2 and 3, and 2 + 3 = 5. Yes.',
].join('\n\n');
const R1_RESPONSE = [
  "By Vieta's formulas, the sum of the roots of \\(x^2 - 5x + 6 = 0\\) is \\(-\\frac{-5}{1} = 5\\).",
  '**Final Answer**\n\\[\n\\boxed{5}\n\\]',
].join('\n\n');

describe('splitCandidate', () => {
  it.each<[string, CandidateMessage, { thinking: string; response: string }]>([
    [
      'reasoning_content + content',
      { reasoning_content: `\n${R1_THINKING}\n`, content: `\n\n${R1_RESPONSE}` },
      { thinking: R1_THINKING, response: R1_RESPONSE },
    ],
    [
      'reasoning (newer vLLM field)',
      { reasoning: R1_THINKING, content: R1_RESPONSE },
      { thinking: R1_THINKING, response: R1_RESPONSE },
    ],
    [
      'reasoning_content wins over reasoning',
      { reasoning_content: 'a', reasoning: 'b', content: 'c' },
      { thinking: 'a', response: 'c' },
    ],
    [
      'empty reasoning_content falls through to content',
      { reasoning_content: '', content: '<think>t</think>r' },
      { thinking: 't', response: 'r' },
    ],
    [
      'reasoning with null content (still thinking)',
      { reasoning_content: 'partial thought', content: null },
      { thinking: 'partial thought', response: '' },
    ],
    [
      'leading <think> block',
      { content: `<think>\n${R1_THINKING}\n</think>\n\n${R1_RESPONSE}` },
      { thinking: R1_THINKING, response: R1_RESPONSE },
    ],
    [
      'leading whitespace before <think>',
      { content: `\n  <think>${R1_THINKING}</think>${R1_RESPONSE}` },
      { thinking: R1_THINKING, response: R1_RESPONSE },
    ],
    [
      '</think> without opening tag (template pre-filled it)',
      { content: `${R1_THINKING}\n</think>\n\n${R1_RESPONSE}` },
      { thinking: R1_THINKING, response: R1_RESPONSE },
    ],
    [
      'only the first </think> ends thinking',
      { content: 'think</think>say </think> more' },
      { thinking: 'think', response: 'say </think> more' },
    ],
    [
      'unclosed <think> (truncated)',
      { content: `<think>\n${R1_THINKING}\n\nHmm, but what if` },
      { thinking: `${R1_THINKING}\n\nHmm, but what if`, response: '' },
    ],
    [
      '<think> not at the start is just text',
      { content: 'Use a <think> tag to reason.' },
      { thinking: '', response: 'Use a <think> tag to reason.' },
    ],
    [
      'empty think block',
      { content: '<think>\n\n</think>\n\nThe answer is 4.' },
      { thinking: '', response: 'The answer is 4.' },
    ],
    [
      'no thinking at all',
      { content: '  The answer is \\boxed{4}.  ' },
      { thinking: '', response: 'The answer is \\boxed{4}.' },
    ],
    ['nothing', {}, { thinking: '', response: '' }],
  ])('%s', (_name, message, want) => {
    expect(splitCandidate(message)).toEqual(want);
  });
});

describe('toCandidateParts', () => {
  it('splits an R1-style <think> output into steps and reads the boxed answer from the response', () => {
    const parts = toCandidateParts({ content: `<think>\n${R1_THINKING}\n</think>\n\n${R1_RESPONSE}` });
    expect(parts.thinkingSteps).toHaveLength(3);
    expect(parts.thinkingSteps[0]).toMatch(/^Okay, so I need/);
    expect(parts.responseSteps).toEqual(R1_RESPONSE.split('\n\n'));
    expect(parts.answer).toBe('5');
  });

  it('prefers the response answer over one stated while thinking', () => {
    const parts = toCandidateParts({
      reasoning_content: 'First guess \\boxed{3}, no wait.',
      content: 'The answer is \\boxed{4}.',
    });
    expect(parts.answer).toBe('4');
  });

  it('falls back to the thinking answer when the response states none', () => {
    const parts = toCandidateParts({ content: '<think>So the answer is 12. Let me now write it up' });
    expect(parts).toEqual({
      thinking: 'So the answer is 12. Let me now write it up',
      response: '',
      thinkingSteps: ['So the answer is 12. Let me now write it up'],
      responseSteps: [],
      answer: '12',
    });
  });

  it('reads a Qwen2.5-Math CoT with no thinking', () => {
    const cot =
      'To find \\(10 \\cdot 6 \\cdot 7\\), we multiply step by step.\n\n' +
      'First, \\(10 \\cdot 6 = 60\\).\n\n' +
      'Next, \\(60 \\cdot 7 = 420\\).\n\n' +
      'Therefore, the value to the nearest whole number is \\(\\boxed{420}\\).';
    const parts = toCandidateParts({ content: cot });
    expect(parts.thinking).toBe('');
    expect(parts.thinkingSteps).toEqual([]);
    expect(parts.responseSteps).toHaveLength(4);
    expect(parts.answer).toBe('420');
  });

  it('splits by the reference rule unless merge is asked for, and passes minStepChars to it', () => {
    const message = { content: 'one is short\n\ntwo is short' };
    expect(toCandidateParts(message).responseSteps).toEqual(['one is short', 'two is short']);
    expect(toCandidateParts(message, { split: 'merge' }).responseSteps).toEqual(['one is short\n\ntwo is short']);
    expect(toCandidateParts({ reasoning_content: 'think a\n\n\n\nthink b', content: 'x' }).thinkingSteps).toEqual([
      'think a',
      '',
      'think b',
    ]);
    expect(toCandidateParts(message, { split: 'merge', minStepChars: 1 }).responseSteps).toEqual([
      'one is short',
      'two is short',
    ]);
  });

  it('has a null answer when nothing states one', () => {
    expect(toCandidateParts({ content: 'I could not solve it.' }).answer).toBeNull();
  });
});
