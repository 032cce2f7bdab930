import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { coverageWarning, decidesFor, REQUEST_KINDS } from '../../src/scorer/coverage';

describe('what decides, by request kind and scorer', () => {
  it('the README table says what decidesFor says', () => {
    const readme = fs.readFileSync('README.md', 'utf8');
    const table = readme.slice(readme.indexOf('<!-- decides -->'), readme.indexOf('<!-- /decides -->'));
    const rows = [...table.matchAll(/^\| ([a-zA-Z ]+) \| (\w+) \| (\w+) \| (\w+) \|$/gm)];
    expect(rows.map((r) => r[1])).toEqual([...REQUEST_KINDS]);
    for (const r of rows) {
      const kind = r[1] as (typeof REQUEST_KINDS)[number];
      expect([r[2], r[3], r[4]]).toEqual([
        decidesFor('vote', kind),
        decidesFor('onnx', kind),
        decidesFor('judge', kind),
      ]);
      for (const prm of ['confidence', 'remote', 'verifier'] as const) expect(decidesFor(prm, kind)).toBe(r[3]);
    }
  });

  it('warns at start-up that SCORER=vote cannot rank free text, and names the remedy', () => {
    expect(coverageWarning({ SCORER: 'vote' })).toMatch(/SCORER=vote cannot rank free text or code.*set JUDGE_MODEL/);
    expect(coverageWarning({ SCORER: 'vote', JUDGE_MODEL: 'm' })).toMatch(/only requests that send bestofn.judge/);
    expect(coverageWarning({ SCORER: 'judge', JUDGE_MODEL: 'm' })).toBeNull();
    expect(coverageWarning({ SCORER: 'onnx' })).toMatch(/outside its training/);
  });
});
