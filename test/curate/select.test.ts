import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectCommand } from '../../src/cli/select';
import { combineRewards, recipeFor } from '../../src/core/aggregate';
import { toCandidateParts } from '../../src/core/anatomy';
import { createOnnxScorer } from '../../src/scorer/onnx/index';
import type { Scorer } from '../../src/scorer/types';
import { parseKeep } from '../../src/curate/keep';
import { runSelect, type SelectOptions } from '../../src/curate/run-select';
import { countTags, startFakeVllm } from '../helpers/fake-vllm-pooling';
import { tempModel } from '../scorer/onnx/fixtures';

const PROBLEMS = ['What is 17 times 3?', 'How many sides does a hexagon have?', 'What is the square root of 144?'];
const SOURCES = ['deepseek-r1', 'gemini'];

/** Three traces per problem, consecutive, alternating sources; every step is long enough to stand alone. */
function traces() {
  return PROBLEMS.flatMap((problem, p) =>
    [0, 1, 2].map((k) => ({
      id: `${p}-${k}`,
      problem,
      reasoning: `Let me look at the problem carefully, attempt ${k}.\n\nI recall the facts I need for question ${p} and apply them${' again'.repeat(k)}.`,
      response: `Working it out gives a value after ${k + 1} checks.\n\nThe answer is \\boxed{${p * 10 + k}}.`,
      source: SOURCES[(p + k) % 2],
      extra: { nested: [1, 2.5, 'keep me'] },
    })),
  );
}

describe('bestofn select', () => {
  let dir: string;
  let modelDir: string;
  let scorer: Scorer;
  let calls = 0;
  const counting = (): Scorer => ({ name: 'onnx', score: (r) => (calls++, scorer.score(r)) });
  const expected = new Map<string, number>();

  const write = (name: string, rows: unknown[] | string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, typeof rows === 'string' ? rows : rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    return file;
  };
  const read = (file: string) =>
    fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  const run = (input: string, out: string, o: Partial<SelectOptions> = {}) =>
    runSelect({
      input,
      out: path.join(dir, out),
      keep: parseKeep('top-k=1'),
      by: 'problem',
      map: {},
      scorer: counting(),
      scorerId: 'test-prm',
      recipe: recipeFor('weighted', 'min', { thinkingWeight: 0.5, alpha: 1 }),
      concurrency: 4,
      stderr: null,
      ...o,
    });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-select-'));
    modelDir = tempModel('step-classifier');
    scorer = await createOnnxScorer({
      modelDir,
      device: 'cpu',
      batchTokens: 1 << 16,
      queueLimit: 1000,
      cacheEntries: 1000,
      cacheMB: 16,
    });
    // The reward of each trace, scored one by one outside select.
    for (const t of traces()) {
      const { rewards } = await scorer.score({
        problem: t.problem,
        candidates: [toCandidateParts({ content: t.response, reasoning_content: t.reasoning })],
      });
      expected.set(t.id, combineRewards(rewards[0]!, 'min', 0.5)!);
    }
    expect(new Set(expected.values()).size).toBe(9);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const best = (ids: string[], k: number) =>
    [...ids]
      .sort((a, b) => expected.get(b)! - expected.get(a)!)
      .slice(0, k)
      .sort();

  it('keeps the best trace of each problem, original bytes and fields intact, rewards added', async () => {
    const input = write('traces.jsonl', traces());
    const result = await run(input, 'kept.jsonl');
    expect(result.finished).toBe(true);
    const lines = fs.readFileSync(path.join(dir, 'kept.jsonl'), 'utf8').trim().split('\n');
    const rows = lines.map((l) => JSON.parse(l));
    expect(rows.map((r) => r.id).sort()).toEqual(
      PROBLEMS.flatMap((_, p) =>
        best(
          [0, 1, 2].map((k) => `${p}-${k}`),
          1,
        ),
      ),
    );
    const original = fs.readFileSync(input, 'utf8').split('\n');
    for (const [i, row] of rows.entries()) {
      expect(row.bestofn_reward).toBeCloseTo(expected.get(row.id)!, 12);
      expect(row.bestofn_step_rewards.thinking).toHaveLength(2);
      expect(row.bestofn_step_rewards.response).toHaveLength(2);
      expect(row.bestofn_answer).toBe(String(Number(row.id[0]) * 10 + Number(row.id[2])));
      // The row's own text, byte for byte (2.50 stays 2.50), with the new fields after it.
      const source = original.find((l) => l.includes(`"id":"${row.id}"`))!;
      expect(lines[i]!.startsWith(source.slice(0, -1) + ',"bestofn_reward":')).toBe(true);
    }
  });

  it.each([
    ['top-k=4', 4],
    ['top-p=0.5', 5],
  ])('global %s keeps the best rows of the whole file', async (spec, n) => {
    const input = write('global.jsonl', traces());
    await run(input, `global-${spec}.jsonl`, { keep: parseKeep(spec), by: 'global' });
    expect(
      read(path.join(dir, `global-${spec}.jsonl`))
        .map((r) => r.id)
        .sort(),
    ).toEqual(best([...expected.keys()], n));
  });

  it('threshold keeps every row at or above it, then re-selects from the saved scores without scoring', async () => {
    const input = write('threshold.jsonl', traces());
    const median = [...expected.values()].sort((a, b) => a - b)[4]!;
    await run(input, 'threshold.jsonl.out.jsonl', { keep: parseKeep(`threshold=${median}`), by: 'global' });
    expect(read(path.join(dir, 'threshold.jsonl.out.jsonl'))).toHaveLength(5);
    const before = calls;
    const again = await run(input, 'threshold.jsonl.out.jsonl', { keep: parseKeep('top-k=2'), by: 'problem' });
    expect(calls).toBe(before);
    expect(again.summary!.counts.kept).toBe(6);
  });

  it('maps field names, by alias and by --map', async () => {
    const rows = traces().map((t, i) =>
      i % 3 === 0
        ? {
            id: t.id,
            question: t.problem,
            deepseek_reasoning: t.reasoning,
            deepseek_solution: t.response,
            answer: 'reference',
            data_source: t.source,
          }
        : i % 3 === 1
          ? { id: t.id, q: { text: t.problem }, think: t.reasoning, gens: [t.response], who: t.source }
          : {
              id: t.id,
              messages: [
                { role: 'user', content: t.problem },
                { role: 'assistant', content: `<think>${t.reasoning}</think>\n\n${t.response}` },
              ],
              source: t.source,
            },
    );
    const input = write('mapped.jsonl', rows);
    await run(input, 'mapped-out.jsonl', {
      keep: parseKeep('top-k=9'),
      by: 'global',
      map: { problem: 'q.text', reasoning: 'think', response: 'gens.0', source: 'who' },
    });
    const out = read(path.join(dir, 'mapped-out.jsonl'));
    // --map names win wherever they exist; the other rows fall back to aliases and chat turns.
    expect(out).toHaveLength(3);
    const r = await run(input, 'mapped-alias.jsonl', { keep: parseKeep('top-k=9'), by: 'global' });
    expect(r.summary!.counts.malformed).toBe(3);
    const alias = read(path.join(dir, 'mapped-alias.jsonl'));
    expect(alias).toHaveLength(6);
    for (const row of [...out, ...alias]) expect(row.bestofn_reward).toBeCloseTo(expected.get(row.id)!, 12);
    expect(r.summary!.malformed[0]).toMatchObject({ line: 2, error: expect.stringMatching(/no problem/) });
  });

  it('reports malformed rows by line number, skips them, and loses nothing else', async () => {
    const good = traces().map((t) => JSON.stringify(t));
    const text =
      [
        good[0],
        '{"problem": "cut off',
        good[1],
        '',
        good[2],
        '{"problem":"Q"}',
        '[1,2]',
        good[3],
        '{"problem":"Q","response":["a"]}',
        ...good.slice(4),
      ].join('\n') + '\n';
    const input = write('dirty.jsonl', text);
    const notices: string[] = [];
    const result = await run(input, 'dirty-out.jsonl', {
      keep: parseKeep('top-k=99'),
      stderr: { write: (s: string) => notices.push(s) },
    });
    const s = result.summary!;
    expect(s.counts).toEqual({ read: 13, malformed: 4, failed: 0, scored: 9, unscored: 0, kept: 9, dropped: 0 });
    expect(s.malformed.map((m) => m.line)).toEqual([2, 6, 7, 9]);
    expect(s.malformed[0]!.error).toMatch(/invalid JSON/);
    expect(s.malformed[1]!.error).toMatch(/no response/);
    expect(s.malformed[3]!.error).toMatch(/an array/);
    expect(notices.join('')).toContain('skipping line 7: not a JSON object');
    expect(
      read(path.join(dir, 'dirty-out.jsonl'))
        .map((r) => r.id)
        .sort(),
    ).toEqual([...expected.keys()].sort());
    expect(fs.readFileSync(path.join(dir, 'dirty-out.report.md'), 'utf8')).toContain('- line 9: field');
  });

  it('resumes after an interruption and ends with what an uninterrupted run writes', async () => {
    const input = write('resume.jsonl', traces());
    await run(input, 'whole.jsonl', { keep: parseKeep('top-k=2') });

    const out = path.join(dir, 'resumed.jsonl');
    const first = await run(input, 'resumed.jsonl', { keep: parseKeep('top-k=2'), maxRows: 4 });
    expect(first).toMatchObject({ finished: false, rowsScoredNow: 4 });
    expect(fs.existsSync(out)).toBe(false);
    // A kill in the middle of a write leaves half an entry behind.
    const scores = path.join(dir, 'resumed.scores.jsonl');
    const entries = fs.readFileSync(scores, 'utf8');
    fs.appendFileSync(scores, '{"line":5,"h":"abc","g":"x","sou');

    const before = calls;
    const second = await run(input, 'resumed.jsonl', { keep: parseKeep('top-k=2') });
    expect(second).toMatchObject({ finished: true, resumedAfterLine: 4, rowsScoredNow: 5 });
    expect(calls - before).toBe(5);
    expect(fs.readFileSync(scores, 'utf8').startsWith(entries)).toBe(true);
    expect(fs.readFileSync(out, 'utf8')).toBe(fs.readFileSync(path.join(dir, 'whole.jsonl'), 'utf8'));
  });

  it('stops at an abort signal with every finished row saved', async () => {
    const input = write('abort.jsonl', traces());
    const abort = new AbortController();
    let n = 0;
    // The third call is cut off by the signal, as a scorer honouring it would be.
    const interrupted: Scorer = {
      name: 'onnx',
      score: async (r) => {
        if (++n === 3) abort.abort();
        r.signal?.throwIfAborted();
        return scorer.score(r);
      },
    };
    const first = await run(input, 'abort-out.jsonl', { scorer: interrupted, signal: abort.signal, concurrency: 2 });
    expect(first).toMatchObject({ finished: false, rowsScoredNow: 2 });
    const second = await run(input, 'abort-out.jsonl');
    expect(second.resumedAfterLine).toBe(first.rowsScoredNow);
    expect(second.summary!.counts.read).toBe(9);
  });

  it('refuses to resume scores of another input, scorer or edited rows', async () => {
    const input = write('guard.jsonl', traces());
    await run(input, 'guard-out.jsonl', { maxRows: 2 });
    await expect(run(input, 'guard-out.jsonl', { scorerId: 'another-prm' })).rejects.toThrow(
      /another input, scorer or --map.*--restart/,
    );
    write(
      'guard.jsonl',
      traces().map((t) => ({ ...t, problem: t.problem + ' (edited)' })),
    );
    await expect(run(input, 'guard-out.jsonl')).rejects.toThrow(
      /line 1 .* the input changed since scoring; run again with --restart/,
    );
    const fresh = await run(input, 'guard-out.jsonl', { restart: true });
    expect(fresh.summary!.counts.read).toBe(9);
  });

  it('summarises rewards per source with a histogram, a report and an SVG plot', async () => {
    const input = write('sources.jsonl', traces());
    const r = await run(input, 'sources-out.jsonl', { keep: parseKeep('top-k=1') });
    const summary = JSON.parse(fs.readFileSync(r.paths.summary!, 'utf8'));
    expect(Object.keys(summary.sources).sort()).toEqual(SOURCES);
    expect(summary.edges).toHaveLength(21);
    for (const name of SOURCES) {
      const ids = traces()
        .filter((t) => t.source === name)
        .map((t) => t.id);
      const st = summary.sources[name];
      expect(st.rows).toBe(ids.length);
      expect(st.histogram.reduce((a: number, b: number) => a + b, 0)).toBe(ids.length);
      expect(st.mean).toBeCloseTo(ids.reduce((a, id) => a + expected.get(id)!, 0) / ids.length, 12);
      // Each reward lands in the bin whose edges hold it.
      for (const id of ids) expect(st.histogram[Math.floor(expected.get(id)! * 20)]).toBeGreaterThan(0);
    }
    expect(summary.sources['deepseek-r1'].kept + summary.sources.gemini.kept).toBe(3);
    const report = fs.readFileSync(r.paths.report!, 'utf8');
    expect(report).toContain('![reward histogram per source](sources-out.reward-hist.svg)');
    expect(report).toMatch(/\| deepseek-r1 \| 5 \|/);
    const svg = fs.readFileSync(r.paths.svg!, 'utf8');
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain('deepseek-r1 (n=5)');
    expect(svg).toContain('gemini (n=4)');
  });

  it('runs as a command, with usage errors as exit 2', async () => {
    const input = write('cli.jsonl', traces());
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) } };
    const code = await selectCommand(
      [
        '--input',
        input,
        '--out',
        path.join(dir, 'cli-out.jsonl'),
        '--model-dir',
        modelDir,
        '--device',
        'cpu',
        '--keep',
        'top-p=0.33',
        '--quiet',
      ],
      {},
      io,
    );
    expect(err.join('')).toBe('');
    expect(code).toBe(0);
    expect(out.join('')).toMatch(/kept 3 of 9 rows \(0 malformed, skipped\)/);
    expect(
      await selectCommand(['--input', input, '--out', 'x.jsonl', '--keep', 'best=2', '--model-dir', modelDir], {}, io),
    ).toBe(2);
    expect(await selectCommand(['--input', input, '--out', 'x.jsonl'], {}, io)).toBe(2);
    expect(err.join('')).toMatch(/--keep expects[\s\S]*no reward model: give --model-dir DIR or --scorer-url URL/);
    expect(
      await selectCommand(
        [
          '--input',
          path.join(dir, 'missing.jsonl'),
          '--out',
          path.join(dir, 'm.jsonl'),
          '--model-dir',
          modelDir,
          '--device',
          'cpu',
          '--quiet',
        ],
        {},
        io,
      ),
    ).toBe(1);
  });

  it('reads the scorer options as the server does: a bad SCORER_TIMEOUT_MS, --device or --aggregate is a usage error naming it', async () => {
    const input = write('options.jsonl', traces());
    const err: string[] = [];
    const io = { stdout: { write: () => true }, stderr: { write: (s: string) => err.push(s) } };
    const out = path.join(dir, 'options-out.jsonl');
    expect(
      await selectCommand(
        ['--input', input, '--out', out, '--scorer-url', 'http://127.0.0.1:9/v1', '--quiet'],
        { SCORER_TIMEOUT_MS: 'soon' },
        io,
      ),
    ).toBe(2);
    expect(
      await selectCommand(
        ['--input', input, '--out', out, '--model-dir', modelDir, '--device', 'tpu', '--quiet'],
        {},
        io,
      ),
    ).toBe(2);
    expect(
      await selectCommand(
        ['--input', input, '--out', out, '--model-dir', modelDir, '--aggregate', 'max', '--quiet'],
        {},
        io,
      ),
    ).toBe(2);
    expect(
      await selectCommand(
        ['--input', input, '--out', out, '--model-dir', modelDir, '--quiet'],
        { BESTOFN_THINKING_WEIGHT: '2' },
        io,
      ),
    ).toBe(2);
    expect(err.join('')).toMatch(
      /SCORER_TIMEOUT_MS[^\n]*'soon'[\s\S]*--device must be one of auto, cuda, cpu \(got 'tpu'\)[\s\S]*--aggregate must be one of last, min, mean, prod \(got 'max'\)[\s\S]*BESTOFN_THINKING_WEIGHT[^\n]*'2'/,
    );
  });

  it('times out a slow remote PRM after SCORER_TIMEOUT_MS, and ignores settings the scorer does not read', async () => {
    const fake = await startFakeVllm({ model: 'prm', latencyMs: 2000 });
    try {
      const input = write('slow.jsonl', traces());
      const err: string[] = [];
      const io = { stdout: { write: () => true }, stderr: { write: (s: string) => err.push(s) } };
      const env = { SCORER_TIMEOUT_MS: '100', UPSTREAM_RETRIES: '0', PORT: 'not a port' };
      expect(
        await selectCommand(
          ['--input', input, '--out', path.join(dir, 'slow-out.jsonl'), '--scorer-url', fake.url, '--quiet'],
          env,
          io,
        ),
      ).toBe(1);
      expect(err.join('')).toMatch(
        /^bestofn select: remote scorer http:\/\/127\.0\.0\.1:\d+\/pooling gave no answer within 100 ms\n$/,
      );
    } finally {
      await fake.close();
    }
  });

  it('scores through a remote PRM server with --scorer-url', async () => {
    // The fake server rewards a step by whether its sequence mentions "attempt 2".
    const fake = await startFakeVllm({
      model: 'prm',
      respond: (input) => Array.from({ length: countTags(input) }, () => [0, input.includes('attempt 2') ? 0.9 : 0.3]),
    });
    try {
      const input = write('remote.jsonl', traces());
      const err: string[] = [];
      const io = { stdout: { write: () => true }, stderr: { write: (s: string) => err.push(s) } };
      const code = await selectCommand(
        [
          '--input',
          input,
          '--out',
          path.join(dir, 'remote-out.jsonl'),
          '--scorer-url',
          fake.url,
          '--scorer-model',
          'prm',
          '--thinking-weight',
          '1',
        ],
        { SCORER_API_KEY: 'k' },
        io,
      );
      // Not a terminal: the progress is a plain line, no carriage returns.
      expect(err.join('')).toBe(err.join('').match(/^scoring: 100\.0% 9 rows [\d.]+\/s\n$/)?.[0]);
      expect(code).toBe(0);
      expect(read(path.join(dir, 'remote-out.jsonl')).map((r) => [r.id, r.bestofn_reward])).toEqual(
        PROBLEMS.map((_, p) => [`${p}-2`, 0.9]),
      );
      expect(fake.requests[0].model).toBe('prm');
      expect(fake.headers[0]!.authorization).toBe('Bearer k');
    } finally {
      await fake.close();
    }
  });
});
