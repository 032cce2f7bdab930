import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runEvalCommand } from '../../src/cli/eval';
import type { EvalReport } from '../../src/eval/report';
import { fixturePath } from '../helpers/fixture-path';

const POOL = fixturePath('data/bon-pool-qwen25-math-cot-100-n8.jsonl');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-eval-shard-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const quiet = { write: () => true };

function captured() {
  return {
    text: '',
    isTTY: false,
    write(s: string) {
      this.text += s;
      return true;
    },
  };
}
/** The report without the moment it was written. */
const comparable = (out: string) => {
  const { generated_at, ...rest } = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')) as EvalReport;
  return rest;
};
const resultIds = (out: string) =>
  fs
    .readFileSync(path.join(out, 'results.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l).id);

describe('bestofn eval --shard i/k and --merge', () => {
  const file = path.join(dir, 'pool11.jsonl');
  fs.writeFileSync(file, fs.readFileSync(POOL, 'utf8').trim().split('\n').slice(0, 11).join('\n') + '\n');
  const evalShard = (shard: string, out: string) =>
    runEvalCommand(['--replay', file, '--shard', shard, '--out', path.join(dir, out)], {}, quiet, quiet);

  it('k = 1, k = 3 and an unsharded run give the same report', async () => {
    expect(await runEvalCommand(['--replay', file, '--out', path.join(dir, 'whole')], {}, quiet, quiet)).toBe(0);

    expect(await evalShard('0/1', 'k1-0')).toBe(0);
    expect(
      await runEvalCommand(['--merge', path.join(dir, 'k1-0'), '--out', path.join(dir, 'k1')], {}, quiet, quiet),
    ).toBe(0);

    // Shards given out of order, as a job's pods finish.
    for (const i of [2, 0, 1]) expect(await evalShard(`${i}/3`, `k3-${i}`)).toBe(0);
    // 11 problems round-robin: 4, 4 and 3.
    expect([0, 1, 2].map((i) => resultIds(path.join(dir, `k3-${i}`)).length)).toEqual([4, 4, 3]);
    const md = captured();
    expect(
      await runEvalCommand(
        ['--merge', ['k3-2', 'k3-0', 'k3-1'].map((d) => path.join(dir, d)).join(','), '--out', path.join(dir, 'k3')],
        {},
        quiet,
        md,
      ),
    ).toBe(0);

    const whole = comparable(path.join(dir, 'whole'));
    expect(whole.counts).toMatchObject({ problems: 11, finished: 11 });
    expect(comparable(path.join(dir, 'k1'))).toEqual(whole);
    expect(comparable(path.join(dir, 'k3'))).toEqual(whole);
    // The merged results are the same problems, in the dataset's order (a live run writes them as they finish).
    const inFile = fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => String(JSON.parse(l).idx));
    expect(resultIds(path.join(dir, 'k3'))).toEqual(inFile);
    expect([...resultIds(path.join(dir, 'whole'))].sort()).toEqual([...inFile].sort());
    expect(md.text).toBe(fs.readFileSync(path.join(dir, 'k3', 'report.md'), 'utf8'));
  });

  it('refuses a merge with a shard missing or given twice, and a directory reused for another shard', async () => {
    const err = captured();
    expect(
      await runEvalCommand(
        ['--merge', [0, 1].map((i) => path.join(dir, `k3-${i}`)).join(','), '--out', path.join(dir, 'bad')],
        {},
        err,
        quiet,
      ),
    ).toBe(2);
    expect(err.text).toContain('shard 2/3 missing');
    expect(
      await runEvalCommand(
        ['--merge', [0, 0, 1, 2].map((i) => path.join(dir, `k3-${i}`)).join(','), '--out', path.join(dir, 'bad')],
        {},
        err,
        quiet,
      ),
    ).toBe(2);
    expect(err.text).toContain('are both shard 0/3');
    expect(
      await runEvalCommand(['--replay', file, '--shard', '1/3', '--out', path.join(dir, 'k3-0')], {}, err, quiet),
    ).toBe(2);
    expect(err.text).toContain('holds shard 0/3, not 1/3');
    expect(
      await runEvalCommand(['--replay', file, '--shard', '3/3', '--out', path.join(dir, 'x')], {}, err, quiet),
    ).toBe(2);
    // A shard that has not finished (here: its results cut to one line, as if killed) is refused.
    fs.mkdirSync(path.join(dir, 'partial'));
    for (const i of [0, 1, 2])
      fs.cpSync(path.join(dir, `k3-${i}`), path.join(dir, `partial/${i}`), { recursive: true });
    const results = path.join(dir, 'partial/1/results.jsonl');
    fs.writeFileSync(results, fs.readFileSync(results, 'utf8').split('\n')[0] + '\n');
    expect(
      await runEvalCommand(
        ['--merge', [0, 1, 2].map((i) => path.join(dir, `partial/${i}`)).join(','), '--out', path.join(dir, 'bad')],
        {},
        err,
        quiet,
      ),
    ).toBe(2);
    expect(err.text).toMatch(/shard 1\/3 .* has 3 of its 4 problems without a result/);
  });
});
