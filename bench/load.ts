/**
 * Load: bestofn against Portkey's gateway (@portkey-ai/gateway), both passing one request through to the
 * same fake upstream with realistic latency (300 ms to the first token, 50 tokens/s, 20 tokens), side by
 * side in one run. Each gateway runs in its own Node process; the load generator and the fake upstream
 * share this one. Reports added p50/p99 latency over calling the upstream directly, the best
 * requests/s over a concurrency sweep, and bestofn at N=16, concurrency 64.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'undici';
import { startFakeUpstream } from '../test/helpers/fake-upstream';
import { printTable, quantile } from './stats';

const CELL_MS = Number(process.env.BENCH_CELL_MS ?? 4000);
const TOKENS = 20;
const FIRST_TOKEN_MS = 300;
const TOKEN_MS = 20;
const agent = new Agent({ connections: 512, keepAliveTimeout: 30_000 });

const upstream = await startFakeUpstream({
  latencyMs: FIRST_TOKEN_MS + TOKENS * TOKEN_MS,
  respond: (_b, i) => ({ content: Array.from({ length: TOKENS - 2 }, (_, t) => `w${t}`).join(' ') + ` \\boxed{${i % 2 ? 41 : 42}}` }),
});

async function waitForPort(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`nothing answers on ${url}`);
}

function startProcess(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, args, { env: { PATH: process.env.PATH!, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

const BESTOFN_PORT = 18787;
const PORTKEY_PORT = 18788;
const children = [
  startProcess(['bin/bestofn.mjs', 'serve'], { UPSTREAM_BASE_URL: upstream.url, PORT: String(BESTOFN_PORT), LOG_LEVEL: 'warn', UPSTREAM_CONCURRENCY: '4096', BESTOFN_MAX_N: '64', KEY_CONCURRENCY: '100000' }),
  startProcess(['node_modules/@portkey-ai/gateway/build/start-server.js', `--port=${PORTKEY_PORT}`, '--headless'], {}),
];
await waitForPort(`http://127.0.0.1:${BESTOFN_PORT}/healthz`);
await waitForPort(`http://127.0.0.1:${PORTKEY_PORT}/`);

const messages = [{ role: 'user', content: 'What is 40 + 2?' }];
type Target = { name: string; url: string; headers: Record<string, string>; body: object };
const targets: Target[] = [
  { name: 'direct', url: `${upstream.url}/chat/completions`, headers: {}, body: { model: 'fake-model', messages } },
  { name: 'bestofn N=1', url: `http://127.0.0.1:${BESTOFN_PORT}/v1/chat/completions`, headers: {}, body: { model: 'fake-model', messages, best_of: 1 } },
  {
    name: 'portkey',
    url: `http://127.0.0.1:${PORTKEY_PORT}/v1/chat/completions`,
    headers: { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': upstream.url, authorization: 'Bearer unused' },
    body: { model: 'fake-model', messages },
  },
];

async function call(t: Target): Promise<void> {
  const res = await request(t.url, { method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json', ...t.headers }, body: JSON.stringify(t.body) });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${t.name}: ${res.statusCode} ${text.slice(0, 200)}`);
}

async function load(t: Target, concurrency: number) {
  for (let i = 0; i < 3; i++) await call(t);
  const latencies: number[] = [];
  const started = performance.now();
  const end = started + CELL_MS;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        await call(t);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), rps: latencies.length / ((performance.now() - started) / 1000) };
}

try {
  const sweep = [1, 16, 64, 256];
  const results = new Map<string, Awaited<ReturnType<typeof load>>[]>();
  // Interleave the contenders at each concurrency so drift on this shared machine hits all of them alike.
  for (const c of sweep) for (const t of targets) results.set(t.name, [...(results.get(t.name) ?? []), await load(t, c)]);
  const direct = results.get('direct')!;
  const rows = targets.map((t) => {
    const r = results.get(t.name)!;
    const added = (i: number, q: 'p50' | 'p99') => (t.name === 'direct' ? '—' : (r[i]![q] - direct[i]![q]).toFixed(1));
    return [t.name, ...sweep.flatMap((_, i) => [added(i, 'p50'), added(i, 'p99')]), Math.max(...r.map((x) => x.rps)).toFixed(0)];
  });
  console.log(`Pass-through at N=1 against a fake upstream (${FIRST_TOKEN_MS} ms + ${TOKENS} tokens at ${1000 / TOKEN_MS}/s ≈ ${FIRST_TOKEN_MS + TOKENS * TOKEN_MS} ms), ${CELL_MS} ms per cell, ${new Date().toISOString()}`);
  console.log(`Added latency over direct, ms (p50 / p99), by concurrency; and the best requests/s of the sweep.`);
  printTable(['target', ...sweep.flatMap((c) => [`c=${c} +p50`, `c=${c} +p99`]), 'max rps'], rows);

  const n16 = await load({ ...targets[1]!, name: 'bestofn N=16', body: { model: 'fake-model', messages, best_of: 16 } }, 64);
  console.log('');
  printTable(['bestofn N=16, c=64', 'p50 ms', 'p99 ms', 'requests/s', 'upstream calls/s'], [['', n16.p50.toFixed(1), n16.p99.toFixed(1), n16.rps.toFixed(1), (n16.rps * 16).toFixed(0)]]);
} finally {
  for (const c of children) c.kill('SIGKILL');
  await upstream.close();
  await agent.close();
}
