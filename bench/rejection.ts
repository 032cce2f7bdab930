/**
 * Early rejection, adaptive N and early commit against plain Best-of-N, on the shared Best-of-8 pool
 * (100 MATH problems × 8 real Qwen2.5-Math candidates) replayed as token-timed streams: each candidate
 * streams its real text, one whitespace token every BENCH_TOKEN_MS, from a fake upstream in its own
 * process (so its writing does not compete with the gateway for the same core). Prints upstream tokens
 * (counted by the upstream), wall time to the answer and to the first content byte, and accuracy by the
 * pool's own correctness labels, for the vote scorer and the generated test PRM.
 *
 *   npm run bench:rejection            BENCH_PROBLEMS=20 BENCH_TOKEN_MS=1 BENCH_CONCURRENCY=8
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pLimit from 'p-limit';
import { extractAnswer } from '../src/core/answer';
import { gradeAnswer } from '../src/core/math';
import { parseConfig } from '../src/config';
import { createLogger } from '../src/log';
import { problemOf } from '../src/core/problem';
import { loadReplaySource, promptKey } from '../src/record/replay-source';
import { startGateway } from '../src/node';
import { createOnnxScorer } from '../src/scorer/onnx/index';
import type { Scorer } from '../src/scorer/types';
import { createVoteScorer } from '../src/scorer/vote';
import { makeTestPrm } from '../tools/make-test-prm';
import { startFakeUpstream } from '../test/helpers/fake-upstream';
import { bootstrapInterval } from '../src/eval/bootstrap';
import { median, printTable, quantile } from './stats';
import { sseDataOf } from '../src/http/sse';
import { fixturePath } from '../test/helpers/fixture-path';

const LIMIT = Number(process.env.BENCH_PROBLEMS ?? 100);
const TOKEN_MS = Number(process.env.BENCH_TOKEN_MS ?? 2);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
// The pool is read, and a request matched to its prompt, as `bestofn replay-upstream` reads and matches them.
const source = loadReplaySource(fixturePath('data/bon-pool-qwen25-math-cot-100-n8.jsonl'));
type Problem = { question: string; gt: string; response: string[]; score: boolean[] };
const pool: Problem[] = [...source.items.values()].slice(0, LIMIT).map((item) => ({
  question: item.prompt,
  gt: item.gt ?? '',
  response: item.candidates.map((c) => c.content),
  score: item.score ?? [],
}));

/**
 * The child: the recorded candidates as token-timed streams, the k-th request for a prompt answered with its
 * k-th candidate. replay-upstream answers at once and gives every one-choice request candidate 0, so the live
 * path (one streamed request per candidate) needs this timed upstream.
 */
async function serveUpstream(): Promise<void> {
  let served = new Map<string, number>();
  const upstream = await startFakeUpstream({
    chunkDelayMs: TOKEN_MS,
    steadyRate: true,
    respond: (body) => {
      const key = promptKey(problemOf(body.messages));
      const k = served.get(key) ?? 0;
      served.set(key, k + 1);
      const candidates = source.items.get(key)!.candidates;
      return { content: candidates[k % candidates.length]!.content };
    },
  });
  process.on('message', (m: string) => {
    if (m === 'reset') served = new Map();
    process.send!({ url: upstream.url, tokensSent: upstream.tokensSent });
  });
  process.send!('ready');
}

if (process.argv.includes('--upstream')) {
  await serveUpstream();
} else {
  await main();
}

async function main(): Promise<void> {
  const child = fork(fileURLToPath(import.meta.url), ['--upstream'], {
    env: process.env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise((resolve) => child.once('message', resolve));
  const ask = (m: 'stats' | 'reset') =>
    new Promise<{ url: string; tokensSent: number }>((resolve) => {
      child.once('message', (reply) => resolve(reply as { url: string; tokensSent: number }));
      child.send(m);
    });
  const { url } = await ask('stats');

  const POLICIES: [string, number, object | undefined][] = [
    ['plain best-of-8', 8, undefined],
    ['plain best-of-4 (reference)', 4, undefined],
    ['plain best-of-2 (reference)', 2, undefined],
    [
      'reject 64/64 keep ½ min 2',
      8,
      { reject: { after_tokens: 64, every_tokens: 64, keep_fraction: 0.5, min_keep: 2 } },
    ],
    ['adaptive [2,4,8] agree 1.0', 8, { adaptive: { waves: [2, 4, 8], stop_when: { agreement: 1 } } }],
    ['adaptive [3,8] agree 1.0', 8, { adaptive: { waves: [3, 8], stop_when: { agreement: 1 } } }],
    ['adaptive [4,8] agree 0.75', 8, { adaptive: { waves: [4, 8], stop_when: { agreement: 0.75 } } }],
    [
      'reject keep ¼ + commit',
      8,
      { reject: { after_tokens: 64, every_tokens: 64, keep_fraction: 0.25, min_keep: 1 }, commit: {} },
    ],
    [
      'adaptive [2,4,8] + reject ½ + commit',
      8,
      {
        adaptive: { waves: [2, 4, 8], stop_when: { agreement: 1 } },
        reject: { after_tokens: 64, every_tokens: 64, keep_fraction: 0.5, min_keep: 1 },
        commit: {},
      },
    ],
  ];

  /** Correct by the pool's label for the returned candidate; by grading only if the text is not a pool response. */
  const isCorrect = (p: Problem, content: string) => {
    const j = p.response.indexOf(content);
    return j >= 0 ? p.score[j]! : gradeAnswer(extractAnswer(content), p.gt, { budgetMs: 5000 });
  };

  async function run(scorer: Scorer, bestOf: number, controls: object | undefined, problems = pool) {
    const before = (await ask('reset')).tokensSent;
    const config = parseConfig({
      UPSTREAM_BASE_URL: url,
      PORT: '0',
      LOG_LEVEL: 'silent',
      UPSTREAM_CONCURRENCY: '256',
      BESTOFN_SELECT: 'argmax',
    });
    const gateway = await startGateway(config, createLogger('silent'), scorer);
    const walls: number[] = [];
    const ttfts: number[] = [];
    const right = new Array<number>(problems.length).fill(0);
    const limit = pLimit(CONCURRENCY);
    try {
      await Promise.all(
        problems.map((p, at) =>
          limit(async () => {
            const started = performance.now();
            const res = await fetch(`${gateway.url}/v1/chat/completions`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({
                model: 'pool',
                messages: [{ role: 'user', content: p.question }],
                best_of: bestOf,
                stream: true,
                ...(controls ? { bestofn: controls } : {}),
              }),
            });
            const reader = res.body!.getReader();
            const decoder = new TextDecoder();
            let text = '';
            let first: number | undefined;
            for (let c = await reader.read(); !c.done; c = await reader.read()) {
              text += decoder.decode(c.value, { stream: true });
              if (first === undefined && /"content":"[^"]/.test(text)) first = performance.now() - started;
            }
            walls.push(performance.now() - started);
            ttfts.push(first ?? NaN);
            const content = (await sseDataOf(text))
              .filter((d) => d !== '[DONE]')
              .map((d) => JSON.parse(d).choices?.[0]?.delta?.content ?? '')
              .join('');
            if (isCorrect(p, content)) right[at] = 1;
          }),
        ),
      );
    } finally {
      await gateway.close();
    }
    // Aborted streams are counted up to the last token the upstream wrote before it saw the abort.
    const tokens = (await ask('stats')).tokensSent - before;
    const sorted = [...walls].sort((a, b) => a - b);
    const accuracy = right.reduce((s, x) => s + x, 0) / problems.length;
    return {
      tokens,
      wall: median(walls),
      wall90: quantile(sorted, 0.9),
      ttft: median(ttfts),
      accuracy,
      ci: bootstrapInterval([right], { resamples: 2000, seed: 0 })!,
    };
  }

  const modelDir = makeTestPrm({
    kind: 'step-classifier',
    out: fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-bench-prm-')),
    tokenizerDir: fixturePath('tokenizers/qwen2.5-prm-tag'),
  });
  const scorers: [string, () => Promise<Scorer>][] = [
    ['vote', async () => createVoteScorer()],
    [
      'test PRM (arbitrary weights: cost only, not quality)',
      () =>
        createOnnxScorer({
          modelDir,
          device: 'cpu',
          batchTokens: 16384,
          queueLimit: 100_000,
          cacheEntries: 10_000,
          cacheMB: 64,
        }),
    ],
  ];

  const oracle = pool.filter((p) => p.score.some(Boolean)).length / pool.length;
  // The eval report's baselines, from the pool's own labels: one random candidate, and the oracle.
  const pctCi = (x: number, ci: [number, number]) =>
    `${(x * 100).toFixed(1)} [${(ci[0] * 100).toFixed(1)}, ${(ci[1] * 100).toFixed(1)}]`;
  const randomEach = pool.map((p) => p.score.filter(Boolean).length / p.score.length);
  const oracleEach = pool.map((p) => (p.score.some(Boolean) ? 1 : 0));
  const randomAt8 = randomEach.reduce((s, x) => s + x, 0) / pool.length;
  console.log(
    `Best-of-8 pool replayed as streams: ${pool.length} problems, ${TOKEN_MS} ms per token, ${CONCURRENCY} problems at a time; ${new Date().toISOString()}`,
  );
  console.log(
    `random@8 ${pctCi(randomAt8, bootstrapInterval([randomEach], { resamples: 2000, seed: 0 })!)}%, pass@8 ${pctCi(oracle, bootstrapInterval([oracleEach], { resamples: 2000, seed: 0 })!)}% (95% bootstrap intervals over problems)`,
  );
  try {
    // Warm-up, not reported: the first streamed requests pay for JIT compilation of the live path.
    await run(
      createVoteScorer(),
      8,
      { adaptive: { waves: [8], stop_when: { agreement: 1 } } },
      pool.slice(0, CONCURRENCY),
    );
    for (const [scorerName, make] of scorers) {
      const rows: (string | number)[][] = [];
      let plain = { tokens: 0, accuracy: 0 };
      for (const [name, bestOf, controls] of POLICIES) {
        const r = await run(await make(), bestOf, controls);
        if (rows.length === 0) plain = r;
        rows.push([
          name,
          r.tokens,
          Math.round(r.tokens / pool.length),
          (plain.tokens / r.tokens).toFixed(2),
          r.wall.toFixed(0),
          r.wall90.toFixed(0),
          r.ttft.toFixed(0),
          pctCi(r.accuracy, r.ci),
          ((r.accuracy - plain.accuracy) * 100).toFixed(1),
        ]);
      }
      console.log(`\nscorer: ${scorerName}`);
      printTable(
        [
          'policy',
          'upstream tokens',
          'per problem',
          '× fewer',
          'wall p50 ms',
          'wall p90 ms',
          'TTFT p50 ms',
          'accuracy % [95% CI]',
          'Δ points',
        ],
        rows,
      );
    }
  } finally {
    child.kill();
  }
}
