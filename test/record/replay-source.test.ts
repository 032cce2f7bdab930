import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadReplaySource, parseReplaySource, promptKey } from '../../src/record/replay-source';
import type { RecordEntry } from '../../src/record/record-entry';
import { fixturePath } from '../helpers/fixture-path';

const POOL = fixturePath('data/bon-pool-qwen25-math-cot-100-n8.jsonl');

const record = (content: string, answers: string[]): RecordEntry => ({
  time: '2025-01-01T00:00:00.000Z',
  request: {
    model: 'qwen',
    messages: [
      { role: 'system', content: 'sys' },
      { role: 'user', content },
    ],
  },
  problem: content,
  options: { n: answers.length, k: 1, select: 'argmax', aggregate: 'min', temperature: 0.7 },
  scorer: 'vote',
  selected: [0],
  candidates: [
    ...answers.map((a, index) => ({
      index,
      message: { role: 'assistant', content: `\\boxed{${a}}`, reasoning_content: `think ${index}` },
      finish_reason: 'stop',
      answer: a,
      reward: 0.5 + index / 10,
      step_rewards: { thinking: null, response: [0.5] },
    })),
    { index: answers.length, error: { status: 504, message: 'deadline', code: 'deadline' } },
  ],
  usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
});

describe('replay sources', () => {
  it('loads the shared bon-pool directly: question as key, responses as candidates, pred_score as reward', () => {
    const source = loadReplaySource(POOL);
    const rows = fs
      .readFileSync(POOL, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(source.items.size).toBe(rows.length);
    const row = rows[3];
    const item = source.items.get(promptKey(row.question))!;
    expect(item.id).toBe(String(row.idx));
    expect(item.gt).toBe(row.gt);
    expect(item.candidates.map((c) => c.content)).toEqual(row.response);
    expect(item.pred).toEqual(row.pred);
    expect(item.score).toEqual(row.score);
    // The ORM's logit, as a probability.
    expect(item.candidates[2]!.reward).toBeCloseTo(1 / (1 + Math.exp(-row.pred_score[2][0])), 12);
  });

  it('loads gateway records: last user message as key, failed candidates skipped, reasoning kept', () => {
    const text = [record('What is  40 + 2?', ['42', '41']), record('Other', ['1'])]
      .map((e) => JSON.stringify(e))
      .join('\n');
    const source = parseReplaySource(text, 'rec.jsonl');
    expect(source.models).toEqual(['qwen']);
    const item = source.items.get(promptKey('What is 40 +\n2? '))!;
    expect(item.candidates).toEqual([
      { content: '\\boxed{42}', reasoning_content: 'think 0', finish_reason: 'stop', reward: 0.5 },
      { content: '\\boxed{41}', reasoning_content: 'think 1', finish_reason: 'stop', reward: 0.6 },
    ]);
    expect(item.gt).toBeUndefined();
  });

  it('appends the candidates of a prompt recorded twice', () => {
    const text = [record('Q', ['1', '2']), record('Q', ['3'])].map((e) => JSON.stringify(e)).join('\n');
    expect(
      parseReplaySource(text, 'rec.jsonl')
        .items.get('Q')!
        .candidates.map((c) => c.content),
    ).toEqual(['\\boxed{1}', '\\boxed{2}', '\\boxed{3}']);
  });

  it('names the line it cannot read', () => {
    expect(() => parseReplaySource('{"question":"q","response":["a"]}\n{"foo":1}\n', 'x.jsonl')).toThrow(
      /x\.jsonl:2: neither/,
    );
    expect(() => parseReplaySource('nope', 'x.jsonl')).toThrow(/x\.jsonl:1: not JSON/);
  });

  it('skips a record line of another shape as file:line when reading a file, and refuses it in a string', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-replay-source-'));
    try {
      const file = path.join(dir, 'rec.jsonl');
      const odd = { ...record('Odd', ['1']), candidates: [null] };
      fs.writeFileSync(file, [record('Q', ['1']), odd].map((e) => JSON.stringify(e)).join('\n') + '\n');
      const skipped: string[] = [];
      const source = loadReplaySource(file, (m) => skipped.push(m));
      expect([...source.items.keys()]).toEqual(['Q']);
      expect(skipped).toEqual([
        `${file}:2: not a usable bestofn record (candidates[0]: Invalid input: expected object, received null); skipped`,
      ]);
      expect(() => parseReplaySource(fs.readFileSync(file, 'utf8'), 'rec.jsonl')).toThrow(
        /^rec\.jsonl:2: not a usable bestofn record \(candidates\[0\]/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
