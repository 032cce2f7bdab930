import { describe, expect, it } from 'vitest';
import { jsonAnswer } from '../../src/core/answer-fallbacks';
import { literalEqual, literalKey, parseLiteral } from '../../src/core/literal';

describe('literalEqual: Python and JSON literals by value', () => {
  it.each<[string, string]>([
    ["'a'", '"a"'],
    ['[1, 2,]', '[1,2]'],
    ["{'b': 1, 'a': 2}", '{"a": 2, "b": 1}'],
    ['True', 'true'],
    ['None', 'null'],
    ['(1, 2)', '(1,2,)'],
    ['{3, 1, 2}', '{1, 2, 3}'],
    ["'it\\'s'", '"it\'s"'],
    ['[ -4, 4, 1, 0]', '[-4, 4, 1, 0]'],
    ["{'1': 'a', '1': 'b'}", "{'1': 'b'}"],
  ])('%s = %s', (a, b) => {
    expect(literalEqual(a, b)).toBe(true);
    expect(literalKey(a)).toBe(literalKey(b));
  });
  it.each<[string, string]>([
    ['(1, 2)', '[1, 2]'],
    ["'5'", '5'],
    ['(1,)', '1'],
    ["'a b'", "'ab'"],
    ['True', '1'],
    ["b'a'", "'a'"],
  ])('%s ≠ %s', (a, b) => {
    expect(literalEqual(a, b)).toBe(false);
  });
  it('is no literal for prose, code or an expression', () => {
    for (const s of ['hello world', 'f(3)', '1 + 2', "'unterminated", '[1, 2', '{1: 2, 3}'])
      expect(parseLiteral(s)).toBeNull();
  });
  it('leaves numbers and containers of numbers to the math key', () => {
    expect(literalKey('0.5')).toBeNull();
    expect(literalKey('(1, 2)')).toBeNull();
    expect(literalKey('[1, [2, 3]]')).toBeNull();
    expect(literalKey("[1, 'a']")).toBe('lit:[1,"a"]');
    expect(literalKey("'0.5'")).toBe('lit:"0.5"');
  });
  it('is bounded in depth', () => {
    expect(parseLiteral('['.repeat(10_000) + ']'.repeat(10_000))).toBeNull();
  });
});

describe('jsonAnswer wherever the JSON sits', () => {
  it.each<[string, string, string | null]>([
    ['whole text', '{"reasoning": "r", "answer": "[1, 2]"}', '[1, 2]'],
    ['fenced', 'Sure.\n```json\n{"reasoning": "r", "answer": "\'abc\'"}\n```', "'abc'"],
    ['after prose', 'Let me think. The result follows.\n{"reasoning": "x {y}", "answer": "(1, 2)"}\nDone.', '(1, 2)'],
    ['a non-string value', '{"answer": [1, 2]}', '[1,2]'],
    ['a boolean value', '```json\n{"answer": false}\n```', 'false'],
    [
      'broken JSON (an unescaped quote in the reasoning)',
      '```json\n{\n "reasoning": "it returns "ab" here",\n "answer": "\'ab\'"\n}\n```',
      "'ab'",
    ],
    ['a brace in LaTeX is not JSON', 'So $\\frac{1}{2}$ is the answer.', null],
    ['no answer key', '{"reasoning": "r"}', null],
  ])('%s', (_name, text, want) => {
    expect(jsonAnswer(text)).toBe(want);
  });
});
