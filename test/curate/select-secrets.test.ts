import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectCommand } from '../../src/cli/select';
import { startFakeVllm, type FakeVllm } from '../helpers/fake-vllm-pooling';

const PASSWORD = 'hunter2-prm-password';

const row = (id: string, problem: string) =>
  JSON.stringify({ id, problem, response: `First I add.\n\nThe answer is \\boxed{${id}}.` });

describe('bestofn select writes no credential from --scorer-url', () => {
  let dir: string;
  let prm: FakeVllm;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-select-secrets-'));
    prm = await startFakeVllm({ model: 'prm' });
  });
  afterAll(async () => {
    await prm.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('in the side file, the summary, the report, the plot, stdout and stderr', async () => {
    const input = path.join(dir, 'in.jsonl');
    fs.writeFileSync(input, [row('1', 'What is 1?'), row('2', 'What is 2?')].join('\n') + '\n');
    const url = prm.url.replace('http://', `http://scorer:${PASSWORD}@`);
    const printed: string[] = [];
    const io = { stdout: { write: (s: string) => printed.push(s) }, stderr: { write: (s: string) => printed.push(s) } };
    const out = path.join(dir, 'kept.jsonl');
    expect(await selectCommand(['--input', input, '--out', out, '--scorer-url', url], {}, io)).toBe(0);
    const written = ['kept.scores.jsonl', 'kept.summary.json', 'kept.report.md', 'kept.reward-hist.svg'].map((f) =>
      fs.readFileSync(path.join(dir, f), 'utf8'),
    );
    for (const text of [...written, printed.join('')]) expect(text).not.toContain(PASSWORD);
    const summary = JSON.parse(written[1]!) as { scorer: string; counts: { scored: number } };
    expect(summary.counts.scored).toBe(2);
    expect(summary.scorer).toMatch(/^remote:http:\/\/\[redacted\]@127\.0\.0\.1:\d+\/$/);

    // An error that quotes the URL (here a scorer that is down) is scrubbed as well.
    printed.length = 0;
    const down = `http://scorer:${PASSWORD}@127.0.0.1:9/v1`;
    const code = await selectCommand(
      ['--input', input, '--out', path.join(dir, 'down.jsonl'), '--scorer-url', down],
      { UPSTREAM_RETRIES: '0', SCORER_RETRIES: '0' },
      io,
    );
    expect(code).toBe(1);
    expect(printed.join('')).toMatch(/bestofn select: /);
    expect(printed.join('')).not.toContain(PASSWORD);
  });
});
