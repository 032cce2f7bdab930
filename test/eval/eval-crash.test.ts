import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEvalCommand } from '../../src/cli/eval';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * `bestofn eval` killed with SIGKILL mid-run (the real CLI), a results line cut in half, and a torn
 * run.json: the resumed run sends exactly the problems without a whole result, and ends with one whole
 * line per problem.
 */
const PROBLEMS = Array.from({ length: 40 }, (_, i) => ({
  unique_id: `p${i}`,
  problem: `What is ${i} + 1?`,
  answer: String(i + 1),
}));
const quiet = { write: () => true };
const sink = () => {
  const lines: string[] = [];
  return { lines, isTTY: false, write: (s: string) => lines.push(s) };
};

describe('bestofn eval survives SIGKILL and torn files', () => {
  let gw: TestGateway;
  let dir: string;
  let data: string;
  const args = (out: string) => [
    '--dataset',
    data,
    '--base-url',
    gw.url,
    '--model',
    'm',
    '--n',
    '1,2',
    '--out',
    out,
    '--concurrency',
    '4',
    '--retries',
    '0',
  ];
  const lines = (out: string) => fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8').split('\n').filter(Boolean);
  const sentIds = () => gw.upstream.requests.map((b) => b.messages.at(-1).content as string);

  beforeAll(async () => {
    gw = await startTestGateway({ UPSTREAM_SUPPORTS_N: 'true' }, { latencyMs: 40 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-eval-crash-'));
    data = path.join(dir, 'data.jsonl');
    fs.writeFileSync(data, PROBLEMS.map((p) => JSON.stringify(p)).join('\n') + '\n');
  });
  afterAll(async () => {
    await gw.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('SIGKILL mid-run, then a resume: every problem once, none sent twice that had a result', async () => {
    const out = path.join(dir, 'killed');
    const child = spawn(process.execPath, ['tools/dev.mjs', 'eval', ...args(out)], {
      env: { PATH: process.env.PATH! },
      stdio: 'ignore',
    });
    const results = path.join(out, 'results.jsonl');
    while (!fs.existsSync(results) || lines(out).length < 8) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const before = lines(out).map((l) => JSON.parse(l).id as string);
    expect(before.length).toBeLessThan(40);
    // Cut the last result in half, as a kill in the middle of its write would.
    const text = fs.readFileSync(results, 'utf8');
    fs.writeFileSync(results, text.slice(0, text.length - 40));
    const torn = before.pop()!;

    const sentBefore = gw.upstream.requests.length;
    const err = sink();
    expect(await runEvalCommand(args(out), {}, err, quiet)).toBe(0);
    expect(err.lines.join('')).toContain(`${results}: the last line was torn`);
    const resent = sentIds().slice(sentBefore);
    // Exactly the problems without a whole result went out again: the torn one among them, no finished one.
    expect(resent.length).toBe(40 - before.length);
    expect(resent).toContain(`What is ${torn.slice(1)} + 1?`);
    for (const id of before) expect(resent).not.toContain(`What is ${id.slice(1)} + 1?`);
    const after = lines(out).map((l) => JSON.parse(l) as { id: string; status: string });
    expect(after.map((r) => r.id).sort()).toEqual(PROBLEMS.map((p) => p.unique_id).sort());
    expect(after.every((r) => r.status === 'ok')).toBe(true);
    expect(fs.readFileSync(`${results}.torn`, 'utf8').length).toBeGreaterThan(0);
  }, 60_000);

  it('a torn run.json is named, not "Unterminated string in JSON"', async () => {
    const out = path.join(dir, 'torn-run');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'run.json'), '{"dataset": "/data/mat');
    const err = sink();
    expect(await runEvalCommand(args(out), {}, err, quiet)).toBe(2);
    expect(err.lines.join('')).toContain(`${path.join(out, 'run.json')} is not readable JSON`);
  });
});
