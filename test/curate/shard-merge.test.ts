import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mergeShardScores } from '../../src/curate/shard-merge';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-shard-merge-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('mergeShardScores reads shard markers as outside data', () => {
  it('names a marker that is not JSON (a shard killed while writing it) and what to do', async () => {
    const stem = path.join(dir, 'part0');
    fs.writeFileSync(`${stem}.shard.json`, '{"bestofn_scores":');
    const input = path.join(dir, 'in.jsonl');
    fs.writeFileSync(input, '{}\n');
    await expect(mergeShardScores([stem], input, path.join(dir, 'merged.scores.jsonl'))).rejects.toThrow(
      `${stem}.shard.json is not JSON (`,
    );
  });
});
