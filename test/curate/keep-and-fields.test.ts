import { describe, expect, it } from 'vitest';
import { extractTrace, parseFieldMap, RowError } from '../../src/curate/fields';
import { groupMembers, keepGroup, parseKeep } from '../../src/curate/keep';

const kept = (rewards: number[], members: number[], spec: string) => {
  const keep = new Uint8Array(rewards.length);
  keepGroup(rewards, members, parseKeep(spec), keep);
  return [...keep.keys()].filter((i) => keep[i]);
};

describe('keep policies', () => {
  const r = [0.2, 0.9, NaN, 0.5, 0.9, 0.1];
  const all = r.map((_, i) => i);
  it('top-k keeps the k best, earlier rows first on ties, never an unscored row', () => {
    expect(kept(r, all, 'top-k=1')).toEqual([1]);
    expect(kept(r, all, 'top-k=3')).toEqual([1, 3, 4]);
    expect(kept(r, all, 'top-k=99')).toEqual([0, 1, 3, 4, 5]);
  });
  it('top-p keeps ceil(p × scored rows)', () => {
    expect(kept(r, all, 'top-p=0.4')).toEqual([1, 4]);
    expect(kept(r, all, 'top-p=0.41')).toEqual([1, 3, 4]);
    expect(kept(r, [5], 'top-p=0.01')).toEqual([5]);
  });
  it('threshold keeps rewards at or above it', () => {
    expect(kept(r, all, 'threshold=0.5')).toEqual([1, 3, 4]);
  });
  it('applies within groups', () => {
    const groups = groupMembers([0, 0, 1, 1, 0, 1], 2);
    expect(groups).toEqual([
      [0, 1, 4],
      [2, 3, 5],
    ]);
    const keep = new Uint8Array(6);
    for (const g of groups) keepGroup(r, g, parseKeep('top-k=1'), keep);
    expect([...keep]).toEqual([0, 1, 0, 1, 0, 0]);
  });
  it.each(['top-k=0', 'top-k=1.5', 'top-p=0', 'top-p=1.2', 'threshold=x', 'best=3', ''])('refuses %j', (spec) => {
    expect(() => parseKeep(spec)).toThrow(/--keep expects/);
  });
});

describe('trace fields', () => {
  it('finds the R1 distillation names by alias', () => {
    expect(
      extractTrace({ question: 'Q?', deepseek_reasoning: 'think', deepseek_solution: 'sol', data_source: 'r1' }, {}),
    ).toEqual({ problem: 'Q?', reasoning: 'think', response: 'sol', source: 'r1' });
    expect(extractTrace({ prompt: 'Q?', completion: '<think>t</think>a' }, {})).toEqual({
      problem: 'Q?',
      reasoning: null,
      response: '<think>t</think>a',
      source: null,
    });
  });
  it('never takes a reference `answer` or `solution` for the response unless mapped', () => {
    expect(extractTrace({ problem: 'Q', answer: '42', output: 'so 42' }, {}).response).toBe('so 42');
    expect(() => extractTrace({ problem: 'Q', answer: '42', solution: 'ref' }, {})).toThrow(/no response/);
    expect(extractTrace({ problem: 'Q', answer: '42' }, { response: 'answer' }).response).toBe('42');
  });
  it('follows --map, dotted paths included', () => {
    const map = parseFieldMap('problem=q, response=gens.1,source=meta.model');
    expect(extractTrace({ q: 'Q', gens: ['a', 'b'], meta: { model: 'gemini' } }, map)).toEqual({
      problem: 'Q',
      reasoning: null,
      response: 'b',
      source: 'gemini',
    });
    expect(() => extractTrace({ q: 'Q' }, map)).toThrow(/no field 'gens.1'/);
  });
  it('reads chat rows and Stratos thought markers', () => {
    const row = {
      conversations: [
        { from: 'human', value: 'Q' },
        {
          from: 'gpt',
          value: '<|begin_of_thought|>\nthink\n<|end_of_thought|>\n\n<|begin_of_solution|>\nsol\n<|end_of_solution|>',
        },
      ],
    };
    expect(extractTrace(row, {})).toEqual({ problem: 'Q', reasoning: 'think', response: 'sol', source: null });
    expect(
      extractTrace(
        {
          messages: [
            { role: 'user', content: 'Q' },
            { role: 'assistant', content: 'A' },
          ],
        },
        {},
      ).response,
    ).toBe('A');
  });
  it.each([
    [[1], /not a JSON object/],
    [{ response: 'a' }, /no problem/],
    [{ problem: 'Q' }, /no response/],
    [
      { problem: 'Q', generations: ['a'], response: ['a', 'b'] },
      /an array, not text; map one element, e.g. --map response=response.0/,
    ],
    [{ problem: 'Q', response: ' ', reasoning: '' }, /nothing to score/],
  ])('explains what is wrong with %j', (row, message) => {
    expect(() => extractTrace(row, {})).toThrow(RowError);
    expect(() => extractTrace(row, {})).toThrow(message);
  });
  it('refuses a bad --map', () => {
    expect(() => parseFieldMap('answer=x')).toThrow(/field one of problem, reasoning, response, source/);
    expect(() => parseFieldMap('problem')).toThrow(/field=name/);
  });
});
