import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runEvalCommand } from '../../src/cli/eval';
import type { EvalReport } from '../../src/eval/report';
import type { ProblemResult } from '../../src/eval/results';
import { startFakeUpstream, type FakeChoice } from '../helpers/fake-upstream';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const PROBLEMS = [
  { unique_id: 'add', problem: 'What is 40 + 2?', answer: '42' },
  { unique_id: 'half', problem: 'What is 1/2 as a decimal?', answer: '0.5' },
  { unique_id: 'sub', problem: 'What is 10 - 3?', answer: '7' },
];
// Per problem, the boxed answer of candidate i (i = 0..3): 'add' has 3 of 4 right, 'half' 1 of 4
// (written as a fraction), 'sub' none.
const ANSWERS: Record<string, string[]> = {
  'What is 40 + 2?': ['42', '41', '42', '42'],
  'What is 1/2 as a decimal?': ['0.4', '\\frac{1}{2}', '0.4', '3'],
  'What is 10 - 3?': ['6', '6', '8', '13'],
};
const respond = (body: any, index: number): FakeChoice => ({
  content: `Thinking.\n\nSo the answer is $\\boxed{${ANSWERS[body.messages.at(-1).content]![index % 4]}}$.`,
});

const sink = () => {
  const lines: string[] = [];
  return { lines, isTTY: false, write: (s: string) => lines.push(s) };
};

const quiet = { write: () => true };
let dir: string;
let gw: TestGateway | undefined;
const setup = () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-eval-'));
  fs.writeFileSync(path.join(dir, 'data.jsonl'), PROBLEMS.map((p) => JSON.stringify(p)).join('\n') + '\n');
};
afterEach(async () => {
  await gw?.close();
  gw = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

const readJson = <T>(file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as T;
const results = () =>
  fs
    .readFileSync(path.join(dir, 'out', 'results.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as ProblemResult);

describe('bestofn eval against a gateway', () => {
  it('reports per-N metrics, and a rerun sends nothing for finished problems', async () => {
    setup();
    let failHalf = true;
    gw = await startTestGateway(
      { UPSTREAM_SUPPORTS_N: 'true', UPSTREAM_RETRIES: '0', BESTOFN_SELECT: 'majority' },
      {
        respond,
        fail: (body) => (failHalf && body.messages.at(-1).content.includes('1/2') ? { status: 500 } : null),
      },
    );
    const args = [
      '--dataset',
      path.join(dir, 'data.jsonl'),
      '--base-url',
      gw.url,
      '--model',
      'm',
      '--n',
      '1,2,4',
      '--out',
      path.join(dir, 'out'),
      '--concurrency',
      '2',
      '--retries',
      '0',
    ];

    const err1 = sink();
    expect(await runEvalCommand(args, {}, err1, quiet)).toBe(0);
    expect(gw.upstream.requests).toHaveLength(3);
    expect(gw.upstream.requests.every((b) => b.n === 4)).toBe(true);
    const first = results();
    expect(first.find((r) => r.id === 'half')).toMatchObject({ status: 'error', correct: false });
    expect(first.find((r) => r.id === 'add')!.bestofn!.candidates.map((c) => c.correct)).toEqual([
      true,
      false,
      true,
      true,
    ]);
    expect(readJson<EvalReport>(path.join(dir, 'out', 'report.json')).counts).toMatchObject({ finished: 3, errors: 1 });

    // The rerun sends only the failed problem.
    failHalf = false;
    const err2 = sink();
    expect(await runEvalCommand(args, {}, err2, quiet)).toBe(0);
    expect(gw.upstream.requests).toHaveLength(4);
    expect(gw.upstream.requests[3].messages.at(-1).content).toContain('1/2');
    expect(err2.lines.join('')).toContain('2 problems already finished');

    // And a third one sends nothing.
    expect(await runEvalCommand(args, {}, sink(), quiet)).toBe(0);
    expect(gw.upstream.requests).toHaveLength(4);

    const report = readJson<EvalReport>(path.join(dir, 'out', 'report.json'));
    expect(report.counts).toMatchObject({
      problems: 3,
      finished: 3,
      ok: 3,
      errors: 0,
      with_candidates: 3,
      candidates: 12,
    });
    expect(report.config).toMatchObject({ reward_source: 'gateway', scorer: 'vote', select: 'majority' });
    const m = report.metrics;
    // pass@1: (3/4 + 1/4 + 0) / 3; pass@4: add and half have a correct candidate.
    expect(m['pass@1']).toBeCloseTo(1 / 3, 12);
    expect(m['pass@4']).toBeCloseTo(2 / 3, 12);
    // maj@4: add → 42 (right); half → 0.4 (wrong); sub → 6 (wrong). The gateway's majority agrees.
    expect(m['maj@4']).toBeCloseTo(1 / 3, 12);
    expect(m['bestofn@4']).toBeCloseTo(1 / 3, 12);
    expect(m.accuracy).toBeCloseTo(1 / 3, 12);
    for (const v of Object.values(m)) expect(v >= 0 && v <= 1).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'out', 'report.md'), 'utf8')).toMatch(
      /\| maj@N \(majority vote\) \| 33\.3 \[[\d.]+, [\d.]+\] \|/,
    );
  });

  it('refuses an out directory holding a run with other settings', async () => {
    setup();
    gw = await startTestGateway({ UPSTREAM_SUPPORTS_N: 'true' }, { respond });
    const base = [
      '--dataset',
      path.join(dir, 'data.jsonl'),
      '--base-url',
      gw.url,
      '--model',
      'm',
      '--out',
      path.join(dir, 'out'),
      '--limit',
      '1',
    ];
    expect(await runEvalCommand([...base, '--n', '2'], {}, sink(), quiet)).toBe(0);
    const err = sink();
    expect(await runEvalCommand([...base, '--n', '4'], {}, err, quiet)).toBe(2);
    expect(err.lines.join('')).toMatch(/other settings \(max_n: 2 → 4\)/);
  });
});

describe('bestofn eval against a plain upstream', () => {
  it('grades the returned answer only', async () => {
    setup();
    const upstream = await startFakeUpstream({ respond });
    try {
      const out = path.join(dir, 'out');
      const code = await runEvalCommand(
        [
          '--dataset',
          path.join(dir, 'data.jsonl'),
          '--base-url',
          upstream.url,
          '--model',
          'm',
          '--n',
          '1',
          '--out',
          out,
        ],
        {},
        sink(),
        quiet,
      );
      expect(code).toBe(0);
      expect(upstream.requests.every((b) => b.best_of === undefined)).toBe(true);
      const report = readJson<EvalReport>(path.join(out, 'report.json'));
      // Choice 0 of each: 42 (right), 0.4 (wrong), 6 (wrong).
      expect(report.metrics).toEqual({ accuracy: 1 / 3 });
      expect(report.config.reward_source).toBe('none');
      expect(fs.readFileSync(path.join(out, 'accuracy.svg'), 'utf8')).toContain('returned answer');
    } finally {
      await upstream.close();
    }
  });

  it('exits 2 on bad usage', async () => {
    setup();
    const err = sink();
    expect(await runEvalCommand(['--dataset', 'math500'], {}, err, quiet)).toBe(2);
    expect(err.lines.join('')).toMatch(/--out DIR is required/);
    expect(
      await runEvalCommand(['--out', dir, '--replay', path.join(dir, 'data.jsonl'), '--bogus'], {}, sink(), quiet),
    ).toBe(2);
  });
});
