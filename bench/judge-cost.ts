/**
 * What the judge costs per request (calls, prompt and completion tokens) for N = 4 and 8 in each mode, on
 * real candidates: the first problems of the CRUX pool (8 real models' answers; ../shared/data/crux-pool),
 * the first N candidates of each. The judge is a loopback OpenAI-compatible server that counts tokens with the
 * real Qwen2.5 tokenizer (../shared/tokenizers/qwen2.5; chat-template overhead not counted) and answers every
 * call with the same ~60-token explanation and a verdict; a real judge's completion tokens are whatever its
 * explanations run to, so read the completion column as calls × explanation length.
 *
 *   npm run bench:judge-cost [-- --problems 20]
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import pLimit from 'p-limit';
import { toCandidateParts } from '../src/core/anatomy';
import { JUDGE_MODES } from '../src/core/judge-prompt';
import { parseCruxPool } from '../src/eval/crux-pool';
import { nodeHttpClient } from '../src/http/node-http-client';
import { createJudgeScorer } from '../src/scorer/judge/judge-scorer';
import { printTable } from './stats';

const POOL = path.resolve('../shared/data/crux-pool/crux-dev-200x8.jsonl');
const TOKENIZER = path.resolve('../shared/tokenizers/qwen2.5/tokenizer.json');
if (!fs.existsSync(POOL) || !fs.existsSync(TOKENIZER)) {
  console.log('bench:judge-cost skipped: ../shared (the CRUX pool and the Qwen2.5 tokenizer) is absent.');
  process.exit(0);
}
const i = process.argv.indexOf('--problems');
const PROBLEMS = i === -1 ? 20 : Number(process.argv[i + 1]);
const tokenizer = new Tokenizer(JSON.parse(fs.readFileSync(TOKENIZER, 'utf8')) as object, {});
const count = (text: string) => tokenizer.encode(text, { add_special_tokens: false }).ids.length;

const EXPLANATION =
  'Both responses trace the function on the given input. The first follows each loop iteration and keeps ' +
  'track of the intermediate values, while the second skips a step and reaches a different value. Checking ' +
  'the arithmetic and the string operations once more, the careful trace is the one that matches what the ' +
  'code does.';

const server = http.createServer((req, res) => {
  let raw = '';
  req.on('data', (c: Buffer) => (raw += c.toString()));
  req.on('end', () => {
    const body = JSON.parse(raw) as { messages: { content: string }[] };
    const user = body.messages.at(-1)!.content;
    const verdict = user.includes("[The Start of Assistant A's Answer]")
      ? '[[A]]'
      : user.includes("[The Start of Assistant's Answer]")
        ? 'Rating: [[7]]'
        : 'The best response is Response 1';
    const content = `${EXPLANATION}\n\n${verdict}`;
    const prompt = body.messages.reduce((s, m) => s + count(m.content), 0);
    const completion = count(content);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: 'judge',
        object: 'chat.completion',
        created: 0,
        model: 'judge',
        choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
        usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
      }),
    );
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;

const rows = parseCruxPool(fs.readFileSync(POOL, 'utf8'), POOL).slice(0, PROBLEMS);
const table: (string | number)[][] = [];
const started = performance.now();
for (const n of [4, 8]) {
  for (const mode of JUDGE_MODES) {
    const judge = createJudgeScorer({
      upstream: {
        baseUrl: url,
        supportsN: false,
        timeoutMs: 60_000,
        firstByteTimeoutMs: 60_000,
        retries: 0,
        retryBaseMs: 1,
        limit: pLimit(16),
        http: nodeHttpClient(5000),
      },
      model: 'judge',
      mode,
      maxChars: 8000,
      maxTokens: 2048,
    });
    let calls = 0;
    let prompt = 0;
    let completion = 0;
    for (const row of rows) {
      const result = await judge.score({
        problem: row.question,
        candidates: row.candidates.slice(0, n).map((c) => toCandidateParts({ content: c.output }, { complete: true })),
      });
      const info = result.info!.judge as { calls: number };
      calls += info.calls;
      prompt += result.usage!.prompt_tokens;
      completion += result.usage!.completion_tokens;
    }
    const per = (x: number) => (x / rows.length).toFixed(1);
    table.push([`N=${n}`, mode, per(calls), per(prompt), per(completion)]);
  }
}
server.close();
console.log(`Judge cost per request, mean over ${rows.length} CRUX problems (Qwen2.5 tokens)\n`);
printTable(['N', 'mode', 'calls', 'prompt tokens', 'completion tokens'], table);
console.log(`\n${((performance.now() - started) / 1000).toFixed(1)} s.`);
