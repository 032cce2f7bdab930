/**
 * Soak: ≥ 10,000 requests through one gateway process (plain and streamed Best-of-N answers with N from
 * 1 to 8, streamed tools passthroughs, some clients aborting mid-request), sampling the gateway's RSS
 * from /proc and its live handles from /metrics. Memory should stay flat, within 20% of its level after
 * warm-up; the growth rate after warm-up shows a slow leak that 20% would hide.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { Agent, request } from 'undici';
import { startFakeUpstream } from '../test/helpers/fake-upstream';
import { printTable } from './stats';
import { sseDataOf } from '../src/http/sse';

const TOTAL = Number(process.env.SOAK_REQUESTS ?? 20_000);
const WARMUP = Math.floor(TOTAL / 6);
const CONCURRENCY = 32;
const PORT = 18789;
const base = `http://127.0.0.1:${PORT}`;
const TOOLS = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }];

const rssMiB = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

const upstream = await startFakeUpstream({ latencyMs: 2 });
// The fake keeps every request body for tests; here that would only grow this process.
const trim = setInterval(() => ((upstream.requests.length = 0), (upstream.headers.length = 0)), 1000);
const child = spawn(process.execPath, ['bin/bestofn.mjs', 'serve'], {
  env: {
    PATH: process.env.PATH!,
    UPSTREAM_BASE_URL: upstream.url,
    PORT: String(PORT),
    LOG_LEVEL: 'warn',
    UPSTREAM_CONCURRENCY: '256',
    KEY_RPM: '1000000',
    ...JSON.parse(process.env.SOAK_ENV ?? '{}'),
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const agent = new Agent({ connections: CONCURRENCY * 2 });
for (let i = 0; i < 200; i++) {
  try {
    await fetch(`${base}/healthz`);
    break;
  } catch {
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Live handles and resources (sockets, timers, …) as the gateway's own metrics count them. */
async function handles(): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const value = (name: string) =>
    Number(new RegExp(`^bestofn_process_nodejs_${name} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  return value('active_handles_total') + value('active_resources_total');
}

/** A stream is whole when it ends in [DONE] and no event in it is an error. */
async function streamWhole(text: string): Promise<boolean> {
  const data = await sseDataOf(text);
  return data.at(-1) === '[DONE]' && !data.some((d) => d.startsWith('{"error"'));
}

let sent = 0;
let failed = 0;
const samples: { done: number; rss: number }[] = [];
async function one(i: number): Promise<void> {
  const stream = i % 3 === 0;
  const tools = i % 10 === 1;
  const abort = i % 50 === 7 ? AbortSignal.timeout(1 + (i % 7)) : undefined;
  const body = {
    model: 'fake-model',
    messages: [{ role: 'user', content: `What is ${i % 97} + 2?` }],
    best_of: 1 + (i % 8),
    stream,
    ...(tools ? { tools: TOOLS } : {}),
  };
  try {
    const res = await request(`${base}/v1/chat/completions`, {
      method: 'POST',
      dispatcher: agent,
      signal: abort,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.body.text();
    // A 200 stream can still end in an error event; an answer counts only if it is whole.
    const whole = stream ? await streamWhole(text) : JSON.parse(text).choices?.length === 1;
    if (res.statusCode !== 200 || !whole) failed++;
  } catch {
    if (!abort) failed++;
  }
}

const handlesBefore = await handles();
const started = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (sent < TOTAL) {
      const i = sent++;
      await one(i);
      if (i % 500 === 0) samples.push({ done: i, rss: rssMiB(child.pid!) });
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
// Idle keep-alive sockets are handles too: close the clients' and outwait the fake's 5 s keep-alive, so
// what remains is what requests left behind.
await agent.close();
await new Promise((r) => setTimeout(r, 6000));
samples.push({ done: TOTAL, rss: rssMiB(child.pid!) });
const handlesAfter = await handles();
child.kill('SIGKILL');
clearInterval(trim);
await upstream.close();

const afterWarmup = samples.filter((s) => s.done >= WARMUP);
const warm = afterWarmup[0]!.rss;
const peak = Math.max(...afterWarmup.map((s) => s.rss));
const end = samples.at(-1)!.rss;
// Least-squares slope of RSS over requests after warm-up, per 10,000 requests.
const mx = afterWarmup.reduce((s, p) => s + p.done, 0) / afterWarmup.length;
const my = afterWarmup.reduce((s, p) => s + p.rss, 0) / afterWarmup.length;
const slope =
  (afterWarmup.reduce((s, p) => s + (p.done - mx) * (p.rss - my), 0) /
    afterWarmup.reduce((s, p) => s + (p.done - mx) ** 2, 0)) *
  10_000;

console.log(
  `Soak: ${TOTAL} requests (1/3 streamed, 1/10 tools passthrough, N=1..8, 2% aborted by the client), concurrency ${CONCURRENCY}, ${seconds.toFixed(0)} s, ${new Date().toISOString()}`,
);
printTable(
  [
    'requests',
    'failed',
    'req/s',
    'RSS after warm-up MiB',
    'peak MiB',
    'end MiB',
    'end / warm-up',
    'MiB per 10k after warm-up',
    'handles before → idle after',
    'within 20%',
  ],
  [
    [
      TOTAL,
      failed,
      (TOTAL / seconds).toFixed(0),
      warm.toFixed(1),
      peak.toFixed(1),
      end.toFixed(1),
      (end / warm).toFixed(2),
      slope.toFixed(1),
      `${handlesBefore} → ${handlesAfter}`,
      peak <= warm * 1.2 && end <= warm * 1.2 ? 'yes' : 'NO',
    ],
  ],
);
console.log('\nRSS MiB by requests done: ' + samples.map((s) => `${s.done}:${s.rss.toFixed(0)}`).join(' '));
