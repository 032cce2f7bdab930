import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { boundRecord, cutMark } from '../../src/record/record-bounds';
import { createJsonlRecorder } from '../../src/record/jsonl-recorder';
import type { RecordEntry } from '../../src/record/record-entry';

/** Issue 27, item 7: 8 × 30 MiB answers wrote a 251 MB RECORD line. The texts are cut, marked, and the line stays JSON. */
const entry = (texts: { content?: string; reasoning_content?: string }[]): RecordEntry => ({
  time: '2026-01-01T00:00:00.000Z',
  request: { model: 'm', messages: [{ role: 'user', content: 'q' }] },
  problem: 'q',
  options: { n: texts.length + 1, k: 1, select: 'argmax', aggregate: 'min', temperature: null },
  scorer: 'vote',
  selected: [0],
  candidates: [
    ...texts.map((t, index) => ({ index, message: { role: 'assistant', ...t }, answer: '42', reward: null })),
    { index: texts.length, error: { status: 502, message: 'gone', code: 'bad_upstream_response' } },
  ],
  usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
});

describe('boundRecord', () => {
  it('leaves an entry within the bound as it is', () => {
    const e = entry([{ content: 'a'.repeat(100) }, { content: 'b'.repeat(100) }]);
    expect(boundRecord(e, 200)).toBe(e);
  });

  it('keeps the short texts whole and cuts the long ones to share the rest, marked, with their lengths', () => {
    const e = entry([
      { content: 'a'.repeat(10) },
      { content: 'b'.repeat(1000) },
      { reasoning_content: 'c'.repeat(5000) },
    ]);
    const bounded = boundRecord(e, 2000);
    const [a, b, c, failed] = bounded.candidates;
    expect(a).toBe(e.candidates[0]);
    expect(b!.message!.content).toBe('b'.repeat(995) + cutMark(1000));
    expect(b!.cut).toEqual({ content: 1000 });
    expect(c!.message!.reasoning_content).toBe('c'.repeat(995) + cutMark(5000));
    expect(c!.cut).toEqual({ reasoning_content: 5000 });
    expect(failed).toEqual(e.candidates[3]);
    // The entry given is not changed: the caller may still use it.
    expect(e.candidates[1]!.message!.content).toHaveLength(1000);
  });
});

describe('the RECORD file', () => {
  it('writes one valid JSON line within RECORD_MAX_TEXT_MB for candidates far over it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-record-bounds-'));
    const file = path.join(dir, 'record.jsonl');
    const errors: Error[] = [];
    const recorder = createJsonlRecorder(file, (err) => errors.push(err), { maxTextChars: 64 * 1024 });
    try {
      recorder.record(entry(Array.from({ length: 8 }, () => ({ content: 'x'.repeat(1024 * 1024) }))));
      await recorder.close();
      const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
      expect(errors).toEqual([]);
      expect(lines).toHaveLength(1);
      expect(lines[0]!.length).toBeLessThan(70 * 1024);
      const row = JSON.parse(lines[0]!) as RecordEntry;
      for (const c of row.candidates.slice(0, 8)) {
        expect(c.cut).toEqual({ content: 1024 * 1024 });
        expect(c.message!.content).toBe('x'.repeat(8192) + cutMark(1024 * 1024));
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
