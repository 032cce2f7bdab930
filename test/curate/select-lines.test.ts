import { recipeFor } from '../../src/core/aggregate';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/files/lines';
import { parseKeep } from '../../src/curate/keep';
import { runSelect } from '../../src/curate/run-select';
import type { Scorer } from '../../src/scorer/types';

/** Rewards from the response length, so the test checks line handling, not a model. */
const lengthScorer: Scorer = {
  name: 'length',
  score: async (r) => ({
    scorer: 'length',
    rewards: r.candidates.map((c) => ({ thinking: null, response: [c.response.length / 1000] })),
  }),
};

const row = (id: string, extra = '') =>
  `{"id":"${id}","problem":"What is 2 + 2?",${extra}"response":"The answer is \\\\boxed{4}, says ${id}."}`;

describe('bestofn select reads lines on \\n only, with a cap per line', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-select-lines-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a bare CR inside a row is whitespace, so later line numbers stay true; an oversized line is skipped by number', async () => {
    const input = path.join(dir, 'in.jsonl');
    // Line 2 holds a CR between fields (legal JSON whitespace); line 3 is over the cap; line 5 is not JSON.
    const lines = [
      row('a'),
      row('b', '\r'),
      row('c', `"pad":"${'x'.repeat(5000)}",`),
      row('d'),
      '{"id":"torn',
      row('e'),
    ];
    fs.writeFileSync(input, lines.join('\n') + '\n');
    const notices: string[] = [];
    const result = await runSelect({
      input,
      out: path.join(dir, 'out.jsonl'),
      keep: parseKeep('top-k=99'),
      by: 'global',
      map: {},
      scorer: lengthScorer,
      scorerId: 'length',
      recipe: recipeFor('weighted', 'min', { thinkingWeight: 0.5, alpha: 1 }),
      concurrency: 2,
      maxLineBytes: 4096,
      stderr: { write: (s: string) => notices.push(s) },
    });
    const s = result.summary!;
    expect(s.counts).toMatchObject({ read: 6, malformed: 2, scored: 4, kept: 4 });
    expect(s.malformed.map((m) => m.line)).toEqual([3, 5]);
    expect(s.malformed[0]!.error).toMatch(/over the line size limit/);
    const out = fs.readFileSync(path.join(dir, 'out.jsonl'), 'utf8').split('\n').filter(Boolean);
    expect(out.map((l) => JSON.parse(l).id)).toEqual(['a', 'b', 'd', 'e']);
    // The CR row is written with its own bytes, CR included.
    expect(out[1]!.startsWith(row('b', '\r').slice(0, -1))).toBe(true);
  });

  it('a UTF-8 byte order mark before the first row is not part of it: every row is scored and written without it', async () => {
    const input = path.join(dir, 'bom.jsonl');
    fs.writeFileSync(input, '\uFEFF' + [row('a'), row('b')].join('\n') + '\n');
    const result = await runSelect({
      input,
      out: path.join(dir, 'bom-out.jsonl'),
      keep: parseKeep('top-k=99'),
      by: 'global',
      map: {},
      scorer: lengthScorer,
      scorerId: 'length',
      recipe: recipeFor('weighted', 'min', { thinkingWeight: 0.5, alpha: 1 }),
      concurrency: 2,
      stderr: null,
    });
    expect(result.summary!.counts).toMatchObject({ read: 2, malformed: 0, scored: 2, kept: 2 });
    const out = fs.readFileSync(path.join(dir, 'bom-out.jsonl'), 'utf8').split('\n').filter(Boolean);
    expect(out.map((l) => JSON.parse(l).id)).toEqual(['a', 'b']);
    expect(out[0]!.startsWith('{"id":"a"')).toBe(true);
  });

  it('the splitter drops a byte order mark on line 1 only, whatever the chunking', () => {
    const text = Buffer.from('\uFEFFfirst\n\uFEFFsecond\n');
    for (let size = 1; size <= text.length; size++) {
      const s = new LineSplitter();
      const events = [];
      for (let at = 0; at < text.length; at += size) events.push(...s.push(text.subarray(at, at + size)));
      expect(events.map((e) => (e.kind === 'line' ? e.text : e.kind))).toEqual(['first', '\uFEFFsecond']);
      expect(events.map((e) => e.end)).toEqual([9, 19]);
    }
  });

  it('the splitter never assembles a line over the cap, at any chunking', () => {
    const text = Buffer.from(`short\n${'y'.repeat(100)}\nlast`);
    for (let size = 1; size <= text.length; size++) {
      const s = new LineSplitter(50);
      const events = [];
      for (let at = 0; at < text.length; at += size) events.push(...s.push(text.subarray(at, at + size)));
      events.push(s.end()!);
      expect(events).toEqual([
        { kind: 'line', line: 1, text: 'short', end: 6, terminated: true },
        { kind: 'oversized', line: 2, bytes: 100, end: 107 },
        { kind: 'line', line: 3, text: 'last', end: 111, terminated: false },
      ]);
    }
  });
});
