import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runEvalCommand } from '../../src/cli/eval';
import { loadProblems, parseProblems } from '../../src/eval/dataset';
import { graderFor } from '../../src/eval/grade';
import type { EvalReport } from '../../src/eval/report';
import type { ProblemResult } from '../../src/eval/results';
import type { FakeChoice } from '../helpers/fake-upstream';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const FIXTURE = path.resolve('test/fixtures/mmlu-style.jsonl');

describe('MMLU/GPQA-style rows', () => {
  it('list the options under the question and answer with a letter, however the row gives it', () => {
    const problems = loadProblems(FIXTURE);
    expect(problems.map((p) => p.answer)).toEqual(['B', 'C', 'C']);
    expect(problems[0]!.problem).toBe('Which planet is closest to the Sun?\n\nA. Venus\nB. Mercury\nC. Earth\nD. Mars');
    expect(problems[2]!.choices).toHaveLength(4);
  });

  it('refuse an answer that names no choice', () => {
    const row = JSON.stringify({ question: 'Q?', choices: ['x', 'y'], answer: 'E' });
    expect(() => parseProblems(row, 'rows.jsonl')).toThrow(/rows.jsonl:1: answer "E" is not a letter/);
  });

  it('grade by letter, from any form the answer is written in', () => {
    const g = graderFor(loadProblems(FIXTURE)[0]!);
    expect(g.grade(g.read({ content: 'Mercury orbits closest, so the answer is (B).' }))).toBe(true);
    expect(g.grade(g.read({ content: '**B**' }))).toBe(true);
    expect(g.grade(g.read({ content: 'The answer is Mercury.' }))).toBe(true);
    expect(g.grade(g.read({ content: 'Answer: A' }))).toBe(false);
    expect(g.grade(g.read({ content: 'Hard to say.' }))).toBe(false);
  });
});

// Per problem, what candidate i (0..3) answers: letters in mixed forms, 3 of 4 right, 2 of 4, 0 of 4.
const FORMS: Record<string, string[]> = {
  'Which planet': ['B', 'Answer: (B)', 'A', '\\boxed{B}'],
  'What is 7': ['Option C is correct.', 'D', '**C**', 'D'],
  'Which gas': ['A', 'A', 'Oxygen', 'B) Nitrogen'],
};
const respond = (body: any, index: number): FakeChoice => {
  const user: string = body.messages.at(-1).content;
  const key = Object.keys(FORMS).find((k) => user.startsWith(k))!;
  return { content: `Let me think.\n\n${FORMS[key]![index % 4]}` };
};

let dir: string | undefined;
let gw: TestGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('bestofn eval on multiple choice', () => {
  it('reports them like math datasets, graded by letter', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-mc-'));
    dir = out;
    gw = await startTestGateway({ UPSTREAM_SUPPORTS_N: 'true', BESTOFN_SELECT: 'majority' }, { respond });
    const args = ['--dataset', FIXTURE, '--base-url', gw.url, '--model', 'm', '--n', '1,4', '--out', out];
    expect(await runEvalCommand(args, {}, { isTTY: false, write: () => true }, { write: () => true })).toBe(0);
    const results = fs
      .readFileSync(path.join(out, 'results.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as ProblemResult);
    const byId = new Map(results.map((r) => [r.id, r]));
    expect(byId.get('mc-letter')!.bestofn!.candidates.map((c) => [c.answer, c.correct])).toEqual([
      ['B', true],
      ['B', true],
      ['A', false],
      ['B', true],
    ]);
    expect(byId.get('mc-letter')!.correct).toBe(true);
    expect(byId.get('mc-text')!.bestofn!.candidates.map((c) => c.answer)).toEqual(['A', 'A', 'A', 'B']);
    const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')) as EvalReport;
    expect(report.counts).toMatchObject({ problems: 3, finished: 3 });
  });
});
