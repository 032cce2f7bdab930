/**
 * Soak: ≥ 10,000 requests through one gateway process (a mix of plain and streamed answers, N from 1 to
 * 8, some clients aborting mid-request), sampling the gateway's RSS from /proc. Memory should stay flat,
 * within 20% of its level after warm-up.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { Agent, request } from 'undici';
import { startFakeUpstream } from '../test/helpers/fake-upstream';
import { printTable } from './stats';

const TOTAL = Number(process.env.SOAK_REQUESTS ?? 12_000);
const WARMUP = Math.floor(TOTAL / 6);
const CONCURRENCY = 32;
const PORT = 18789;

const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

const upstream = await startFakeUpstream({ latencyMs: 2 });
const child = spawn(process.execPath, ['bin/bestofn.mjs', 'serve'], {
  env: { PATH: process.env.PATH!, UPSTREAM_BASE_URL: upstream.url, PORT: String(PORT), LOG_LEVEL: 'warn', UPSTREAM_CONCURRENCY: '256', ...JSON.parse(process.env.SOAK_ENV ?? '{}') },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const agent = new Agent({ connections: CONCURRENCY * 2 });
const url = `http://127.0.0.1:${PORT}/v1/chat/completions`;
for (let i = 0; i < 200; i++) {
  try {
    await fetch(`http://127.0.0.1:${PORT}/healthz`);
    break;
  } catch {
    await new Promise((r) => setTimeout(r, 50));
  }
}

let sent = 0;
let failed = 0;
const samples: { done: number; rss: number }[] = [];
async function one(i: number): Promise<void> {
  const stream = i % 3 === 0;
  const abort = i % 50 === 7 ? AbortSignal.timeout(1) : undefined;
  try {
    const res = await request(url, {
      method: 'POST',
      dispatcher: agent,
      signal: abort,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: `What is ${i % 97} + 2?` }], best_of: 1 + (i % 8), stream }),
    });
    await res.body.text();
    if (res.statusCode !== 200) failed++;
  } catch {
    if (!abort) failed++;
  }
}

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
await new Promise((r) => setTimeout(r, 500));
samples.push({ done: TOTAL, rss: rssMiB(child.pid!) });
child.kill('SIGKILL');
await upstream.close();
await agent.close();

const afterWarmup = samples.filter((s) => s.done >= WARMUP);
const base = afterWarmup[0]!.rss;
const peak = Math.max(...afterWarmup.map((s) => s.rss));
const end = samples.at(-1)!.rss;
console.log(`Soak: ${TOTAL} requests (1/3 streamed, N=1..8, 2% aborted by the client), concurrency ${CONCURRENCY}, ${seconds.toFixed(0)} s, ${new Date().toISOString()}`);
printTable(
  ['requests', 'failed', 'req/s', 'RSS after warm-up MiB', 'peak MiB', 'end MiB', 'end / warm-up', 'within 20%'],
  [[TOTAL, failed, (TOTAL / seconds).toFixed(0), base.toFixed(1), peak.toFixed(1), end.toFixed(1), (end / base).toFixed(2), peak <= base * 1.2 && end <= base * 1.2 ? 'yes' : 'NO']],
);
console.log('\nRSS by requests done: ' + samples.map((s) => `${s.done}:${s.rss.toFixed(0)}`).join(' '));
