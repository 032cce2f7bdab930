/**
 * Throughput of the in-process ONNX scorer on the test PRM (tools/make-test-prm.ts), with real Best-of-8
 * answers from the recorded pool in data/ as input (a few hundred tokens each).
 *
 *   npx tsx bench/scorer.ts
 *
 * The test graph is tiny, so these numbers measure the gateway side — tokenization aside: tensor
 * building, padding, batching, onnxruntime call overhead, reading rewards — not a 7B model. What they
 * show that carries over: how padding and batch shape cost, and what deduplication and the cache save.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeTestPrm } from '../tools/make-test-prm';
import { loadModelDir } from '../src/scorer/onnx/model-dir';
import { createOnnxSequenceScorer, planSequence } from '../src/scorer/onnx/onnx-sequence-scorer';
import type { PrmRow } from '../src/scorer/onnx/prm-input';
import { forward, readRewards } from '../src/scorer/onnx/run-batch';
import { MicroBatcher } from '../src/scorer/onnx/micro-batcher';
import { createPrmScorer } from '../src/scorer/prm-scorer';
import { createScoreCache, sequenceScoreBytes } from '../src/scorer/score-cache';
import type { PrmSequence } from '../src/scorer/types';
import type { CandidateParts } from '../src/core/types';
import { fixturePath } from '../test/helpers/fixture-path';

const RUNS = 7;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  await fn(); // warm-up
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    times.push((performance.now() - t0) / 1000);
  }
  return median(times);
}

function table(headers: string[], rows: (string | number)[][]): void {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  for (const [i, r] of cells.entries()) {
    console.log(r.map((c, j) => c.padStart(widths[j]!)).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  console.log();
}

// Real answers: one sequence per sampled response, steps split on blank lines, capped to keep the run short.
function loadSequences(limit: number): PrmSequence[] {
  const lines = fs.readFileSync(fixturePath('data/bon-pool-qwen25-math-cot-100-n8.jsonl'), 'utf8').trim().split('\n');
  const out: PrmSequence[] = [];
  for (const line of lines) {
    const row = JSON.parse(line) as { question: string; response: string[] };
    for (const r of row.response) {
      if (r.length > 2500) continue; // keep "a few hundred tokens"
      out.push({ problem: row.question, steps: r.split(/\n\n+/).filter((s) => s.trim()) });
      if (out.length === limit) return out;
    }
  }
  return out;
}

const dir = makeTestPrm({
  kind: 'step-classifier',
  out: fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-bench-')),
  maxLength: 4096,
});
const prm = await loadModelDir(dir, { device: 'cpu' });
const sequences = loadSequences(256);
const rows: PrmRow[] = sequences.map((s) => planSequence(prm, s, prm.encode).rows[0]!);
const lengths = rows.map((r) => r.ids.length).sort((a, b) => a - b);
const realTokens = lengths.reduce((a, b) => a + b, 0);
console.log(`test PRM: ${dir}\nprovider: ${prm.provider}, cores: ${os.cpus().length}`);
console.log(
  `${rows.length} sequences, tokens per sequence: median ${median(lengths)}, min ${lengths[0]}, max ${lengths.at(-1)}\n`,
);

// 1. Raw forward passes at fixed batch sizes, rows in arrival order (padding to the longest of each batch).
console.log('1. forward passes at fixed batch size (arrival order, right-padded)');
const batchRows: (string | number)[][] = [];
for (const size of [1, 2, 4, 8, 16, 32]) {
  let padded = 0;
  const s = await timed(async () => {
    padded = 0;
    for (let i = 0; i < rows.length; i += size) {
      const batch = rows.slice(i, i + size);
      padded += Math.max(...batch.map((r) => r.ids.length)) * batch.length;
      readRewards(prm.manifest, await forward(prm, batch), batch);
    }
  });
  batchRows.push([
    size,
    (rows.length / s).toFixed(0),
    (realTokens / s).toFixed(0),
    `${((padded / realTokens - 1) * 100).toFixed(0)}%`,
  ]);
}
table(['batch', 'seq/s', 'real tok/s', 'padding'], batchRows);

// 2. 32 concurrent requests of N=8 candidates, pre-tokenized: the micro-batcher vs. one row per forward pass.
console.log('2. 32 concurrent requests × 8 sequences (pre-tokenized): micro-batcher vs one at a time');
const requests = Array.from({ length: rows.length / 8 }, (_, i) => rows.slice(i * 8, i * 8 + 8));
const concurrentRows: (string | number)[][] = [];
for (const [label, batchTokens] of [
  ['one at a time', 1],
  ['micro-batcher 4k', 4096],
  ['micro-batcher 16k (default)', 16_384],
  ['micro-batcher 64k', 65_536],
] as const) {
  const batcher = new MicroBatcher<PrmRow, number[]>({
    run: async (batch) => readRewards(prm.manifest, await forward(prm, batch), batch),
    lengthOf: (r) => r.ids.length,
    batchTokens,
    queueLimit: 4096,
  });
  const s = await timed(() => Promise.all(requests.map((r) => batcher.submit(r))));
  const st = batcher.stats;
  concurrentRows.push([
    label,
    (rows.length / s).toFixed(0),
    (realTokens / s).toFixed(0),
    (st.rows / st.batches).toFixed(1),
    `${((st.paddedTokens / st.realTokens - 1) * 100).toFixed(1)}%`,
  ]);
}
table(['mode', 'seq/s', 'real tok/s', 'rows/batch', 'padding'], concurrentRows);

// Tokenization is in JS on the event loop; with a real model it is small next to the forward pass.
const tokenize = await timed(async () => {
  for (const s of sequences) planSequence(prm, s, prm.encode);
});
console.log(
  `tokenization (@huggingface/tokenizers): ${(rows.length / tokenize).toFixed(0)} seq/s, ${(realTokens / tokenize).toFixed(0)} tok/s\n`,
);

// 3. N=16 with 4 distinct answers: scoring all 16, deduplicated, and a repeated request from the cache.
console.log('3. one request, N=16 candidates with 4 distinct answers (tokenization included)');
const distinct = sequences.slice(0, 4);
const candidates: CandidateParts[] = Array.from({ length: 16 }, (_, i) => {
  const s = distinct[i % 4]!;
  return { thinking: '', thinkingSteps: [], response: s.steps.join('\n\n'), responseSteps: [...s.steps], answer: null };
});
const seqScorer = createOnnxSequenceScorer(prm, { batchTokens: 16_384, queueLimit: 4096 });
// The four answers belong to different problems in the pool; pretend they answer the first one.
const request = { problem: distinct[0]!.problem, candidates };
const all16Seqs = candidates.map((c) => ({ problem: request.problem, steps: c.responseSteps }));
const all16 = await timed(() => seqScorer.scoreSequences(all16Seqs));
const all16Tokens = (await seqScorer.scoreSequences(all16Seqs)).reduce((n, s) => n + s.tokens, 0);
const plain = createPrmScorer(seqScorer);
const dedup = await timed(() => plain.score(request));
const dedupTokens = (await plain.score(request)).info!.tokens;
const cached = createPrmScorer(seqScorer, {
  cache: createScoreCache({ entries: 10_000, maxBytes: 64 << 20 }, sequenceScoreBytes),
});
await cached.score(request);
const hit = await timed(() => cached.score(request));
const hitTokens = (await cached.score(request)).info!.tokens;
table(
  ['mode', 'sequences run', 'model tokens', 'ms'],
  [
    ['score all 16', 16, all16Tokens, (all16 * 1000).toFixed(1)],
    ['deduplicated (prm-scorer)', 4, String(dedupTokens), (dedup * 1000).toFixed(1)],
    ['repeat request, cache hit', 0, String(hitTokens), (hit * 1000).toFixed(2)],
  ],
);
await prm.session.release();
fs.rmSync(dir, { recursive: true, force: true });
