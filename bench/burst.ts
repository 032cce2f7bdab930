/**
 * Burst: 64 requests at once, again and again, through bestofn (N=1), Portkey's gateway and a 20-line
 * Hono + undici proxy (the floor a Node gateway can reach), to a fake upstream that answers after 100 ms.
 * For each burst it records when the median and the last request reached the upstream and when the
 * client had the median and the last answer. Medians over the bursts; contenders take turns.
 *
 * Quieter than the burst cell of bench:load: short bursts with pauses between them, so the machine is
 * mostly idle and the figure is the gateway's own queueing.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { firstLine, killProcesses, startProcess } from './child-processes';
import { createLoadClient } from './load-client';
import { median, printTable } from './stats';

const UPSTREAM_MS = 100;
const WIDTH = 64;
const BURSTS = Number(process.env.BURSTS ?? 40);
const now = () => performance.timeOrigin + performance.now();

if (process.env.BENCH_ROLE === 'upstream') {
  // Arrival times (epoch ms) since the last GET /arrivals.
  let arrivals: number[] = [];
  const server = http.createServer(async (req, res) => {
    if (req.method === 'GET' && req.url === '/arrivals')
      return void (res.end(JSON.stringify(arrivals)), (arrivals = []));
    if (req.method === 'GET') {
      // The gateway's start-up probe lists the models.
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ object: 'list', data: [{ id: 'fake-model', object: 'model' }] }));
    }
    let raw = '';
    for await (const chunk of req) raw += chunk;
    arrivals.push(now());
    const { model } = JSON.parse(raw) as { model: string };
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const message = { role: 'assistant', content: 'The answer is \\boxed{42}', refusal: null };
      res.end(
        JSON.stringify({
          id: 'chatcmpl-burst',
          object: 'chat.completion',
          created: 1_700_000_000,
          model,
          usage: { prompt_tokens: 10, completion_tokens: 6, total_tokens: 16 },
          choices: [{ index: 0, logprobs: null, finish_reason: 'stop', message }],
        }),
      );
    }, UPSTREAM_MS);
  });
  server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  await new Promise(() => {});
}

if (process.env.BENCH_ROLE === 'floor') {
  // The least a Hono gateway on Node can do: parse, forward with undici, relay the text.
  const { serve } = await import('@hono/node-server');
  const { Hono } = await import('hono');
  const dispatcher = new Agent({ keepAliveTimeout: 30_000 });
  const app = new Hono().post('/v1/chat/completions', async (c) => {
    const body = await c.req.json();
    const reply = await request(`${process.env.UPSTREAM}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      dispatcher,
      signal: c.req.raw.signal,
    });
    return new Response(await reply.body.text(), {
      status: reply.statusCode,
      headers: { 'content-type': 'application/json' },
    });
  });
  serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT) });
  await new Promise(() => {});
}

const client = createLoadClient(1024);
const agent = client.agent;

type Target = { name: string; url: string; headers: Record<string, string>; body: string };
type Burst = { reachedMedian: number; reachedLast: number; answeredMedian: number; answeredLast: number };

async function burst(t: Target, upstream: string): Promise<Burst> {
  const t0 = now();
  const answered = (
    await Promise.all(Array.from({ length: WIDTH }, () => client.post(t, t.body).then(() => now() - t0)))
  ).sort((a, b) => a - b);
  const res = await request(`${upstream}/arrivals`, { dispatcher: agent });
  const reached = ((await res.body.json()) as number[]).map((a) => a - t0).sort((a, b) => a - b);
  return {
    reachedMedian: reached[WIDTH / 2]!,
    reachedLast: reached[WIDTH - 1]!,
    answeredMedian: answered[WIDTH / 2]!,
    answeredLast: answered[WIDTH - 1]!,
  };
}

try {
  const upstream = await firstLine(
    startProcess(['--import', 'tsx', 'bench/burst.ts'], { BENCH_ROLE: 'upstream' }, 'pipe'),
  );
  startProcess(['bin/bestofn.mjs', 'serve'], {
    UPSTREAM_BASE_URL: `${upstream}/v1`,
    PORT: '18797',
    LOG_LEVEL: 'warn',
    UPSTREAM_CONCURRENCY: '4096',
    KEY_CONCURRENCY: '100000',
    KEY_RPM: '1000000',
  });
  startProcess(['node_modules/@portkey-ai/gateway/build/start-server.js', '--port=18798', '--headless'], {});
  startProcess(['--import', 'tsx', 'bench/burst.ts'], { BENCH_ROLE: 'floor', UPSTREAM: upstream, PORT: '18799' });

  const plain = JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: 'What is 40 + 2?' }] });
  const targets: Target[] = [
    { name: 'direct', url: `${upstream}/v1/chat/completions`, headers: {}, body: plain },
    {
      name: 'bestofn N=1',
      url: 'http://127.0.0.1:18797/v1/chat/completions',
      headers: {},
      body: JSON.stringify({ ...JSON.parse(plain), best_of: 1 }),
    },
    {
      name: 'portkey',
      url: 'http://127.0.0.1:18798/v1/chat/completions',
      headers: {
        'x-portkey-provider': 'openai',
        'x-portkey-custom-host': `${upstream}/v1`,
        authorization: 'Bearer unused',
      },
      body: plain,
    },
    { name: 'hono + undici floor', url: 'http://127.0.0.1:18799/v1/chat/completions', headers: {}, body: plain },
  ];
  for (const t of targets) await client.waitFor(t, () => client.post(t, t.body), 200);
  // Warm-up: JIT, connection pools on both sides of every gateway.
  for (const t of targets) for (let i = 0; i < 5; i++) await burst(t, upstream);

  const results = targets.map(() => [] as Burst[]);
  for (let b = 0; b < BURSTS; b++) {
    for (let i = 0; i < targets.length; i++) {
      const k = (i + b) % targets.length;
      results[k]!.push(await burst(targets[k]!, upstream));
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  console.log(
    `Bursts of ${WIDTH} requests at once, fake upstream answering after ${UPSTREAM_MS} ms; median over ${BURSTS} bursts, ms from the burst's start (${new Date().toISOString()})`,
  );
  const m = (rs: Burst[], key: keyof Burst) => median(rs.map((r) => r[key])).toFixed(1);
  printTable(
    ['target', 'median request upstream', 'last request upstream', 'median answer', 'last answer'],
    targets.map((t, i) => [
      t.name,
      m(results[i]!, 'reachedMedian'),
      m(results[i]!, 'reachedLast'),
      m(results[i]!, 'answeredMedian'),
      m(results[i]!, 'answeredLast'),
    ]),
  );
} finally {
  killProcesses();
  await agent.close();
}
