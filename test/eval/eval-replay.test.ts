import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runEvalCommand } from '../../src/cli/eval';
import type { EvalReport } from '../../src/eval/report';
import type { ProblemResult } from '../../src/eval/results';
import { fixturePath } from '../helpers/fixture-path';

const POOL = fixturePath('data/bon-pool-qwen25-math-cot-100-n8.jsonl');
const lines = fs.readFileSync(POOL, 'utf8').trim().split('\n').slice(0, 10);
const rows = lines.map((l) => JSON.parse(l) as { idx: number; score: boolean[]; pred_score: number[][] });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-replay-eval-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const quiet = { write: () => true };

describe('bestofn eval --replay on 10 problems of the bon-pool', () => {
  it('writes results, report.json, report.md and accuracy.svg through a real gateway', async () => {
    const file = path.join(dir, 'pool10.jsonl');
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const out = path.join(dir, 'out');
    const stderr = {
      lines: [] as string[],
      isTTY: false,
      write(s: string) {
        this.lines.push(s);
      },
    };
    expect(await runEvalCommand(['--replay', file, '--out', out], {}, stderr, quiet)).toBe(0);

    const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')) as EvalReport;
    expect(report.config).toMatchObject({ ns: [1, 2, 4, 8], reward_source: 'pool', scorer: 'vote' });
    expect(report.counts).toMatchObject({ problems: 10, finished: 10, ok: 10, with_candidates: 10, candidates: 80 });
    const m = report.metrics;
    for (const k of [
      'accuracy',
      'pass@1',
      'pass@8',
      'maj@8',
      'weighted@8',
      'argmax@8',
      'bestofn@8',
      'maj@4',
      'argmax@2',
    ]) {
      expect(m[k], k).toBeGreaterThanOrEqual(0);
      expect(m[k], k).toBeLessThanOrEqual(1);
    }
    // The pool's own grades agree with gradeAnswer on these ten, so the oracle figures must match them.
    const passAt1 = rows.reduce((s, r) => s + r.score.filter(Boolean).length / r.score.length, 0) / rows.length;
    expect(m['pass@1']).toBeCloseTo(passAt1, 12);
    expect(m['pass@8']).toBeCloseTo(rows.filter((r) => r.score.some(Boolean)).length / rows.length, 12);
    expect(report.reference!['pass@1']).toBeCloseTo(passAt1, 12);
    // argmax@8 picks the pool's top pred_score candidate.
    const top = rows.filter((r) => {
      const s = r.pred_score.map((x) => x[0]!);
      return r.score[s.indexOf(Math.max(...s))];
    }).length;
    expect(m['argmax@8']).toBeCloseTo(top / rows.length, 12);
    expect(m['bestofn@8']).toBe(m.accuracy);

    const results = fs
      .readFileSync(path.join(out, 'results.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ProblemResult);
    expect(results.every((r) => r.bestofn!.candidates.every((c) => typeof c.pool_reward === 'number'))).toBe(true);

    const md = fs.readFileSync(path.join(out, 'report.md'), 'utf8');
    expect(md).toContain('| strategy (% correct) | N=1 | N=2 | N=4 | N=8 |');
    expect(md).toContain("## Beside the pool's own figures");
    const svg = fs.readFileSync(path.join(out, 'accuracy.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(5); // random, pass, maj, weighted, argmax
    expect(svg).toContain('bestofn@N (gateway pick)');

    // Resumed: nothing left to send, the same figures.
    expect(await runEvalCommand(['--replay', file, '--out', out], {}, stderr, quiet)).toBe(0);
    expect(stderr.lines.join('')).toContain('10 problems already finished');
    expect((JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')) as EvalReport).metrics).toEqual(m);
  });

  it('refuses more candidates than were recorded', async () => {
    const err = {
      lines: [] as string[],
      write(s: string) {
        this.lines.push(s);
      },
    };
    expect(
      await runEvalCommand(
        ['--replay', path.join(dir, 'pool10.jsonl'), '--out', path.join(dir, 'o2'), '--n', '4,16'],
        {},
        err,
        quiet,
      ),
    ).toBe(2);
    expect(err.lines.join('')).toMatch(/--n 16 exceeds the 8 candidates recorded/);
  });

  it('skips an odd record line by file:line, and evaluates the rest', async () => {
    const rec = (question: string, answers: string[]) =>
      JSON.stringify({
        request: { model: 'm', messages: [{ role: 'user', content: question }] },
        candidates: answers.map((a, index) => ({
          index,
          message: { role: 'assistant', content: `So \\boxed{${a}}.` },
          finish_reason: 'stop',
        })),
      });
    const file = path.join(dir, 'odd.jsonl');
    // Line 2 parses, but its candidate is null and its turn has no role: a record of another shape.
    const odd = JSON.stringify({ request: { messages: [{ content: 'x' }] }, candidates: [null] });
    fs.writeFileSync(
      file,
      [rec('What is 1 + 1?', ['2', '3']), odd, rec('What is 2 + 2?', ['4', '4'])].join('\n') + '\n',
    );
    const dataset = path.join(dir, 'odd-dataset.jsonl');
    fs.writeFileSync(
      dataset,
      [
        { problem: 'What is 1 + 1?', answer: '2' },
        { problem: 'What is 2 + 2?', answer: '4' },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n') + '\n',
    );
    const err = {
      lines: [] as string[],
      write(s: string) {
        this.lines.push(s);
      },
    };
    const out = path.join(dir, 'odd-out');
    expect(await runEvalCommand(['--replay', file, '--dataset', dataset, '--out', out], {}, err, quiet)).toBe(0);
    expect(err.lines.join('')).toContain(
      `eval: ${file}:2: not a usable bestofn record (request.messages[0].role: Invalid input: expected string, received undefined); skipped`,
    );
    const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')) as EvalReport;
    expect(report.counts).toMatchObject({ problems: 2, finished: 2 });
  });
});
