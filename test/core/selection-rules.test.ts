import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { rankCandidates } from '../../src/core/rank';
import { SELECT_METHODS, SELECTION_RULES, type SelectMethod } from '../../src/core/selection-rules';
import { metricValues, problemValue, STRATEGIES } from '../../src/eval/metrics';

/**
 * Three answers, each the winner of one rule: 'a' is the most frequent (majority), 'b' has the largest
 * reward sum (weighted_vote), 'c' the single highest reward (argmax).
 */
const POOL = [
  { index: 0, answer: 'a', reward: 0.1 },
  { index: 1, answer: 'a', reward: 0.1 },
  { index: 2, answer: 'a', reward: 0.1 },
  { index: 3, answer: 'b', reward: 0.6 },
  { index: 4, answer: 'b', reward: 0.6 },
  { index: 5, answer: 'c', reward: 0.9 },
];
const WINNER: Record<SelectMethod, string> = { majority: 'a', weighted_vote: 'b', argmax: 'c' };

describe('SELECTION_RULES', () => {
  it('names the rules once: the config enum, the request controls and the eval use these names', () => {
    expect(SELECT_METHODS).toEqual(Object.keys(SELECTION_RULES));
    for (const name of SELECT_METHODS) {
      expect(parseConfig({ UPSTREAM_BASE_URL: 'http://u.test/v1', BESTOFN_SELECT: name }).BESTOFN_SELECT).toBe(name);
      expect(STRATEGIES).toContain(name);
    }
    expect(() => parseConfig({ UPSTREAM_BASE_URL: 'http://u.test/v1', BESTOFN_SELECT: 'maj' })).toThrow();
  });

  it('ranks one request as the eval scores it, rule by rule', () => {
    for (const name of SELECT_METHODS) {
      expect(rankCandidates(POOL, name)[0]!.answer, name).toBe(WINNER[name]);
      // The eval scores the rule's pick as correct exactly when the correct answer is the one ranking picks.
      for (const correct of ['a', 'b', 'c']) {
        const cands = POOL.map((c) => ({ key: c.answer, correct: c.answer === correct, reward: c.reward }));
        const value = problemValue(name, cands, POOL.length, 'p', { draws: 1, seed: 0 });
        expect(value, `${name}, ${correct} correct`).toBe(correct === WINNER[name] ? 1 : 0);
      }
    }
  });

  it('keeps the report names report.json has always used (maj@N, weighted@N, argmax@N)', () => {
    const cands = POOL.map((c) => ({ key: c.answer, correct: c.answer === 'a', reward: c.reward }));
    const keys = Object.keys(
      metricValues([{ id: 'p', correct: true, candidates: cands }], { ns: [6], draws: 1, seed: 0 }),
    );
    for (const rule of Object.values(SELECTION_RULES)) expect(keys).toContain(`${rule.reportKey}@6`);
    expect(keys.filter((k) => k.startsWith('majority') || k.startsWith('weighted_vote'))).toEqual([]);
  });
});
