/**
 * Load: bestofn against Portkey's gateway (@portkey-ai/gateway), both passing one request through to the
 * same fake upstream with realistic latency (300 ms to the first token, then 20 tokens at 50 tokens/s),
 * side by side in one run. The fake upstream, bestofn and Portkey each run in their own Node process, so
 * the load generator (this process) does not share an event loop with any of them. Reports the latency
 * each gateway adds over calling the upstream directly (p50/p99, by concurrency), the best requests/s of
 * the concurrency sweep, and bestofn at N=16, concurrency 64.
 *
 * On a shared machine a burst of someone else's work would land on whichever contender runs at that
 * moment, so every cell is split into rounds and the contenders take turns, in a rotating order.
 */
import fs from 'node:fs';
import { Agent, request } from 'undici';
import { startFakeUpstream } from '../test/helpers/fake-upstream';
import { firstLine, killProcesses, startProcess } from './child-processes';
import { median, printTable, quantile } from './stats';

const FIRST_TOKEN_MS = 300;
const TOKEN_MS = 20;
const TOKENS = 20;
const CONTENT = Array.from({ length: TOKENS - 1 }, (_, t) => `w${t}`).join(' ') + ' \\boxed{42}';

// Run as the fake upstream's own process: print the URL, then serve until killed.
if (process.env.BENCH_ROLE === 'upstream') {
  const upstream = await startFakeUpstream({
    latencyMs: FIRST_TOKEN_MS,
    chunkDelayMs: TOKEN_MS,
    respond: () => ({ content: CONTENT }),
  });
  console.log(upstream.url);
  // The fake records every request body; a load run must not grow it without bound.
  setInterval(() => ((upstream.requests.length = 0), (upstream.headers.length = 0)), 1000).unref();
  await new Promise(() => {});
}

const scale = Number(process.env.BENCH_SCALE ?? 1);
const SWEEP = [1, 16, 64, 256, 1024];
/** Rounds per cell and seconds per round: light load needs longer rounds to collect enough samples. */
const plan = (c: number) =>
  c === 1
    ? { rounds: 3, ms: 6000 * scale }
    : c <= 64
      ? { rounds: 4, ms: 4000 * scale }
      : { rounds: 2, ms: 3000 * scale };
/** Each client of a round starts at a random moment within the first answer's time. */
const STAGGER_MS = FIRST_TOKEN_MS + TOKENS * TOKEN_MS;
const agent = new Agent({ connections: 2048, keepAliveTimeout: 60_000, pipelining: 1 });
async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`nothing answers on ${url}`);
}

type Target = { name: string; url: string; headers: Record<string, string>; body: object; pid?: number };
/** Latencies, requests/s of each round, and the CPU seconds the target's own process spent per request. */
type Cell = { latencies: number[]; rps: number[]; cpu: number; requests: number };

/** User + system CPU seconds of a process so far, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ (100 on Linux)
}

async function call(t: Target): Promise<string> {
  const res = await request(t.url, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', ...t.headers },
    body: JSON.stringify(t.body),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${t.name}: ${res.statusCode} ${text.slice(0, 300)}`);
  return text;
}

/** `concurrency` closed loops for `ms`; latencies go into the cell, and the round's requests/s. */
async function round(t: Target, concurrency: number, ms: number, cell: Cell, staggerMs: number): Promise<void> {
  const cpuBefore = t.pid ? cpuSeconds(t.pid) : 0;
  const started = performance.now();
  const end = started + ms;
  // Requests/s counts the answers after every client has started, so the staggered start does not dilute it.
  const steady = started + staggerMs;
  let done = 0;
  let doneSteady = 0;
  let last = started;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      // Real clients do not start in the same millisecond. Started together, closed-loop clients facing an
      // upstream of fixed latency would arrive in one burst every 0.7 s for the whole round.
      if (staggerMs > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * staggerMs));
      while (performance.now() < end) {
        const t0 = performance.now();
        await call(t);
        last = performance.now();
        cell.latencies.push(last - t0);
        done++;
        if (last >= steady) doneSteady++;
      }
    }),
  );
  cell.rps.push(doneSteady / ((last - steady) / 1000));
  cell.requests += done;
  if (t.pid) cell.cpu += cpuSeconds(t.pid) - cpuBefore;
}

async function measure(targets: Target[], concurrency: number, staggerMs = STAGGER_MS): Promise<Cell[]> {
  const { rounds, ms } = plan(concurrency);
  const cells: Cell[] = targets.map(() => ({ latencies: [], rps: [], cpu: 0, requests: 0 }));
  // Open the sockets first, so the first round does not pay for `concurrency` TCP handshakes.
  for (const t of targets) await Promise.all(Array.from({ length: Math.min(concurrency, 256) }, () => call(t)));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < targets.length; i++) {
      const k = (i + r) % targets.length;
      await round(targets[k]!, concurrency, ms, cells[k]!, staggerMs);
    }
  }
  for (const c of cells) c.latencies.sort((a, b) => a - b);
  return cells;
}

try {
  const upstreamProcess = startProcess(['--import', 'tsx', 'bench/load.ts'], { BENCH_ROLE: 'upstream' }, 'pipe');
  const upstreamUrl = await firstLine(upstreamProcess);
  const BESTOFN_PORT = 18787;
  const PORTKEY_PORT = 18788;
  const bestofn = startProcess(['bin/bestofn.mjs', 'serve'], {
    UPSTREAM_BASE_URL: upstreamUrl,
    PORT: String(BESTOFN_PORT),
    LOG_LEVEL: 'warn',
    // Limits sized for the benchmark, not for production: the point is the gateway's own cost.
    UPSTREAM_CONCURRENCY: '4096',
    BESTOFN_MAX_N: '64',
    KEY_CONCURRENCY: '100000',
    KEY_RPM: '1000000',
  });
  const portkey = startProcess(
    ['node_modules/@portkey-ai/gateway/build/start-server.js', `--port=${PORTKEY_PORT}`, '--headless'],
    {},
  );
  await waitFor(`http://127.0.0.1:${BESTOFN_PORT}/healthz`);
  await waitFor(`http://127.0.0.1:${PORTKEY_PORT}/`);

  const messages = [{ role: 'user', content: 'What is 40 + 2?' }];
  const targets: Target[] = [
    {
      name: 'direct',
      url: `${upstreamUrl}/chat/completions`,
      headers: {},
      body: { model: 'fake-model', messages },
      pid: upstreamProcess.pid,
    },
    {
      name: 'bestofn N=1',
      url: `http://127.0.0.1:${BESTOFN_PORT}/v1/chat/completions`,
      headers: {},
      body: { model: 'fake-model', messages, best_of: 1 },
      pid: bestofn.pid,
    },
    {
      name: 'portkey',
      url: `http://127.0.0.1:${PORTKEY_PORT}/v1/chat/completions`,
      headers: { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': upstreamUrl, authorization: 'Bearer unused' },
      body: { model: 'fake-model', messages },
      pid: portkey.pid,
    },
  ];
  // Each contender must return the upstream's answer, or the comparison means nothing.
  for (const t of targets) {
    const content = JSON.parse(await call(t)).choices?.[0]?.message?.content;
    if (content !== CONTENT) throw new Error(`${t.name} returned ${JSON.stringify(content)}`);
  }

  const started = performance.now();
  const results = new Map<number, Cell[]>();
  for (const c of SWEEP) results.set(c, await measure(targets, c));

  console.log(
    `Pass-through at N=1 against a fake upstream (${FIRST_TOKEN_MS} ms + ${TOKENS} tokens at ${1000 / TOKEN_MS}/s ≈ ${FIRST_TOKEN_MS + TOKENS * TOKEN_MS} ms), ${new Date().toISOString()}`,
  );
  console.log(
    'Added latency over direct, ms (p50 / p99), by concurrency c; best requests/s of the sweep (median of rounds).',
  );
  const cols = SWEEP.flatMap((c) => [`c=${c} +p50`, `+p99`]);
  printTable(
    ['target', ...cols, 'max rps', 'at c'],
    targets.map((t, i) => {
      const added = SWEEP.flatMap((c) => {
        const [direct, own] = [results.get(c)![0]!, results.get(c)![i]!];
        if (i === 0) return [quantile(own.latencies, 0.5).toFixed(0), quantile(own.latencies, 0.99).toFixed(0)];
        return [
          (quantile(own.latencies, 0.5) - quantile(direct.latencies, 0.5)).toFixed(1),
          (quantile(own.latencies, 0.99) - quantile(direct.latencies, 0.99)).toFixed(1),
        ];
      });
      const best = SWEEP.map((c) => ({ c, rps: median(results.get(c)![i]!.rps) })).reduce((a, b) =>
        b.rps > a.rps ? b : a,
      );
      return [t.name, ...added, best.rps.toFixed(0), best.c];
    }),
  );
  console.log(
    `(direct row: its own p50 / p99 in ms. Samples per target at c=1: ${results.get(1)![0]!.latencies.length}; at c=1024: ${results.get(1024)![0]!.latencies.length}.)`,
  );
  // CPU per request is what a busy machine turns into queueing, and it is far less noisy than latency here.
  console.log(
    '\nCPU ms per request of each process (the fake upstream for direct, the gateway otherwise), by concurrency:',
  );
  printTable(
    ['process', ...SWEEP.map((c) => `c=${c}`)],
    targets.map((t, i) => [
      t.name === 'direct' ? 'fake upstream' : t.name,
      ...SWEEP.map((c) => ((results.get(c)![i]!.cpu / results.get(c)![i]!.requests) * 1000).toFixed(2)),
    ]),
  );

  // The worst case for a gateway: every client starts in the same millisecond, so with a fixed-latency upstream
  // each wave of 64 requests lands at once and queues behind the CPU each request needs before it goes upstream.
  const burst = await measure(targets, 64, 0);
  console.log(
    '\nBurst: all 64 clients start at once, so requests arrive in waves of 64 (added ms over direct, except the direct row):',
  );
  printTable(
    ['target', '+p50', '+p90', '+p99', '+mean', 'requests/s'],
    targets.map((t, i) => {
      const [direct, own] = [burst[0]!, burst[i]!];
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const added = (a: number, b: number) => (i === 0 ? a : a - b).toFixed(i === 0 ? 0 : 1);
      const at = (p: number) => added(quantile(own.latencies, p), quantile(direct.latencies, p));
      return [
        t.name,
        at(0.5),
        at(0.9),
        at(0.99),
        added(mean(own.latencies), mean(direct.latencies)),
        median(own.rps).toFixed(0),
      ];
    }),
  );

  const n16: Target = { ...targets[1]!, name: 'bestofn N=16', body: { model: 'fake-model', messages, best_of: 16 } };
  const [cell] = await measure([n16], 64);
  const cpu16 = ((cell!.cpu / cell!.requests) * 1000).toFixed(1);
  const directP50 = quantile(results.get(64)![0]!.latencies, 0.5);
  console.log('');
  printTable(
    [
      'bestofn N=16, c=64',
      'p50 ms',
      'p99 ms',
      '+p50 over one direct call',
      'requests/s',
      'upstream calls/s',
      'gateway CPU ms/request',
    ],
    [
      [
        '',
        quantile(cell!.latencies, 0.5).toFixed(0),
        quantile(cell!.latencies, 0.99).toFixed(0),
        (quantile(cell!.latencies, 0.5) - directP50).toFixed(1),
        median(cell!.rps).toFixed(1),
        (median(cell!.rps) * 16).toFixed(0),
        cpu16,
      ],
    ],
  );
  console.log(`\n${((performance.now() - started) / 1000).toFixed(0)} s of load.`);
} finally {
  killProcesses();
  await agent.close();
}
