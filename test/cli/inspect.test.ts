import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInspectCommand } from '../../src/cli/inspect';
import { loadInspections, serveInspections } from '../../src/cli/inspect-server';

const RECORD = 'test/fixtures/inspector/record.jsonl';

describe('bestofn inspect FILE', () => {
  it('serves a RECORD file on loopback: the list, a request with its heat map, its text escaped', async () => {
    const skipped: string[] = [];
    const items = loadInspections(RECORD, (m) => skipped.push(m));
    expect(items.map((i) => i.id)).toEqual(['req-rec-1']);
    expect(skipped).toEqual([`${RECORD}:2: not JSON (a torn write?); skipped`]);
    const running = await serveInspections(items, { port: 0, note: 'test' });
    try {
      expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ui$/);
      const list = await (await fetch(running.url)).text();
      expect(list).toContain('href="/ui/r/req-rec-1"');
      const res = await fetch(`${running.url}/r/req-rec-1`);
      const one = await res.text();
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(one.match(/<article class="cand/g)).toHaveLength(3);
      expect(one).toMatch(/aria-label="answer step 1: reward 0\.950"/);
      expect(one).toContain('failed: upstream failed');
      expect(one).toContain('&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(one).not.toContain('<script>alert');
    } finally {
      await running.close();
    }
  });

  it('reads an eval run: its directory or its results.jsonl', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-inspect-'));
    const result = {
      id: 'p1',
      gt: '42',
      status: 'ok',
      answer: '42',
      correct: true,
      bestofn: {
        scorer: 'prm',
        select: 'argmax',
        n_requested: 2,
        selected: [0],
        candidates: [
          {
            index: 0,
            answer: '42',
            key: '42',
            correct: true,
            reward: 0.9,
            step_rewards: { thinking: null, response: [0.9] },
          },
          { index: 1, answer: '41', key: '41', correct: false, reward: 0.2 },
        ],
      },
      latency_ms: 10,
      time: '2026-12-07T12:00:00.000Z',
    };
    fs.writeFileSync(path.join(dir, 'results.jsonl'), JSON.stringify(result) + '\n');
    for (const target of [dir, path.join(dir, 'results.jsonl')]) {
      const [item] = loadInspections(target);
      expect(item).toMatchObject({
        id: 'p1',
        source: 'eval',
        selected: [0],
        reference: { answer: '42', correct: true },
      });
      expect(item!.candidates.map((c) => c.correct)).toEqual([true, false]);
      expect(item!.candidates[0]!.steps.response).toEqual([{ text: null, reward: 0.9 }]);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a missing file or no file is a usage error (exit 2), with one line', async () => {
    const err: string[] = [];
    const sink = { write: (s: string) => err.push(s) };
    expect(await runInspectCommand(['no-such-file.jsonl', '--port', '0'], sink, sink)).toBe(2);
    expect(await runInspectCommand([], sink, sink)).toBe(2);
    expect(err.join('')).toMatch(/^bestofn inspect: .*no-such-file[\s\S]*give one FILE/);
  });
});
