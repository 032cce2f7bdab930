import { describe, expect, it } from 'vitest';
import { headAndTail, pairMessages, selectMessages } from '../../src/core/judge-prompt';
import { parsePairVerdict, parseRating, parseSelectVerdict } from '../../src/core/judge-verdicts';
import { runKnockout } from '../../src/scorer/judge/knockout';

describe('parseSelectVerdict (GenSelect / USC)', () => {
  it.each<[string, number]>([
    ['Response 2 is complete.\n\nThe best response is Response 2', 1],
    ['The most consistent response is Response 3', 2],
    ['Judgment: 1', 0],
    ['**The best response is Response 4**', 3],
    ['Early on I thought Response 1. The best response is Response 2.', 1],
    ['[[3]]', 2],
    ['\\boxed{2}', 1],
  ])('%j → candidate %i', (text, want) => {
    expect(parseSelectVerdict(text, 4)).toEqual({ ok: true, value: want });
  });
  it.each<[string, RegExp]>([
    ['All of them are good.', /no verdict/],
    ["I'm sorry, I can't help with that.", /no verdict/],
    ['The best response is Response 5', /only 4 candidates/],
    ['The best response is Response 0', /only 4 candidates/],
  ])('%j is no verdict', (text, reason) => {
    const v = parseSelectVerdict(text, 4);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.reason).toMatch(reason);
  });
});

describe('parsePairVerdict (MT-Bench pairwise)', () => {
  it('reads [[A]], [[B]], [[C]], the last one written', () => {
    expect(parsePairVerdict('Assistant A is clearer. [[A]]')).toEqual({ ok: true, value: 'A' });
    expect(parsePairVerdict('[[B]]')).toEqual({ ok: true, value: 'B' });
    expect(parsePairVerdict('Equally good: [[C]]')).toEqual({ ok: true, value: 'tie' });
    expect(parsePairVerdict('Format: "[[A]]" or "[[B]]". My verdict: [[B]]')).toEqual({ ok: true, value: 'B' });
  });
  it('has no verdict for a missing or unknown label', () => {
    expect(parsePairVerdict('A is better').ok).toBe(false);
    expect(parsePairVerdict('[[D]]').ok).toBe(false);
  });
});

describe('parseRating (MT-Bench single answer)', () => {
  it('reads [[rating]] and Rating: n', () => {
    expect(parseRating('Good. Rating: [[8]]')).toEqual({ ok: true, value: 8 });
    expect(parseRating('[[7.5]]')).toEqual({ ok: true, value: 7.5 });
    expect(parseRating('Rating: 6')).toEqual({ ok: true, value: 6 });
  });
  it('refuses a rating off the scale or none', () => {
    expect(parseRating('[[11]]').ok).toBe(false);
    expect(parseRating('[[0]]').ok).toBe(false);
    expect(parseRating('Very good.').ok).toBe(false);
  });
});

describe('prompts', () => {
  it('label every candidate from 1 and ask for the verdict line', () => {
    const user = String(selectMessages('Q?', ['one', 'two']).at(-1)!.content);
    expect(user).toContain('Response 1:\none');
    expect(user).toContain('Response 2:\ntwo');
    expect(user).toMatch(/The best response is Response X/);
  });
  it('put A and B in the MT-Bench layout', () => {
    const user = String(pairMessages('Q?', 'left', 'right').at(-1)!.content);
    expect(user).toContain("[The Start of Assistant A's Answer]\nleft\n[The End of Assistant A's Answer]");
    expect(user).toContain("[The Start of Assistant B's Answer]\nright\n[The End of Assistant B's Answer]");
  });
  it('cut a long candidate to its head and tail, saying how much is missing', () => {
    const text = 'HEAD' + 'x'.repeat(10_000) + 'TAIL';
    const cut = headAndTail(text, 1000);
    expect(cut.startsWith('HEAD')).toBe(true);
    expect(cut.endsWith('TAIL')).toBe(true);
    expect(cut).toContain('[… 9008 characters omitted …]');
    expect(headAndTail('short', 1000)).toBe('short');
  });
});

describe('runKnockout', () => {
  it('a pair wins only when both orders agree; the winner reaches the last round', async () => {
    // Candidate 2 is better than everyone, in both orders.
    const b = await runKnockout(4, [0, 0, 0, 0], async (x, y) => {
      if (x === 2) return ['A', 'B'];
      if (y === 2) return ['B', 'A'];
      return ['A', 'B'];
    });
    expect(b.rounds).toBe(2);
    expect(b.reached[2]).toBe(2);
    expect(b.matches.filter((m) => m.tie)).toHaveLength(0);
  });
  it('a position-biased judge (always A) gives ties, which the vote share breaks', async () => {
    const b = await runKnockout(4, [0.25, 0.5, 0.25, 0], async () => ['A', 'A']);
    expect(b.matches.every((m) => m.tie)).toBe(true);
    expect(b.reached.indexOf(b.rounds)).toBe(1);
  });
  it('an odd candidate out has a bye', async () => {
    const b = await runKnockout(3, [0, 0, 0], async () => ['B', 'A']);
    expect(b.matches).toHaveLength(2);
    // The judge prefers the later candidate in both orders: 1 beats 0, then 2 (the bye) beats 1.
    expect(b.reached).toEqual([0, 1, 2]);
  });
});
