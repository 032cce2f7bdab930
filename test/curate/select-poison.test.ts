import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectCommand } from '../../src/cli/select';
import { recipeFor } from '../../src/core/aggregate';
import { parseKeep } from '../../src/curate/keep';
import { runSelect } from '../../src/curate/run-select';
import { FAILURES_BEFORE_STOP } from '../../src/curate/score-pass';
import type { SelectSummary } from '../../src/curate/summary';
import { ScorerError } from '../../src/errors';
import type { Scorer } from '../../src/scorer/types';
import { countTags, startFakeVllm, type FakeVllm } from '../helpers/fake-vllm-pooling';

const row = (id: string, text: string) =>
  JSON.stringify({ id, problem: `Problem ${id}`, response: `${text}\n\nThe answer is \\boxed{${id}}.` });

describe('bestofn select: one row the scorer fails on fails alone', () => {
  let dir: string;
  let prm: FakeVllm;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-select-poison-'));
    // The poison row's answer is far over the 1 MiB answer cap below (a PRM answering per token, say).
    prm = await startFakeVllm({
      respond: (input) =>
        input.includes('POISON')
          ? Array.from({ length: 100_000 }, () => [0.123456789, 0.987654321])
          : Array.from({ length: countTags(input) }, () => [0.2, 0.8]),
    });
  });
  afterAll(async () => {
    await prm.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is reported by line in the summary, the report and on stderr, and the run and a rerun go on', async () => {
    const input = path.join(dir, 'in.jsonl');
    fs.writeFileSync(input, [row('1', 'First.'), row('2', 'POISON here.'), row('3', 'Third.')].join('\n') + '\n');
    const out = path.join(dir, 'kept.jsonl');
    const args = ['--input', input, '--out', out, '--scorer-url', prm.url, '--keep', 'top-k=1', '--concurrency', '2'];
    const env = { UPSTREAM_MAX_ANSWER_MB: '1', SCORER_RETRIES: '0', UPSTREAM_RETRIES: '0' };
    const stdout: string[] = [];
    const stderr: string[] = [];
    const io = { stdout: { write: (s: string) => stdout.push(s) }, stderr: { write: (s: string) => stderr.push(s) } };

    expect(await selectCommand(args, env, io)).toBe(0);
    expect(stderr.join('')).toMatch(
      /^bestofn select: line 2: the scorer failed on this row, which is skipped \(the run goes on; --restart scores it again\): scoring failed: remote scorer http:\/\/127\.0\.0\.1:\d+\/pooling answer is larger than 1048576 bytes\n/m,
    );
    expect(stderr.join('')).not.toMatch(/answering 503/);
    expect(stdout.join('')).toMatch(/^kept 2 of 3 rows \(0 malformed, 1 the scorer failed on, skipped\)/);
    const summary = JSON.parse(fs.readFileSync(path.join(dir, 'kept.summary.json'), 'utf8')) as SelectSummary;
    expect(summary.counts).toMatchObject({ read: 3, malformed: 0, failed: 1, scored: 2, kept: 2 });
    expect(summary.failed).toEqual([{ line: 2, error: expect.stringMatching(/^scoring failed: .*larger than/) }]);
    expect(fs.readFileSync(path.join(dir, 'kept.report.md'), 'utf8')).toMatch(
      /## Rows the scorer failed on \(skipped\)\n\n- line 2: scoring failed/,
    );
    const kept = fs
      .readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string });
    expect(kept.map((r) => r.id)).toEqual(['1', '3']);

    // The same command again: nothing left to score, the same selection, not a failure.
    const asked = prm.requests.length;
    stdout.length = 0;
    expect(await selectCommand(args, env, io)).toBe(0);
    expect(prm.requests.length).toBe(asked);
    expect(stdout.join('')).toMatch(/^kept 2 of 3 rows \(0 malformed, 1 the scorer failed on, skipped\)/);
  });

  const refusals: [number, string, RegExp][] = [
    [400, 'malformed input', /scorer_bad_response|answered 400: malformed input/],
    [413, 'request entity too large', /answered 413/],
    [422, 'input is invalid', /answered 422/],
    [
      400,
      "This model's maximum context length is 4096 tokens. However, you requested 9000 tokens.",
      /maximum context length/,
    ],
  ];
  it.each(refusals.map(([status, message, said], i) => [status, message, said, i] as const))(
    'a PRM answering %i for one row fails that row alone, and the rest are scored',
    async (status, message, said, i) => {
      const refusing = await startFakeVllm({
        reject: (inputs) => (inputs.some((i) => i.includes('REFUSED')) ? { status, message } : undefined),
      });
      try {
        const input = path.join(dir, `refused-${i}.jsonl`);
        fs.writeFileSync(input, [row('1', 'First.'), row('2', 'REFUSED here.'), row('3', 'Third.')].join('\n') + '\n');
        const out = path.join(dir, `refused-${i}-out.jsonl`);
        const stderr: string[] = [];
        const io = { stdout: { write: () => true }, stderr: { write: (s: string) => stderr.push(s) } };
        const code = await selectCommand(
          ['--input', input, '--out', out, '--scorer-url', refusing.url, '--keep', 'top-k=3', '--quiet'],
          { SCORER_RETRIES: '0', UPSTREAM_RETRIES: '0' },
          io,
        );
        expect(code, stderr.join('')).toBe(0);
        const summary = JSON.parse(fs.readFileSync(out.replace(/\.jsonl$/, '.summary.json'), 'utf8')) as SelectSummary;
        expect(summary.counts).toMatchObject({ read: 3, failed: 1, scored: 2 });
        expect(summary.failed).toEqual([{ line: 2, error: expect.stringMatching(said) }]);
      } finally {
        await refusing.close();
      }
    },
  );

  it('a scorer that is down still stops the run, which resumes where it stopped', async () => {
    const input = path.join(dir, 'down.jsonl');
    fs.writeFileSync(input, [row('1', 'First.'), row('2', 'Second.')].join('\n') + '\n');
    const stderr: string[] = [];
    const io = { stdout: { write: () => true }, stderr: { write: (s: string) => stderr.push(s) } };
    const code = await selectCommand(
      ['--input', input, '--out', path.join(dir, 'down-out.jsonl'), '--scorer-url', 'http://127.0.0.1:9', '--quiet'],
      { SCORER_RETRIES: '0', UPSTREAM_RETRIES: '0' },
      io,
    );
    expect(code).toBe(1);
    expect(fs.readFileSync(path.join(dir, 'down-out.scores.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
  });

  describe('a scorer that fails every row is the scorer’s fault, not the rows’', () => {
    /** Fails rows whose problem mentions POISON (or every row), as an answer the scorer cannot use. */
    const scorer = (all: boolean): Scorer => ({
      name: 'fake',
      score: async (r) => {
        if (all || r.problem.includes('POISON'))
          throw new ScorerError('remote scorer returned 9 rows for 2 steps', 'scorer_bad_response');
        return { scorer: 'fake', rewards: r.candidates.map(() => ({ thinking: null, response: [0.5] })) };
      },
    });
    const file = (name: string, problems: string[]) => {
      const input = path.join(dir, name);
      fs.writeFileSync(
        input,
        problems.map((p, i) => JSON.stringify({ problem: p, response: `r${i}` })).join('\n') + '\n',
      );
      return input;
    };
    const run = (input: string, all: boolean, concurrency: number) =>
      runSelect({
        input,
        out: input.replace(/\.jsonl$/, '-out.jsonl'),
        keep: parseKeep('top-k=1'),
        by: 'global',
        map: {},
        scorer: scorer(all),
        scorerId: 'fake',
        recipe: recipeFor('weighted', 'min', { thinkingWeight: 0.5, alpha: 1 }),
        concurrency,
        stderr: null,
      });
    const entries = (input: string) =>
      fs
        .readFileSync(input.replace(/\.jsonl$/, '-out.scores.jsonl'), 'utf8')
        .trim()
        .split('\n').length - 1;

    it(`stops after ${FAILURES_BEFORE_STOP} failures in a row, saving none of them`, async () => {
      const input = file(
        'all-fail.jsonl',
        Array.from({ length: 40 }, (_, i) => `p${i}`),
      );
      await expect(run(input, true, 4)).rejects.toThrow(
        new RegExp(
          `failed on ${FAILURES_BEFORE_STOP} rows in a row \\(lines 1–${FAILURES_BEFORE_STOP}\\).*run again to resume`,
        ),
      );
      expect(entries(input)).toBe(0);
    });

    it('stops at the end of a small file where no row was scored', async () => {
      const input = file('few-fail.jsonl', ['a', 'b', 'c']);
      await expect(run(input, true, 2)).rejects.toThrow(/failed on 3 rows in a row \(lines 1–3\)/);
      expect(entries(input)).toBe(0);
    });

    it('keeps a first-row failure once a later row is scored, one row at a time', async () => {
      const input = file('first-poison.jsonl', ['POISON', 'b', 'c']);
      const result = await run(input, false, 1);
      expect(result.summary!.counts).toMatchObject({ read: 3, failed: 1, scored: 2 });
      expect(result.summary!.failed.map((f) => f.line)).toEqual([1]);
    });
  });
});
