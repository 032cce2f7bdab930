import { describe, expect, it } from 'vitest';
import { MAX_STEPS, partSteps, splitSteps as split } from '../../src/core/steps';
import type { SplitStepsOptions } from '../../src/core/steps';

/** bestofn's own rule, now opt-in (manifest step_split: "merge"). */
const splitSteps = (text: string, opts: SplitStepsOptions = {}) => split(text, { split: 'merge', ...opts });

const A = 'First, compute the sum of the roots.';
const B = 'Next, apply Vieta to get the product.';
const C = 'Therefore the answer is \\boxed{6}.';

describe('splitSteps, merge rule', () => {
  it.each([
    ['blank lines', `${A}\n\n${B}\n\n${C}`, [A, B, C]],
    ['CRLF blank lines', `${A}\r\n\r\n${B}\r\n\r\n${C}`, [A, B, C]],
    ['whitespace-only lines and runs of blanks', `${A}\n  \t\n\n\n${B}\n \n${C}`, [A, B, C]],
    ['single newlines stay inside a step', `${A}\n${B}\n\n${C}`, [`${A}\n${B}`, C]],
    ['leading and trailing whitespace trimmed', `\n\n  ${A}  \n\n${B}\n\n`, [A, B]],
    ['empty text', '', []],
    ['only whitespace', ' \n\n \n', []],
  ])('%s', (_name, text, want) => {
    expect(splitSteps(text)).toEqual(want);
  });

  it.each([
    ['a tiny fragment joins the next step, keeping its original text', `${A}\n\nSo:\n\n${B}`, [A, `So:\n\n${B}`]],
    ['consecutive tiny fragments all join the next step', `**Step 2**\n\nSo:\n\n${B}`, [`**Step 2**\n\nSo:\n\n${B}`]],
    ['a tiny last fragment joins the previous step', `${A}\n\n${B}\n\n$$`, [A, `${B}\n\n$$`]],
    ['text that is all tiny is one step', 'So:\n\n42', ['So:\n\n42']],
    [
      'a tiny fragment a colon announced joins the step before',
      `${A} We get:\n\n$x = 5$\n\n${B}`,
      [`${A} We get:\n\n$x = 5$`, B],
    ],
    [
      'a tiny fragment ending in a colon still goes forward',
      `${A} We get:\n\nSo:\n\n${B}`,
      [`${A} We get:`, `So:\n\n${B}`],
    ],
  ])('%s', (_name, text, want) => {
    expect(splitSteps(text)).toEqual(want);
  });

  it('honours minChars', () => {
    expect(splitSteps('short one\n\nshort two', { minChars: 5 })).toEqual(['short one', 'short two']);
    expect(splitSteps('short one\n\nshort two', { minChars: 10 })).toEqual(['short one\n\nshort two']);
    expect(splitSteps('a\n\nb', { minChars: 0 })).toEqual(['a', 'b']);
  });

  it('does not split a closed fenced code block that contains a blank line', () => {
    const code = '```python\ndef f(x):\n    return x * 2\n\nprint(f(21))\n```';
    expect(splitSteps(`${A}\n\n${code}\n\n${C}`)).toEqual([A, code, C]);
  });

  it('does not split a $$ display block that contains a blank line', () => {
    const display = '$$\n\\begin{aligned}\nx &= 2 + 3 \\\\\n\n&= 5\n\\end{aligned}\n$$';
    expect(splitSteps(`${A}\n\n${display}\n\n${C}`)).toEqual([A, display, C]);
  });

  it('splits normally around a display block without blank lines and between two blocks', () => {
    const d1 = '$$x = 1 + 1 + 1 + 1 + 1$$';
    const d2 = '$$y = 2 + 2 + 2 + 2 + 2$$';
    expect(splitSteps(`${d1}\n\n${B}\n\n${d2}`)).toEqual([d1, B, d2]);
  });

  it('an unclosed fence (truncated output) protects nothing', () => {
    const text = `\`\`\`python\nprint("a long enough line")\n\n${B}`;
    expect(splitSteps(text)).toEqual(['```python\nprint("a long enough line")', B]);
  });

  it('splits a Qwen2.5-Math style CoT into its paragraphs', () => {
    const cot =
      'To solve \\(2x + 3 = 11\\), we isolate \\(x\\).\n\n' +
      'Subtract 3 from both sides:\n\n' +
      '\\[\n2x = 8\n\\]\n\n' +
      'Divide both sides by 2:\n\n' +
      '\\[\nx = 4\n\\]\n\n' +
      'Therefore, the solution is \\(\\boxed{4}\\).';
    expect(splitSteps(cot)).toEqual([
      'To solve \\(2x + 3 = 11\\), we isolate \\(x\\).',
      'Subtract 3 from both sides:\n\n\\[\n2x = 8\n\\]',
      'Divide both sides by 2:\n\n\\[\nx = 4\n\\]',
      'Therefore, the solution is \\(\\boxed{4}\\).',
    ]);
  });
});

describe('splitSteps, reference rule (the default)', () => {
  it('is exactly text.split("\\n\\n"): pieces unstripped, empty pieces kept', () => {
    for (const text of [
      `${A}\n\n${B}`,
      `${A}\n\n\n${B}`,
      `${A}\n\n\n\n${B}`,
      `  ${A} \n\n $$x$$\n\n${C}\n\n`,
      `${A}\r\n\r\n${B}`,
      'a\n\n\n\n\n\nb',
    ]) {
      expect(split(text)).toEqual(text.split('\n\n'));
    }
    expect(split(`${A}\n\n\n\n${B}`)).toEqual([A, '', B]);
    expect(split(`${A}\n\n\n${B}`)).toEqual([A, `\n${B}`]);
  });

  it('gives a display equation its own step, as the reference does', () => {
    expect(split(`Subtract 3:\n\n$$2x = 8$$\n\n${C}`)).toEqual(['Subtract 3:', '$$2x = 8$$', C]);
  });

  it('has no steps for empty text only', () => {
    expect(split('')).toEqual([]);
    expect(split(' ')).toEqual([' ']);
  });

  it('stays linear on a degenerate 150k-character input', () => {
    const text = '\n\n'.repeat(75_000);
    const started = performance.now();
    expect(split(text)).toHaveLength(MAX_STEPS); // 75,001 pieces, capped (issue 27, item 8)
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

// Issue 27, item 8: 8 candidates of 2,000,000 `a\n\n` steps each stalled the event loop for seconds.
describe('a text of millions of steps', () => {
  const huge = 'a\n\n'.repeat(2_000_000);
  it.each(['reference', 'merge'] as const)('%s: at most MAX_STEPS steps, the rest kept whole in the last', (rule) => {
    const steps = split(huge, { split: rule, minChars: 1 });
    expect(steps.length).toBeLessThanOrEqual(MAX_STEPS);
    expect(steps.length).toBeGreaterThan(MAX_STEPS / 2);
    expect(steps.at(-1)!.length).toBeGreaterThan(1_000_000);
    if (rule === 'reference') expect(steps.join('\n\n')).toBe(huge);
  });
  it('a text under the bound splits exactly as text.split("\\n\\n")', () => {
    const text = 'one\n\ntwo\n\n\n\nthree\n\n';
    expect(split(text)).toEqual(text.split('\n\n'));
  });
});

describe('partSteps (what the PRM and the verifier score of one part)', () => {
  it('keeps the steps a part was split into', () => {
    expect(partSteps([A, B], `${A}\n\n${B}`)).toEqual([A, B]);
  });

  it('scores text without steps as one step', () => {
    expect(partSteps([], C)).toEqual([C]);
  });

  it('is null for an absent or blank part', () => {
    expect(partSteps([], '')).toBeNull();
    expect(partSteps([], ' \n ')).toBeNull();
  });
});
