/**
 * Early rejection and adaptive N against plain Best-of-8, on the shared Best-of-8 pool replayed as
 * token-timed streams: each candidate streams its real text, one whitespace token per CHUNK_MS.
 * Prints upstream tokens, wall time to the answer, time to the first content byte, and accuracy graded
 * against the pool's reference answers, for the vote scorer and the generated test PRM.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pLimit from 'p-limit';
import { extractAnswer } from '../src/core/answer';
import { gradeAnswer } from '../src/core/math';
import { parseConfig } from '../src/config';
import { createLogger } from '../src/log';
import { startGateway } from '../src/node';
import { createOnnxScorer } from '../src/scorer/onnx/index';
import type { Scorer } from '../src/scorer/types';
import { createVoteScorer } from '../src/scorer/vote';
import { makeTestPrm } from '../tools/make-test-prm';
import { startFakeUpstream } from '../test/helpers/fake-upstream';
import { median, printTable } from './stats';

const LIMIT = Number(process.env.BENCH_PROBLEMS ?? 100);
const CHUNK_MS = Number(process.env.BENCH_CHUNK_MS ?? 1);
const pool = fs
  .readFileSync(path.resolve('../shared/data/bon-pool-qwen25-math-cot-100-n8.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .slice(0, LIMIT)
  .map((l) => JSON.parse(l) as { question: string; gt: string; response: string[] });
const byQuestion = new Map(pool.map((p) => [p.question, p]));

const POLICIES: [string, object | undefined][] = [
  ['plain best-of-8', undefined],
  ['reject 64/64 keep ½', { reject: { after_tokens: 64, every_tokens: 64, keep_fraction: 0.5, min_keep: 2 } }],
  ['adaptive [2,4,8] agree 1.0', { adaptive: { waves: [2, 4, 8], stop_when: { agreement: 1 } } }],
  ['adaptive [3,8] agree 1.0', { adaptive: { waves: [3, 8], stop_when: { agreement: 1 } } }],
  ['adaptive [4,8] agree 0.75', { adaptive: { waves: [4, 8], stop_when: { agreement: 0.75 } } }],
  ['reject keep ¼ + early commit', { reject: { after_tokens: 64, every_tokens: 64, keep_fraction: 0.25, min_keep: 1 }, commit: {} }],
  ['adaptive [2,4,8] + reject + commit', { adaptive: { waves: [2, 4, 8], stop_when: { agreement: 1 } }, reject: { after_tokens: 64, every_tokens: 64, keep_fraction: 0.5, min_keep: 1 }, commit: {} }],
];

async function run(scorer: Scorer, controls: object | undefined) {
  const served = new Map<string, number>();
  const upstream = await startFakeUpstream({
    chunkDelayMs: CHUNK_MS,
    respond: (body) => {
      const question = body.messages.at(-1).content as string;
      const j = served.get(question) ?? 0;
      served.set(question, j + 1);
      return { content: byQuestion.get(question)!.response[j % 8]! };
    },
  });
  const config = parseConfig({ UPSTREAM_BASE_URL: upstream.url, PORT: '0', LOG_LEVEL: 'silent', UPSTREAM_CONCURRENCY: '256', BESTOFN_SELECT: 'argmax' });
  const gateway = await startGateway(config, createLogger('silent'), scorer);
  const walls: number[] = [];
  const ttfts: number[] = [];
  let correct = 0;
  const limit = pLimit(8);
  try {
    await Promise.all(
      pool.map((p) =>
        limit(async () => {
          const started = performance.now();
          const res = await fetch(`${gateway.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ model: 'pool', messages: [{ role: 'user', content: p.question }], best_of: 8, stream: true, ...(controls ? { bestofn: controls } : {}) }),
          });
          const reader = res.body!.getReader();
          const decoder = new TextDecoder();
          let text = '';
          let first: number | undefined;
          for (let c = await reader.read(); !c.done; c = await reader.read()) {
            text += decoder.decode(c.value, { stream: true });
            if (first === undefined && text.includes('"content":"')) first = performance.now() - started;
          }
          walls.push(performance.now() - started);
          ttfts.push(first ?? NaN);
          const content = text
            .split('\n\n')
            .filter((e) => e.startsWith('data: {'))
            .map((e) => JSON.parse(e.slice(6)).choices?.[0]?.delta?.content ?? '')
            .join('');
          if (gradeAnswer(extractAnswer(content), p.gt, { budgetMs: 5000 })) correct++;
        }),
      ),
    );
  } finally {
    await gateway.close();
    await upstream.close();
  }
  return { tokens: upstream.tokensSent, wall: median(walls), ttft: median(ttfts), accuracy: correct / pool.length };
}

const modelDir = makeTestPrm({ kind: 'step-classifier', out: fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-bench-prm-')), tokenizerDir: path.resolve('../shared/tokenizers/qwen2.5') });
const scorers: [string, () => Promise<Scorer>][] = [
  ['vote', async () => createVoteScorer()],
  ['test PRM', () => createOnnxScorer({ modelDir, device: 'cpu', batchTokens: 16384, queueLimit: 100_000, cacheEntries: 10_000, cacheMB: 64 })],
];

console.log(`Best-of-8 pool replayed as streams (${pool.length} problems, ${CHUNK_MS} ms per token, 8 problems at a time), ${new Date().toISOString()}`);
for (const [scorerName, make] of scorers) {
  const rows: (string | number)[][] = [];
  let plainTokens = 0;
  let plainAccuracy = 0;
  for (const [name, controls] of POLICIES) {
    const r = await run(await make(), controls);
    if (!controls) [plainTokens, plainAccuracy] = [r.tokens, r.accuracy];
    rows.push([name, r.tokens, (plainTokens / r.tokens).toFixed(2), r.wall.toFixed(0), r.ttft.toFixed(0), (r.accuracy * 100).toFixed(1), ((r.accuracy - plainAccuracy) * 100).toFixed(1)]);
  }
  console.log(`\nscorer: ${scorerName}`);
  printTable(['policy', 'upstream tokens', '× fewer', 'wall p50 ms', 'TTFT p50 ms', 'accuracy %', 'Δ points'], rows);
}
