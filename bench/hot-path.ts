/**
 * The cost of the hot path, in one run: bestofn at N=1 against the least a Node gateway can do (a bare
 * Hono + undici proxy) over the same fake upstream, and the time to first token of a streamed answer
 * (direct, bestofn N=1 on chat and on /v1/responses, Portkey's gateway). Each contender runs in its own process; this one is the client.
 *
 * Cost: the upstream answers at once, so the figure is the gateway's own CPU. Closed-loop clients at
 * concurrency 1, 16 and 64 for ROUND_S seconds each, after a warm-up round, the median of REPEATS rounds; CPU ms per request is the process's user + system
 * time (/proc, 10 ms ticks) over the requests it served; idle RSS is read after the warm-up and a pause.
 * Time to first token: the upstream streams TOKENS tokens TOKEN_MS apart; one request at a time.
 *
 * BESTOFN_DIR=/path/to/another/checkout measures that checkout's gateway (the "before" column).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Agent, request } from 'undici';
import { firstLine, killProcesses, startProcess } from './child-processes';
import { closedLoop, createLoadClient } from './load-client';
import { median, printTable, quantile } from './stats';

const ROUND_S = Number(process.env.ROUND_S ?? 3);
const REPEATS = Number(process.env.REPEATS ?? 3);
const TOKENS = 10;
const TOKEN_MS = 30;
const TTFT_REQUESTS = Number(process.env.TTFT_REQUESTS ?? 12);

if (process.env.BENCH_ROLE === 'upstream') {
  const answer = (model: string) =>
    JSON.stringify({
      id: 'chatcmpl-hot',
      object: 'chat.completion',
      created: 1_700_000_000,
      model,
      usage: { prompt_tokens: 10, completion_tokens: 6, total_tokens: 16 },
      choices: [
        {
          index: 0,
          logprobs: null,
          finish_reason: 'stop',
          message: { role: 'assistant', content: 'The answer is \\boxed{42}', refusal: null },
        },
      ],
    });
  const server = http.createServer(async (req, res) => {
    if (req.method === 'GET') {
      // The gateway's start-up probe lists the models.
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ object: 'list', data: [{ id: 'fake-model', object: 'model' }] }));
    }
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = JSON.parse(raw) as { model: string; stream?: boolean };
    if (!body.stream) {
      // The TTFT model writes as slowly unstreamed as streamed: a gateway that asks for a whole answer waits for it.
      if (body.model === 'slow-model') await new Promise((r) => setTimeout(r, TOKENS * TOKEN_MS));
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(answer(body.model));
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const chunk = (delta: object, finish: string | null) =>
      `data: ${JSON.stringify({ id: 'chatcmpl-hot', object: 'chat.completion.chunk', created: 1_700_000_000, model: body.model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
    res.write(chunk({ role: 'assistant', content: '' }, null));
    for (let i = 0; i < TOKENS; i++) {
      await new Promise((r) => setTimeout(r, TOKEN_MS));
      res.write(chunk({ content: `t${i} ` }, null));
    }
    res.end(`${chunk({}, 'stop')}data: [DONE]\n\n`);
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
    const body: unknown = await c.req.json();
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

const client = createLoadClient(256);
const agent = client.agent;
type Target = { name: string; url: string; headers: Record<string, string>; body: object; pid?: number };

function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
function rssMb(pid: number): number {
  const line = fs
    .readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

const call = (t: Target) => client.post(t, JSON.stringify(t.body));
// Starting through tsx takes seconds of CPU, more on a loaded machine.
const waitFor = (t: Target) => client.waitFor(t, () => call(t), 1200);

/** Closed loop at concurrency c for ROUND_S seconds: requests/s and CPU ms per request of the target. */
async function round(t: Target, c: number): Promise<{ rps: number; cpuMs: number }> {
  const cpu0 = cpuSeconds(t.pid!);
  const { done, seconds } = await closedLoop(c, ROUND_S * 1000, () => call(t));
  return { rps: done / seconds, cpuMs: ((cpuSeconds(t.pid!) - cpu0) * 1000) / done };
}

/** Milliseconds from sending a streamed request to its first content delta. */
async function ttft(t: Target): Promise<number> {
  const t0 = performance.now();
  const res = await request(t.url, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', ...t.headers },
    body: JSON.stringify({ ...t.body, model: 'slow-model', stream: true }),
  });
  let first: number | undefined;
  let seen = '';
  for await (const piece of res.body) {
    seen += String(piece);
    // A chat chunk's content, or a Responses `response.output_text.delta`.
    if (first === undefined && /"(content|delta)":"[^"]/.test(seen)) first = performance.now() - t0;
  }
  if (res.statusCode !== 200 || first === undefined)
    throw new Error(`${t.name}: ${res.statusCode} ${seen.slice(0, 300)}`);
  return first;
}

try {
  const upstream = await firstLine(
    startProcess(['--import', 'tsx', 'bench/hot-path.ts'], { BENCH_ROLE: 'upstream' }, 'pipe'),
  );
  const dir = path.resolve(process.env.BESTOFN_DIR ?? '.');
  const bestofn = startProcess([path.join(dir, 'bin/bestofn.mjs'), 'serve'], {
    UPSTREAM_BASE_URL: `${upstream}/v1`,
    PORT: '18807',
    LOG_LEVEL: 'warn',
    UPSTREAM_CONCURRENCY: '4096',
    KEY_CONCURRENCY: '100000',
    KEY_RPM: '1000000',
  });
  const floor = startProcess(['--import', 'tsx', 'bench/hot-path.ts'], {
    BENCH_ROLE: 'floor',
    UPSTREAM: upstream,
    PORT: '18808',
  });
  const portkey = startProcess(
    ['node_modules/@portkey-ai/gateway/build/start-server.js', '--port=18809', '--headless'],
    {},
  );
  const ask = { model: 'fake-model', messages: [{ role: 'user', content: 'What is 40 + 2?' }] };
  const direct: Target = { name: 'direct', url: `${upstream}/v1/chat/completions`, headers: {}, body: ask };
  const gateway: Target = {
    name: 'bestofn N=1',
    url: 'http://127.0.0.1:18807/v1/chat/completions',
    headers: {},
    body: { ...ask, best_of: 1 },
    pid: bestofn.pid,
  };
  const responses: Target = {
    name: 'bestofn N=1 /v1/responses',
    url: 'http://127.0.0.1:18807/v1/responses',
    headers: {},
    body: { model: 'fake-model', input: 'What is 40 + 2?', best_of: 1 },
  };
  const bare: Target = {
    name: 'hono + undici',
    url: 'http://127.0.0.1:18808/v1/chat/completions',
    headers: {},
    body: ask,
    pid: floor.pid,
  };
  const peer: Target = {
    name: 'portkey',
    url: 'http://127.0.0.1:18809/v1/chat/completions',
    headers: { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${upstream}/v1`, authorization: 'Bearer x' },
    body: ask,
    pid: portkey.pid,
  };
  for (const t of [direct, gateway, bare, peer]) await waitFor(t);
  for (let i = 0; i < 300; i++) for (const t of [gateway, bare]) await call(t);
  await new Promise((r) => setTimeout(r, 1000));
  const idle = [gateway, bare].map((t) => rssMb(t.pid!));
  // Both optimised by the JIT before anything counts: a few hundred requests leave code in its first tiers.
  for (const t of [gateway, bare]) await round(t, 16);

  const SWEEP = [1, 16, 64];
  const cost = new Map<string, { rps: number; cpuMs: number }>();
  // Rounds alternate between the two, so a burst of someone else's work does not land on one only; each
  // cell is the median of REPEATS rounds.
  const rounds = new Map<string, { rps: number; cpuMs: number }[]>();
  for (let r = 0; r < REPEATS; r++)
    for (const c of SWEEP)
      for (const t of (c + r) % 2 ? [gateway, bare] : [bare, gateway]) {
        const key = `${t.name}@${c}`;
        rounds.set(key, [...(rounds.get(key) ?? []), await round(t, c)]);
      }
  for (const [key, rs] of rounds)
    cost.set(key, {
      rps: median(rs.map((x) => x.rps).sort((a, b) => a - b)),
      cpuMs: median(rs.map((x) => x.cpuMs).sort((a, b) => a - b)),
    });

  const firsts = new Map<string, number[]>([direct, gateway, responses, peer].map((t) => [t.name, []]));
  // A peer that cannot stream this upstream is reported as such, not left out silently.
  const failed = new Map<string, string>();
  for (let i = 0; i < TTFT_REQUESTS; i++)
    for (const t of [direct, gateway, responses, peer]) {
      if (failed.has(t.name)) continue;
      try {
        firsts.get(t.name)!.push(await ttft(t));
      } catch (err) {
        failed.set(t.name, String(err).slice(0, 120));
      }
    }

  console.log(
    `Hot path, median of ${REPEATS} rounds of ${ROUND_S} s per cell, upstream answering at once (${new Date().toISOString()})`,
  );
  const row = (t: Target, i: number) => [
    t.name,
    ...SWEEP.flatMap((c) => {
      const r = cost.get(`${t.name}@${c}`)!;
      return [r.cpuMs.toFixed(2), r.rps.toFixed(0)];
    }),
    idle[i]!.toFixed(0),
  ];
  printTable(
    ['target', ...SWEEP.flatMap((c) => [`c=${c} cpu ms/req`, `c=${c} req/s`]), 'idle RSS MB'],
    [row(gateway, 0), row(bare, 1)],
  );
  console.log(
    `ratio bestofn / bare, CPU per request: ${SWEEP.map((c) => `c=${c} ${(cost.get(`${gateway.name}@${c}`)!.cpuMs / cost.get(`${bare.name}@${c}`)!.cpuMs).toFixed(2)}×`).join(', ')}`,
  );
  console.log(
    `\nTime to first token, ms (${TOKENS} tokens ${TOKEN_MS} ms apart, ${TTFT_REQUESTS} requests each, one at a time)`,
  );
  printTable(
    ['target', 'p50', 'p90', 'max'],
    [direct, gateway, responses, peer].map((t) => {
      const xs = [...firsts.get(t.name)!].sort((a, b) => a - b);
      if (failed.has(t.name)) return [t.name, `fails: ${failed.get(t.name)}`, '', ''];
      return [t.name, median(xs).toFixed(1), quantile(xs, 0.9).toFixed(1), xs.at(-1)!.toFixed(1)];
    }),
  );
} finally {
  killProcesses();
  await agent.close();
}
