import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectCommand } from '../../src/cli/select';
import { countTags, startFakeVllm, type FakeVllm } from '../helpers/fake-vllm-pooling';

/** `bestofn select --shard i/k` then `--merge`, against a stand-in vLLM pooling server whose rewards vary by text. */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-select-shard-'));
/** What the last command printed. */
const io = { last: { out: '', err: '' } };
const quiet = () => {
  io.last = { out: '', err: '' };
  return { stdout: { write: (s: string) => (io.last.out += s) }, stderr: { write: (s: string) => (io.last.err += s) } };
};

// A reward per step from the text, so rows rank differently and top-k decides something.
const rewardOf = (text: string) => {
  let h = 7;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) % 1009;
  return 0.05 + (h / 1009) * 0.9;
};

function input(): string {
  const rows: string[] = [];
  for (let p = 0; p < 5; p++)
    for (let k = 0; k < 3; k++)
      rows.push(
        JSON.stringify({
          problem: `Problem ${p}: what is ${p} plus ${p * 2}?`,
          reasoning: `First I add ${p} and ${k} carefully here.\n\nThen I check the sum once more, attempt ${k}.`,
          response: `The answer is \\boxed{${p + k}}.`,
        }),
      );
  rows.splice(4, 0, '{"problem": "cut short', '');
  return rows.join('\n') + '\n';
}

describe('bestofn select --shard i/k and --merge', () => {
  let prm: FakeVllm;
  let file: string;
  const select = (args: string[]) =>
    selectCommand(['--input', file, '--scorer-url', prm.url, '--keep', 'top-k=1', '--quiet', ...args], {}, quiet());
  const read = (p: string) => fs.readFileSync(path.join(dir, p), 'utf8');
  const summary = (p: string) => {
    const { output, ...rest } = JSON.parse(read(p));
    return rest;
  };

  beforeAll(async () => {
    prm = await startFakeVllm({
      respond: (text) => Array.from({ length: countTags(text) }, (_, i) => [0, rewardOf(`${text}#${i}`)]),
    });
    file = path.join(dir, 'traces.jsonl');
    fs.writeFileSync(file, input());
  });
  afterAll(async () => {
    await prm.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('k = 1 and k = 3 select exactly what one unsharded run selects', async () => {
    expect(await select(['--out', path.join(dir, 'whole/kept.jsonl')])).toBe(0);
    const scoredWhole = prm.requests.length;

    expect(await select(['--shard', '0/1', '--out', path.join(dir, 'k1/s0/kept.jsonl')])).toBe(0);
    expect(io.last.out).toContain('shard 0/1: scored');
    expect(fs.existsSync(path.join(dir, 'k1/s0/kept.jsonl'))).toBe(false);
    expect(
      await select(['--merge', path.join(dir, 'k1/s0/kept.jsonl'), '--out', path.join(dir, 'k1/kept.jsonl')]),
    ).toBe(0);

    const before = prm.requests.length;
    for (const i of [1, 2, 0])
      expect(await select(['--shard', `${i}/3`, '--out', path.join(dir, `k3/s${i}/kept.jsonl`)])).toBe(0);
    // Every row is scored once over the three shards, none twice.
    expect(prm.requests.length - before).toBe(scoredWhole);
    const perShard = [0, 1, 2].map((i) => read(`k3/s${i}/kept.scores.jsonl`).trim().split('\n').length - 1);
    expect(perShard.reduce((a, b) => a + b)).toBe(16); // 15 rows and the malformed one
    // 17 lines split 6/6/5 by line number; the blank one has no entry.
    expect(Math.max(...perShard) - Math.min(...perShard)).toBeLessThanOrEqual(2);
    expect(
      await select([
        '--merge',
        [2, 0, 1].map((i) => path.join(dir, `k3/s${i}/kept.jsonl`)).join(','),
        '--out',
        path.join(dir, 'k3/kept.jsonl'),
      ]),
    ).toBe(0);
    expect(io.last.out).toContain('kept 5 of 16 rows from 3 shards (1 malformed, skipped)');

    for (const k of ['k1', 'k3']) {
      expect(read(`${k}/kept.jsonl`)).toBe(read('whole/kept.jsonl'));
      expect(read(`${k}/kept.scores.jsonl`)).toBe(read('whole/kept.scores.jsonl'));
      expect(summary(`${k}/kept.summary.json`)).toEqual(summary('whole/kept.summary.json'));
    }
    // The merged side file is a whole run's checkpoint: selecting again from it scores nothing.
    const now = prm.requests.length;
    expect(await select(['--keep', 'top-k=2', '--out', path.join(dir, 'k3/kept.jsonl')])).toBe(0);
    expect(prm.requests.length).toBe(now);
  });

  it('refuses to merge an unfinished, missing or foreign shard', async () => {
    expect(await select(['--shard', '0/2', '--max-rows', '2', '--out', path.join(dir, 'k2/s0/kept.jsonl')])).toBe(0);
    expect(await select(['--shard', '1/2', '--out', path.join(dir, 'k2/s1/kept.jsonl')])).toBe(0);
    const both = [0, 1].map((i) => path.join(dir, `k2/s${i}/kept.jsonl`)).join(',');
    expect(await select(['--merge', both, '--out', path.join(dir, 'k2/kept.jsonl')])).toBe(2);
    expect(io.last.err).toContain('has not finished scoring');
    expect(
      await select([
        '--merge',
        [0, 1].map((i) => path.join(dir, `k3/s${i}/kept.jsonl`)).join(','),
        '--out',
        path.join(dir, 'bad/kept.jsonl'),
      ]),
    ).toBe(2);
    expect(io.last.err).toContain('shard 2/3 missing');
    const other = path.join(dir, 'other.jsonl');
    fs.writeFileSync(other, input());
    expect(
      await selectCommand(
        ['--input', other, '--merge', path.join(dir, 'k1/s0/kept.jsonl'), '--out', path.join(dir, 'bad/kept.jsonl')],
        {},
        quiet(),
      ),
    ).toBe(2);
    expect(io.last.err).toMatch(/scored .*traces\.jsonl, not .*other\.jsonl/);
  });
});
