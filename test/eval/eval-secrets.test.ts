import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runEvalCommand } from '../../src/cli/eval';

const PASSWORD = 'hunter2-eval-password';
const QUERY_KEY = 'sk-query-key-123456';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-eval-secrets-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const listFiles = (root: string): string[] =>
  fs
    .readdirSync(root, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(root, e.name)) : [path.join(root, e.name)]));

describe('bestofn eval writes no credential from --base-url', () => {
  it('in run.json, the results, the reports, the page, stdout and stderr', async () => {
    const dataset = path.join(dir, 'one.jsonl');
    fs.writeFileSync(dataset, JSON.stringify({ problem: 'What is 2 + 2?', answer: '4' }) + '\n');
    const out = path.join(dir, 'out');
    const printed: string[] = [];
    const sink = { write: (s: string) => printed.push(s), isTTY: false };
    // Nothing listens on port 9: the one problem fails, and the run is still reported.
    const baseUrl = `http://user:${PASSWORD}@127.0.0.1:9/v1?api_key=${QUERY_KEY}`;
    const args = ['--dataset', dataset, '--base-url', baseUrl, '--model', 'm', '--n', '1', '--out', out];
    expect(await runEvalCommand([...args, '--retries', '0', '--timeout-ms', '5000'], {}, sink, sink)).toBe(1);
    const files = listFiles(out);
    expect(files.map((f) => path.basename(f))).toEqual(
      expect.arrayContaining(['run.json', 'report.json', 'report.md']),
    );
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      expect(text, file).not.toContain(PASSWORD);
      expect(text, file).not.toContain(QUERY_KEY);
    }
    expect(printed.join('')).toContain('Endpoint http://[redacted]@127.0.0.1:9/v1?api_key=[redacted]');
    expect(printed.join('')).not.toContain(PASSWORD);
    expect(printed.join('')).not.toContain(QUERY_KEY);
  });
});
