/**
 * Replicas: what sharing per-key limits and the score cache through Redis costs per request, and what it
 * buys. Two gateway replicas with Redis against one replica without it, and the other two combinations,
 * all as separate processes on this machine, with a real redis-server, a fake upstream (Best-of-4, 50 ms)
 * and a fake vLLM PRM server (SCORER=remote, 5 ms). Every request carries a gateway key, so every one
 * runs the limits (the Lua token bucket and a concurrency lease with Redis) and the score cache.
 *
 * Two parts. Cost: every request asks a new problem, so no cache ever hits and each request pays the
 * whole Redis path (the admit script, a lease release, a cache read that misses, a cache write) — the
 * added latency against one replica without Redis is that path's price. Sharing: requests name one of
 * PROBLEMS problems at random with its own seed, so a repeat gets the same candidates and is a cache hit —
 * in the replica's memory, or with Redis on whichever replica scored it first.
 * Clients are a closed loop; replicas are asked in turn; configurations take turns round by round, so
 * drift on a shared machine spreads over all of them.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import { Agent, request } from 'undici';
import { startFakeUpstream } from '../test/helpers/fake-upstream';
import { startFakeVllm } from '../test/helpers/fake-vllm-pooling';
import { KeyLimiter } from '../src/access/key-limits';
import { RedisKeyLimiter } from '../src/access/redis-limiter';
import { connected, createRedisClient } from '../src/redis/redis-client';
import { RedisHealth } from '../src/redis/redis-health';
import { createRedisScoreTier } from '../src/scorer/redis-score-tier';
import { killProcesses, startProcess, firstLine } from './child-processes';
import { printTable, quantile } from './stats';

if (process.env.BENCH_ROLE === 'upstream') {
  const upstream = await startFakeUpstream({ latencyMs: 50 });
  console.log(upstream.url);
  setInterval(() => ((upstream.requests.length = 0), (upstream.headers.length = 0)), 1000).unref();
  await new Promise(() => {});
}
if (process.env.BENCH_ROLE === 'prm') {
  const prm = await startFakeVllm({ latencyMs: 5 });
  console.log(prm.url);
  setInterval(() => ((prm.requests.length = 0), (prm.headers.length = 0)), 1000).unref();
  await new Promise(() => {});
}

const scale = Number(process.env.BENCH_SCALE ?? 1);
const CONCURRENCY = [16, 64];
const ROUNDS = 4;
const ROUND_MS = 4000 * scale;
const PROBLEMS = 1500;
const KEY = 'bench-key';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });

const agent = new Agent({ connections: 1024, keepAliveTimeout: 60_000 });

type Sample = { ms: number; memory: number; redis: number; scored: number };

let fresh = 0;
const newProblem = () => `${process.pid}.${fresh++}`;
const repeatedProblem = () => String(Math.floor(Math.random() * PROBLEMS));

async function ask(url: string, p: string): Promise<Sample> {
  const body = JSON.stringify({
    model: 'bench',
    messages: [{ role: 'user', content: `Problem ${p}: what is ${p} + ${p}?` }],
    best_of: 4,
    seed: Number(p.split('.').pop()),
  });
  const t0 = performance.now();
  const res = await request(`${url}/v1/chat/completions`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body,
  });
  const text = await res.body.text();
  const ms = performance.now() - t0;
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${text.slice(0, 200)}`);
  const info = JSON.parse(text).bestofn.scorer_info ?? {};
  const tiers = info.cache_hits_by_tier ?? { memory: info.cache_hits ?? 0, redis: 0 };
  return { ms, memory: tiers.memory, redis: tiers.redis, scored: info.sequences_scored ?? 0 };
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      await ask(url, newProblem());
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`nothing answers on ${url}`);
}

/** c clients for ms milliseconds, each asking the replicas in turn. */
async function round(
  urls: string[],
  c: number,
  ms: number,
  problem: () => string,
): Promise<{ samples: Sample[]; seconds: number }> {
  const samples: Sample[] = [];
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: c }, async () => {
      while (performance.now() - t0 < ms) samples.push(await ask(urls[next++ % urls.length]!, problem()));
    }),
  );
  return { samples, seconds: (performance.now() - t0) / 1000 };
}

/**
 * The Redis path alone, one call at a time from this process: what one request adds to its own latency
 * on an idle connection, without the end-to-end runs' queueing noise.
 */
async function redisPath(url: string): Promise<(string | number)[][]> {
  const client = createRedisClient({ url, timeoutMs: 1000 });
  await connected(client, 5000);
  const health = new RedisHealth(
    { warn: (m) => console.error(m), info: () => {} },
    { limits: 'local', cache: 'skipped' },
  );
  const limiter = new RedisKeyLimiter({
    client,
    keyIds: ['bench'],
    prefix: 'path',
    leaseMs: 30_000,
    failure: 'local',
    local: new KeyLimiter(),
    health,
  });
  const tier = createRedisScoreTier({ client, prefix: 'path', ttlSeconds: 60, maxEntryBytes: 65_536, health });
  const limit = { rpm: 1e9, cpm: 1e9, concurrency: 1e6, maxN: 64 };
  const seq = (i: number) => ({
    problem: `path problem ${i}`,
    steps: ['First step of the work.', 'Second step.', 'The answer is 4.'],
  });
  const time = async (n: number, f: (i: number) => Promise<unknown>) => {
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await f(i);
      ms.push(performance.now() - t0);
    }
    return ms.sort((a, b) => a - b);
  };
  const n = Math.round(2000 * scale);
  await time(200, async () => (await limiter.admit(0, limit)).ok);
  const rows = [
    [
      'limits: admit (Lua) + release',
      await time(n, async () => {
        const a = await limiter.admit(0, limit);
        if (a.ok) a.release();
      }),
    ],
    ['cache: read 2 sequences (miss)', await time(n, (i) => tier.getMany('remote', 'm', [seq(i), seq(-i - 1)]))],
    [
      'cache: write 1, read it twice (hit)',
      await time(
        n,
        (i) => (
          tier.setMany('remote', 'm', [
            { seq: seq(1e6 + i), score: { stepRewards: [0.9, 0.8, 0.7], windowed: false, tokens: 40 } },
          ]),
          tier.getMany('remote', 'm', [seq(1e6 + i), seq(1e6 + i)])
        ),
      ),
    ],
  ] as const;
  limiter.close();
  await client.quit();
  return rows.map(([name, ms]) => [
    name,
    (quantile(ms, 0.5) * 1000).toFixed(0),
    (quantile(ms, 0.99) * 1000).toFixed(0),
  ]);
}

let redis: ReturnType<typeof spawn> | undefined;

async function main() {
  const redisPort = await freePort();
  redis = spawn(
    process.env.REDIS_SERVER_BIN ?? 'redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const upstream = await firstLine(
    startProcess(['--import', 'tsx', 'bench/replicas.ts'], { BENCH_ROLE: 'upstream' }, 'pipe'),
  );
  const prm = await firstLine(startProcess(['--import', 'tsx', 'bench/replicas.ts'], { BENCH_ROLE: 'prm' }, 'pipe'));
  const base = {
    UPSTREAM_BASE_URL: upstream,
    UPSTREAM_SUPPORTS_N: 'true',
    UPSTREAM_CONCURRENCY: '4096',
    GATEWAY_API_KEYS: KEY,
    KEY_RPM: '1000000',
    KEY_CONCURRENCY: '100000',
    SCORER: 'remote',
    SCORER_URL: prm,
    SCORER_MODEL: 'Qwen/Qwen2.5-Math-PRM-7B',
    LOG_LEVEL: 'warn',
  };
  const replica = async (env: Record<string, string>) => {
    const port = await freePort();
    startProcess(['bin/bestofn.mjs', 'serve'], { ...base, ...env, PORT: String(port) });
    return `http://127.0.0.1:${port}`;
  };
  const withRedis = (prefix: string) => ({ REDIS_URL: `redis://127.0.0.1:${redisPort}`, REDIS_PREFIX: prefix });
  const configs = [
    { name: '1 replica, no Redis', urls: [await replica({})] },
    { name: '1 replica + Redis', urls: [await replica(withRedis('one'))] },
    { name: '2 replicas + Redis', urls: await Promise.all([replica(withRedis('two')), replica(withRedis('two'))]) },
    { name: '2 replicas, no Redis', urls: await Promise.all([replica({}), replica({})]) },
  ];
  for (const c of configs) for (const u of c.urls) await waitFor(u);

  const path = await redisPath(`redis://127.0.0.1:${redisPort}`);
  console.log('\nThe Redis path alone, sequential calls from one process (µs):\n');
  printTable(['call', 'p50 µs', 'p99 µs'], path);

  type Config = (typeof configs)[number];
  const measure = async (cfgs: Config[], c: number, problem: () => string) => {
    const results = cfgs.map(() => ({ samples: [] as Sample[], seconds: 0 }));
    for (let r = 0; r < ROUNDS; r++) {
      for (const [i, cfg] of cfgs.entries()) {
        const out = await round(cfg.urls, c, ROUND_MS, problem);
        // The first round warms connections (and, with repeats, the caches); it is not counted.
        if (r > 0) (results[i]!.samples.push(...out.samples), (results[i]!.seconds += out.seconds));
      }
    }
    return results.map((res) => {
      const ms = res.samples.map((s) => s.ms).sort((a, b) => a - b);
      const seqs = res.samples.reduce((t, s) => t + s.memory + s.redis + s.scored, 0);
      return {
        p50: quantile(ms, 0.5),
        p99: quantile(ms, 0.99),
        rps: res.samples.length / res.seconds,
        memory: res.samples.reduce((t, s) => t + s.memory, 0) / seqs,
        redis: res.samples.reduce((t, s) => t + s.redis, 0) / seqs,
        scored: res.samples.reduce((t, s) => t + s.scored, 0) / res.samples.length,
      };
    });
  };
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;

  const cost: (string | number)[][] = [];
  for (const c of CONCURRENCY) {
    const stats = await measure(configs, c, newProblem);
    stats.forEach((s, i) =>
      cost.push([
        configs[i]!.name,
        c,
        s.p50.toFixed(2),
        s.p99.toFixed(2),
        i ? signed(s.p50 - stats[0]!.p50) : '',
        i ? signed(s.p99 - stats[0]!.p99) : '',
        s.rps.toFixed(0),
      ]),
    );
  }
  const note = `${ROUNDS - 1} rounds × ${ROUND_MS / 1000} s per cell after a warm-up round`;
  console.log(`\nCost — Best-of-4 (upstream 50 ms, PRM 5 ms), every request a new problem (no cache hits); ${note}.`);
  console.log('+p50 / +p99: against one replica without Redis at the same concurrency, in ms.\n');
  printTable(['configuration', 'c', 'p50 ms', 'p99 ms', '+p50', '+p99', 'req/s'], cost);

  const sharing: (string | number)[][] = [];
  const pair = [configs[2]!, configs[3]!];
  const stats = await measure(pair, 16, repeatedProblem);
  stats.forEach((s, i) =>
    sharing.push([
      pair[i]!.name,
      16,
      s.p50.toFixed(2),
      s.p99.toFixed(2),
      s.rps.toFixed(0),
      pct(s.memory),
      pct(s.redis),
      s.scored.toFixed(2),
    ]),
  );
  console.log(
    `\nSharing — the same, with requests drawn from ${PROBLEMS} problems (repeats hit the score cache); ${note}.\n`,
  );
  printTable(
    ['configuration', 'c', 'p50 ms', 'p99 ms', 'req/s', 'hits: memory', 'hits: redis', 'PRM seqs/req'],
    sharing,
  );
}

try {
  await main();
} finally {
  // Also when a run fails: a redis-server left behind would outlive the benchmark.
  redis?.kill('SIGKILL');
  killProcesses();
  await agent.close();
}
