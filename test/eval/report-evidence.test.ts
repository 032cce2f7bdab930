import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { bootstrapInterval } from '../../src/eval/bootstrap';
import { computeMetrics } from '../../src/eval/metrics';
import { buildReport, reportMarkdown, writeReport } from '../../src/eval/report';
import { readResults, type ProblemResult } from '../../src/eval/results';
import { runEval } from '../../src/eval/run-eval';
import { tokensPerProblem } from '../../src/eval/tokens';
import { startRawUpstream } from '../helpers/raw-upstream';

const plainFixture = JSON.parse(
  fs.readFileSync(path.resolve(__dirname, '../fixtures/logprobs/chat-completion-n2.json'), 'utf8'),
);

describe('bootstrap intervals', () => {
  it('are a point for a constant and cover the mean otherwise, reproducibly', () => {
    expect(bootstrapInterval([[1, 1, 1, 1]], { resamples: 500, seed: 0 })).toEqual([1, 1]);
    const half = Array.from({ length: 200 }, (_, i) => i % 2);
    const [lo, hi] = bootstrapInterval([half], { resamples: 2000, seed: 7 })!;
    // The normal approximation: 0.5 ± 1.96·sqrt(0.25/200) = 0.5 ± 0.069.
    expect(lo).toBeGreaterThan(0.41);
    expect(lo).toBeLessThan(0.45);
    expect(hi).toBeGreaterThan(0.55);
    expect(hi).toBeLessThan(0.59);
    expect(bootstrapInterval([half], { resamples: 2000, seed: 7 })).toEqual([lo, hi]);
    expect(bootstrapInterval([[]], { resamples: 10, seed: 0 })).toBeNull();
  });

  it('widen when runs (seeds) disagree', () => {
    const a = Array.from({ length: 100 }, () => 1);
    const b = Array.from({ length: 100 }, () => 0);
    const [lo, hi] = bootstrapInterval([a, b], { resamples: 1000, seed: 1 })!;
    expect(lo).toBeLessThan(0.45);
    expect(hi).toBeGreaterThan(0.55);
  });
});

describe('random@N and tokens per method', () => {
  it('random@N is the share of correct candidates, whatever N', () => {
    const cands = [true, false, false, true].map((correct, i) => ({ key: `k${i}`, correct, reward: null }));
    const m = computeMetrics([{ id: 'p', correct: true, candidates: cands }], { ns: [1, 2, 4], draws: 4, seed: 0 });
    expect([m['random@1'], m['random@2'], m['random@4']]).toEqual([0.5, 0.5, 0.5]);
  });

  it('charges N/maxN of the completion tokens, scorer tokens to the methods that use rewards, one candidate to random', () => {
    const t = tokensPerProblem(
      [
        { completion: 800, scorer: 80 },
        { completion: 1600, scorer: 0 },
      ],
      [1, 2, 8],
    );
    expect(t['random@8']).toBe(150); // (100 + 200) / 2
    expect(t['pass@2']).toBe(300);
    expect(t['maj@8']).toBe(1200);
    expect(t['argmax@8']).toBe(1240);
    expect(t['weighted@2']).toBe(310);
    expect(t['bestofn@8']).toBe(1240);
  });
});

describe('the report', () => {
  const results: ProblemResult[] = [
    {
      id: 'a',
      gt: '70',
      status: 'ok',
      answer: '70',
      correct: true,
      latency_ms: 1,
      time: '',
      usage: { prompt_tokens: 10, completion_tokens: 400 },
      bestofn: {
        scorer: 'vote',
        select: 'majority',
        n_requested: 4,
        selected: [0],
        scorer_tokens: 40,
        // By answer key 71 wins 2–1–1; as clusters, 70 and 71 tie 2–2.
        candidates: [
          { index: 0, answer: '\\left( 70 \\right)', key: '(70)', correct: true, reward: null },
          { index: 1, answer: '71', key: '71', correct: false, reward: null },
          { index: 2, answer: '70', key: '70', correct: true, reward: null },
          { index: 3, answer: '71', key: '71', correct: false, reward: null },
        ],
      },
    },
  ];
  const config = { dataset: 'd', endpoint: 'e', model: 'm', ns: [1, 2, 4], draws: 4, seed: 0, prompt: 'p' };

  it('votes over clusters of equivalent answers, with intervals and tokens', () => {
    const r = buildReport(results, ['a'], config);
    expect(r.metrics['maj@4']).toBe(0.5); // a 2–2 tie between the 70 cluster and 71, split; by key alone 71 wins (0)
    expect(r.metrics['random@4']).toBe(0.5);
    expect(r.intervals['maj@4']).toEqual([0.5, 0.5]);
    expect(r.tokens['maj@4']).toBe(400);
    expect(r.tokens['bestofn@4']).toBe(440);
    const md = reportMarkdown(r);
    expect(md).toContain('| random@N (one random candidate) | 50.0 [50.0, 50.0] |');
    expect(md).toContain('| bestofn@N | – | – | 440 |');
  });

  it('writes an accuracy-against-tokens plot', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-report-'));
    try {
      writeReport(dir, buildReport(results, ['a'], config));
      const svg = fs.readFileSync(path.join(dir, 'tokens.svg'), 'utf8');
      expect(svg).toContain('accuracy vs tokens per problem');
      expect(svg).toContain('tokens per problem (log scale)');
      expect(svg).toMatch(/<title>maj@N \(majority vote\) x=400: 0\.500<\/title>/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('eval against an endpoint', () => {
  let close: (() => Promise<void>) | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await close?.();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('takes the answer from the response, not from a box inside <think>, and records logprobs when asked', async () => {
    const bodies: any[] = [];
    const upstream = await startRawUpstream((_req, res, body) => {
      bodies.push(JSON.parse(body));
      const choice = {
        ...plainFixture.choices[0],
        message: { role: 'assistant', content: '<think>Maybe \\boxed{1}? No.</think>The answer is 2.' },
      };
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ ...plainFixture, choices: [choice] }));
    });
    close = upstream.close;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-eval-lp-'));
    const client = new OpenAI({ baseURL: upstream.url, apiKey: 'x', maxRetries: 0 });
    await runEval({
      client,
      model: 'm',
      problems: [{ id: 'p', problem: 'What is 1 + 1?', answer: '2' }],
      maxN: 1,
      outDir: dir,
      concurrency: 1,
      timeoutMs: 5_000,
      topLogprobs: 3,
    });
    expect(bodies[0]).toMatchObject({ logprobs: true, top_logprobs: 3 });
    const r = readResults(dir).get('p')!;
    expect(r.answer).toBe('2');
    expect(r.correct).toBe(true);
    expect(r.logprobs).toHaveLength(7);
    expect(r.logprobs![0]).toEqual([-0.01, -5.2, -6.1]);
  });
});

describe('several runs', () => {
  const run = (correct: boolean[]): ProblemResult[] =>
    correct.map((c, i) => ({
      id: `p${i}`,
      gt: '1',
      status: 'ok',
      answer: c ? '1' : '2',
      correct: c,
      latency_ms: 1,
      time: '',
    }));
  const config = { dataset: 'd', endpoint: 'e', model: 'm', ns: [1], draws: 1, seed: 0, prompt: 'p' };
  const ids = Array.from({ length: 40 }, (_, i) => `p${i}`);

  it('average every run, and widen the interval when runs disagree', () => {
    const a = run(ids.map(() => true));
    const b = run(ids.map(() => false));
    const one = buildReport(a, ids, config);
    const two = buildReport(a, ids, config, undefined, [b]);
    expect(one.intervals.accuracy).toEqual([1, 1]);
    expect(two.metrics.accuracy).toBe(0.5);
    expect(two.config.runs).toBe(2);
    expect(two.intervals.accuracy![0]).toBeLessThan(0.4);
    expect(two.intervals.accuracy![1]).toBeGreaterThan(0.6);
    expect(reportMarkdown(two)).toContain('bootstrap over problems and 2 runs');
  });
});
