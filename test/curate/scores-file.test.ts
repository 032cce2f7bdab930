import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readEntries } from '../../src/curate/scores-file';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-scores-file-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const collect = async (file: string) => {
  const out = [];
  for await (const e of readEntries(file)) out.push(e);
  return out;
};

describe('readEntries', () => {
  it('names the line of a side file that is not a score entry, instead of a bare SyntaxError', async () => {
    const file = path.join(dir, 'kept.scores.jsonl');
    const entry = { line: 1, h: 'x', error: 'invalid JSON' };
    fs.writeFileSync(file, ['{"bestofn_scores":1}', JSON.stringify(entry), 'edited by hand', ''].join('\n'));
    await expect(collect(file)).rejects.toThrow(`${file}:3: not a score entry`);
    fs.writeFileSync(file, ['{"bestofn_scores":1}', JSON.stringify(entry), '{"no":"line"}', ''].join('\n'));
    await expect(collect(file)).rejects.toThrow(`${file}:3: not a score entry`);
    fs.writeFileSync(file, ['{"bestofn_scores":1}', JSON.stringify(entry), ''].join('\n'));
    expect(await collect(file)).toEqual([entry]);
  });
});
