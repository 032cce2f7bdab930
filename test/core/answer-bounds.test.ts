import { describe, expect, it } from 'vitest';
import { toCandidateParts } from '../../src/core/anatomy';
import { extractAnswer, lastBoxed, MAX_ANSWER_CHARS, TAIL_CHARS } from '../../src/core/answer';
import { splitSteps } from '../../src/core/steps';

/**
 * CPU milliseconds per call, over enough calls to fill MIN_CPU_MS: the time this process ran, which
 * another process keeping a core busy does not add to (a wall clock counts the time spent waiting
 * for the core, which made a doubling ratio read 4.3 on a loaded machine). Least of three tries.
 */
const MIN_CPU_MS = 20;
function cpuMsPerCall(fn: () => unknown): number {
  let best = Infinity;
  for (let attempt = 0; attempt < 3; attempt++) {
    const start = process.cpuUsage();
    let calls = 0;
    let spent = 0;
    do {
      fn();
      calls++;
      const used = process.cpuUsage(start);
      spent = (used.user + used.system) / 1000;
    } while (spent < MIN_CPU_MS);
    best = Math.min(best, spent / calls);
    // A call this slow is far past any noise: another try would only make a failing run last minutes.
    if (best > 5 * MIN_CPU_MS) break;
  }
  return best;
}

// Outputs of reasoning models that looped until max_tokens, as the gateway really receives them.
const DEGENERATE: Record<string, (chars: number) => string> = {
  'repeated \\boxed{\\frac{1}{2}': (n) => '\\boxed{\\frac{1}{2}'.repeat(Math.ceil(n / 17)),
  'unclosed \\boxed{': (n) => '\\boxed{'.repeat(Math.ceil(n / 7)),
  '"answer" then spaces': (n) => 'answer' + ' '.repeat(n),
  '"answer is $" lines': (n) => ('The answer is $' + ' '.repeat(40) + '\n').repeat(Math.ceil(n / 56)),
  'blank lines of whitespace': (n) => ('\n' + ' '.repeat(200) + '\t').repeat(Math.ceil(n / 202)),
};

describe('answer extraction and step splitting grow linearly', () => {
  it.each(Object.entries(DEGENERATE))('%s: 8× the input costs well under 64× the CPU', (_name, make) => {
    const small = make(32 * 1024);
    const large = make(256 * 1024);
    const candidate = (text: string) => toCandidateParts({ content: text, reasoning_content: text });
    candidate(small); // warm up the JIT before measuring
    const ratio = cpuMsPerCall(() => candidate(large)) / cpuMsPerCall(() => candidate(small));
    // Linear code costs 8× (less where the tail bound caps it); quadratic code 64× (one unclosed box per
    // 7 characters, each scanned to the end, measured 15–19× per doubling twice). 22 lies midway (√(8·64)).
    expect(ratio).toBeLessThan(22);
  });

  it('a 1 MB degenerate candidate is answered from its tail', () => {
    for (const make of Object.values(DEGENERATE)) {
      const text = make(1024 * 1024) + ' So the final answer is \\boxed{7}.';
      expect(extractAnswer(text)).toBe('7');
    }
  });

  it('splits the same steps however long the text before them', () => {
    const text = ' '.repeat(100_000) + '\n\nFirst we add the numbers.\n\nThen we check the carry.';
    expect(splitSteps(text).slice(1)).toEqual(['First we add the numbers.', 'Then we check the carry.']);
    expect(splitSteps(text, { split: 'merge' })).toEqual(['First we add the numbers.', 'Then we check the carry.']);
  });
});

describe('what is scanned for the final answer', () => {
  it('searches only the last TAIL_CHARS: a box stated earlier than that is not the final answer', () => {
    const early = 'So \\boxed{5}. ' + 'x'.repeat(TAIL_CHARS);
    expect(extractAnswer(early)).toBeNull();
    expect(extractAnswer('x'.repeat(TAIL_CHARS) + ' So \\boxed{5}.')).toBe('5');
  });

  it('an answer longer than MAX_ANSWER_CHARS is none, and the one before it counts', () => {
    expect(lastBoxed(`\\boxed{1} then \\boxed{${'9'.repeat(MAX_ANSWER_CHARS + 1)}}`)).toBe('1');
    expect(extractAnswer(`The answer is ${'9'.repeat(MAX_ANSWER_CHARS + 1)}`)).toBeNull();
  });

  it('an empty \\boxed{} is no answer: the box before it, or none', () => {
    expect(extractAnswer('\\boxed{}')).toBeNull();
    expect(extractAnswer('\\boxed{ }')).toBeNull();
    expect(extractAnswer('First \\boxed{3}, then \\boxed{}')).toBe('3');
    expect(extractAnswer('\\boxed{} The answer is 4.')).toBe('4');
  });

  it('reads a box closed inside the tail even when many unclosed boxes come before it', () => {
    expect(extractAnswer('\\boxed{'.repeat(5000) + '\\boxed{\\frac{1}{2}}')).toBe('\\frac{1}{2}');
  });
});
