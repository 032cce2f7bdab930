/**
 * What bestofn eval writes from an answer it reads back: an upstream that leaves usage out, or sends
 * metadata of another shape, still gives a results line that a resume counts as done, and the lost
 * metadata is said, not silent.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { readResults } from '../../src/eval/results';
import { runEval } from '../../src/eval/run-eval';
import { startRawUpstream } from '../helpers/raw-upstream';

const PROBLEM = { id: 'p', problem: 'What is 1 + 1?', answer: '2' };
const completion = (extra: object) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', content: 'The answer is \\boxed{2}.' }, finish_reason: 'stop' }],
  ...extra,
});

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function evalAgainst(answer: object) {
  const upstream = await startRawUpstream((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer)),
  );
  cleanup.push(upstream.close);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-eval-shapes-'));
  cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const notices: string[] = [];
  const run = () =>
    runEval({
      client: new OpenAI({ baseURL: upstream.url, apiKey: 'x', maxRetries: 0 }),
      model: 'm',
      problems: [PROBLEM],
      maxN: 4,
      outDir: dir,
      concurrency: 1,
      timeoutMs: 5_000,
      onNotice: (m) => notices.push(m),
    });
  return { run, dir, notices, calls: () => upstream.calls };
}

describe('bestofn eval against upstreams of other shapes', () => {
  it.each([
    ['no usage', {}],
    ['usage without prompt_tokens', { usage: { completion_tokens: 5 } }],
  ])('%s: the line is kept, and a resume does not send the problem again', async (_name, extra) => {
    const e = await evalAgainst(completion(extra));
    expect(await e.run()).toMatchObject({ sent: 1, failed: 0 });
    const result = readResults(e.dir, (m) => e.notices.push(m)).get('p');
    expect(result).toMatchObject({ status: 'ok', answer: '2', correct: true });
    expect(result?.usage).toBeUndefined();
    expect(await e.run()).toMatchObject({ sent: 0, skipped: 1 });
    expect(e.calls()).toBe(1);
    expect(e.notices).toEqual([]);
  });

  it('says so when the answer carries bestofn metadata it cannot read, and grades the returned answer', async () => {
    const e = await evalAgainst(
      completion({
        usage: { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 },
        bestofn: { n_requested: 4, scorer: 'vote' },
      }),
    );
    await e.run();
    const result = readResults(e.dir).get('p');
    expect(result).toMatchObject({ status: 'ok', correct: true, usage: { prompt_tokens: 3, completion_tokens: 5 } });
    expect(result?.bestofn).toBeUndefined();
    expect(e.notices).toHaveLength(1);
    expect(e.notices[0]).toMatch(
      /^p: the answer's bestofn metadata is not readable \(.+\); only the returned answer is graded$/,
    );
  });
});
