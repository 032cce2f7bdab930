/**
 * What the gateway adds over calling the same fake upstream directly.
 * For N candidates the direct baseline is the client itself sending N parallel requests, which is the
 * work the gateway replaces; the gateway adds parsing, scoring (vote), ranking and one more HTTP hop.
 * Everything runs in one process on loopback, so both columns share the same CPU and noise.
 */
import { parseConfig } from '../src/config';
import { createLogger } from '../src/log';
import { startGateway } from '../src/node';
import { startFakeUpstream } from '../test/helpers/fake-upstream';
import { printTable, quantile } from './stats';

const BODY = { model: 'fake-model', messages: [{ role: 'user', content: 'What is 40 + 2?' }] };
const DURATION_MS = Number(process.env.BENCH_CELL_MS ?? 2500);

async function post(url: string, body: object): Promise<void> {
  const res = await fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
}

/** Runs `op` from `concurrency` loops for a fixed time; returns per-call latencies (ms) and calls/s. */
async function load(op: () => Promise<void>, concurrency: number) {
  for (let i = 0; i < 20; i++) await op(); // warm-up: JIT and keep-alive sockets
  const latencies: number[] = [];
  const end = performance.now() + DURATION_MS;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        await op();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    rps: latencies.length / ((performance.now() - started) / 1000),
  };
}

const upstream = await startFakeUpstream();
const config = parseConfig({
  UPSTREAM_BASE_URL: upstream.url,
  PORT: '0',
  LOG_LEVEL: 'silent',
  BESTOFN_MAX_N: '64',
  UPSTREAM_CONCURRENCY: '1024',
});
const gateway = await startGateway(config, createLogger('silent'));
const via = `${gateway.url}/v1`;

const rows: (string | number)[][] = [];
for (const n of [1, 16]) {
  for (const concurrency of [1, 16, 64]) {
    const direct = await load(
      () => Promise.all(Array.from({ length: n }, () => post(upstream.url, BODY))).then(() => undefined),
      concurrency,
    );
    const gw = await load(() => post(via, { ...BODY, best_of: n }), concurrency);
    rows.push([
      `N=${n} c=${concurrency}`,
      direct.p50.toFixed(2),
      gw.p50.toFixed(2),
      (gw.p50 - direct.p50).toFixed(2),
      direct.p99.toFixed(2),
      gw.p99.toFixed(2),
      (gw.p99 - direct.p99).toFixed(2),
      direct.rps.toFixed(0),
      gw.rps.toFixed(0),
      (gw.rps / direct.rps).toFixed(2),
    ]);
  }
}
console.log(
  `bestofn overhead over a zero-latency fake upstream (${DURATION_MS} ms per cell, one process, ${new Date().toISOString()})`,
);
printTable(
  ['case', 'direct p50', 'gw p50', '+p50 ms', 'direct p99', 'gw p99', '+p99 ms', 'direct rps', 'gw rps', 'rps ratio'],
  rows,
);
await gateway.close();
await upstream.close();
