/**
 * Issue 27, item 7: one request whose N candidates are each under UPSTREAM_MAX_ANSWER_MB but large
 * together. The gateway (a child process, the sources through tsx) is asked best_of 8 of 30 MiB answers
 * twice: with the per-request bounds out of the way (UPSTREAM_MAX_REQUEST_MB and RECORD_MAX_TEXT_MB at
 * their largest) and with the defaults. While the request runs a client probes /healthz every 10 ms;
 * the table gives the longest probe, the gateway's peak RSS (VmHWM), the RECORD line and the time taken.
 *
 * BENCH_ANSWER_MB (30) and BENCH_N (8) change the load; BESTOFN_DIR=/path/to/other/checkout adds a first
 * row for that checkout's gateway (say, main before these bounds). Linux only (reads /proc for the peak RSS).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { firstLine, killProcesses, startProcess } from './child-processes';
import { printTable } from './stats';

const ANSWER_MB = Number(process.env.BENCH_ANSWER_MB ?? 30);
const N = Number(process.env.BENCH_N ?? 8);

if (process.env.BENCH_ROLE === 'upstream') {
  // One answer, built once: `ANSWER_MB` MiB of text that ends with an answer.
  const content = `${'x'.repeat(ANSWER_MB * 1024 * 1024 - 64)} So the answer is \\boxed{42}`;
  const body = Buffer.from(
    JSON.stringify({
      id: 'chatcmpl-big',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'm',
      usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }],
    }),
  );
  const warm = Buffer.from(
    JSON.stringify({
      id: 'chatcmpl-warm',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'm',
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: '\\boxed{4}' } }],
    }),
  );
  const server = http.createServer(async (req, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    // The warm-up request gets a small answer: the gateway's first request loads modules on its own.
    const answer = raw.includes('warm up') ? warm : body;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(answer.length) });
    res.end(answer);
  });
  server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  await new Promise(() => {});
}

if (process.env.BENCH_ROLE === 'probe') {
  // Its own process: the client that reads the big answer must not delay the probes it measures.
  for (;;) {
    const started = performance.now();
    await fetch(`${process.env.PROBE_URL}/healthz`).then((r) => r.arrayBuffer());
    console.log(Math.round(performance.now() - started));
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const peakRssMb = (pid: number) => {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
};

async function gateway(upstream: string, port: number, env: Record<string, string>, dir = '.') {
  const child = startProcess([path.join(dir, 'tools/dev.mjs'), 'serve'], {
    UPSTREAM_BASE_URL: `${upstream}/v1`,
    PORT: String(port),
    LOG_LEVEL: 'silent',
    UI: 'false',
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    const up = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { child, url };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function run(label: string, upstream: string, port: number, env: Record<string, string>, checkout?: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-bounds-'));
  const record = path.join(dir, 'record.jsonl');
  const { child, url } = await gateway(upstream, port, { RECORD: record, ...env }, checkout);
  const ask = (content: string) =>
    fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', best_of: N, messages: [{ role: 'user', content }] }),
    });
  await (await ask('warm up: 2 + 2?')).arrayBuffer();
  const prober = startProcess(
    ['--import', 'tsx', 'bench/candidate-bounds.ts'],
    { BENCH_ROLE: 'probe', PROBE_URL: url },
    'pipe',
  );
  let probes = '';
  prober.stdout!.on('data', (d: Buffer) => (probes += d.toString()));
  // The prober's first answer: from here on it measures.
  while (!probes.includes('\n')) await new Promise((resolve) => setTimeout(resolve, 20));
  const started = performance.now();
  const res = await ask('What is 40 + 2?');
  const text = await res.text();
  const ms = performance.now() - started;
  prober.kill('SIGKILL');
  const worst = Math.max(...probes.trim().split('\n').map(Number));
  const body = JSON.parse(text) as { bestofn?: { candidates: { error?: { code: string } }[] } };
  const candidates = body.bestofn?.candidates ?? [];
  const row = [
    label,
    res.status,
    `${candidates.filter((c) => !c.error).length}/${N}`,
    Math.round(ms),
    Math.round(worst),
    peakRssMb(child.pid!),
    fs.existsSync(record) ? (fs.statSync(record).size / 1024 / 1024).toFixed(1) : '-',
  ];
  child.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
  return row;
}

try {
  const upstream = await firstLine(
    startProcess(['--import', 'tsx', 'bench/candidate-bounds.ts'], { BENCH_ROLE: 'upstream' }, 'pipe'),
  );
  const other = process.env.BESTOFN_DIR;
  const rows = [
    ...(other ? [await run(`BESTOFN_DIR (${path.basename(other)})`, upstream, 18810, {}, other)] : []),
    await run('bounds off', upstream, 18811, { UPSTREAM_MAX_REQUEST_MB: '65536', RECORD_MAX_TEXT_MB: '4096' }),
    await run('defaults', upstream, 18812, {}),
  ];
  console.log(`best_of ${N}, each answer ${ANSWER_MB} MiB (UPSTREAM_MAX_ANSWER_MB 32)`);
  printTable(['gateway', 'status', 'kept', 'request ms', 'worst /healthz ms', 'peak RSS MiB', 'RECORD MiB'], rows);
} finally {
  killProcesses();
}
