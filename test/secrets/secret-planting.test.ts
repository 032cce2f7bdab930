import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * One known marker is planted in every secret the gateway holds (upstream, scorer and verifier keys, URL
 * credentials, client keys), and the upstream echoes what it received (the Authorization header, the
 * URL) in its error bodies and headers. The real CLI serves; every response, every header, every log
 * line and the record file are then searched for the marker and for the upstream's address.
 */
const MARK = 'PLANTED7f3a9';
const GATEWAY_KEY = `gw-${MARK}-client`;

function echoUpstream() {
  let call = 0;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      call++;
      const echo = `invalid auth header: ${req.headers.authorization}; host ${req.headers.host}; url ${req.url}`;
      const fail = (status: number) => {
        res.writeHead(status, {
          'content-type': 'application/json',
          'x-echo-auth': String(req.headers.authorization),
          'www-authenticate': `Bearer realm="${req.headers.authorization}"`,
        });
        res.end(JSON.stringify({ error: { message: echo, type: 'invalid_request_error', param: null, code: 'echo' } }));
      };
      if (req.url?.endsWith('/models')) return fail(401);
      const body = raw ? JSON.parse(raw) : {};
      const text = JSON.stringify(body.messages ?? '');
      if (text.includes('echo-sse')) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        return res.end(
          `data: ${JSON.stringify({ error: { message: echo, type: 'server_error' } })}\n\ndata: [DONE]\n\n`,
        );
      }
      if (text.includes('echo-400')) return fail(400);
      if (text.includes('echo-500')) return fail(500);
      if (text.includes('echo-partial') && call % 2 === 0) return fail(503);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'x',
          object: 'chat.completion',
          created: 1,
          model: 'm',
          choices: [
            { index: 0, message: { role: 'assistant', content: 'The answer is \\boxed{42}.' }, finish_reason: 'stop' },
          ],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
      );
    });
  });
  return new Promise<http.Server>((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('no planted secret ever reaches a client or a log line', () => {
  let upstream: http.Server;
  let port: number;
  let child: ChildProcess;
  let url: string;
  let logs = '';
  const seen: string[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-secrets-'));
  const record = path.join(dir, 'record.jsonl');

  const call = async (p: string, init: RequestInit = {}, key: string | null = GATEWAY_KEY) => {
    const res = await fetch(`${url}${p}`, {
      ...init,
      headers: {
        'content-type': 'application/json',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(init.headers as object),
      },
    });
    const text = await res.text();
    seen.push(`${p} ${res.status} ${JSON.stringify([...res.headers])} ${text}`);
    return { status: res.status, text };
  };
  const chat = (content: string, extra: object = {}) =>
    call('/v1/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content }], ...extra }),
    });

  beforeAll(async () => {
    upstream = await echoUpstream();
    port = (upstream.address() as AddressInfo).port;
    child = spawn(process.execPath, ['tools/dev.mjs', 'serve', '--port', '0'], {
      env: {
        PATH: process.env.PATH!,
        LOG_LEVEL: 'debug',
        UPSTREAM_BASE_URL: `http://admin:${MARK}pw@127.0.0.1:${port}/v1`,
        UPSTREAM_API_KEY: `sk-${MARK}-upstream`,
        UPSTREAM_RETRIES: '1',
        UPSTREAM_RETRY_BASE_MS: '1',
        SCORER_URL: `http://prm:${MARK}-scorer-pw@127.0.0.1:1/`,
        SCORER_API_KEY: `sk-${MARK}-scorer`,
        VERIFIER_BASE_URL: `http://v:${MARK}-verifier-pw@127.0.0.1:1/v1`,
        VERIFIER_API_KEY: `sk-${MARK}-verifier`,
        GATEWAY_API_KEYS: `other-client-key,${GATEWAY_KEY}`,
        RECORD: record,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stderr!.on('data', (d) => (logs += d));
    url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (d) => {
        logs += d;
        const m = /"url":"([^"]+)"/.exec(logs);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`gateway exited ${code}: ${logs}`)));
    });
  }, 30_000);

  afterAll(async () => {
    child?.kill('SIGKILL');
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('through every path that quotes an upstream, then an unreachable upstream', async () => {
    expect((await chat('What is 40 + 2?')).status).toBe(200);
    const e400 = await chat('echo-400');
    expect(e400.status).toBe(400);
    expect(e400.text).toContain('invalid auth header: Bearer [redacted]');
    expect((await chat('echo-500', { best_of: 2 })).status).toBe(500);
    // A failure known before the stream's headers is an ordinary HTTP error (the upstream's status).
    expect((await chat('echo-400', { stream: true })).status).toBe(400);
    expect(
      (
        await chat('echo-500', {
          stream: true,
          bestofn: { n: 2, reject: { after_tokens: 1, every_tokens: 1, keep_fraction: 0.5 } },
        })
      ).status,
    ).toBe(500);
    const partial = await chat('echo-partial', { best_of: 4 });
    expect(partial.status).toBe(200);
    // The failed candidates are reported in the metadata, with the upstream's message, scrubbed.
    expect(partial.text).toContain('[redacted]');
    expect(
      (await chat('echo-400', { tools: [{ type: 'function', function: { name: 'f' } }], bestofn: { tools: 'bypass' } }))
        .status,
    ).toBe(400);
    expect(
      (
        await chat('echo-400', {
          tools: [{ type: 'function', function: { name: 'f' } }],
          bestofn: { tools: 'bypass' },
          stream: true,
        })
      ).status,
    ).toBe(400);
    // A passthrough stream whose upstream reports an error mid-stream, quoting the request headers.
    const sse = await chat('echo-sse', {
      tools: [{ type: 'function', function: { name: 'f' } }],
      bestofn: { tools: 'bypass' },
      stream: true,
    });
    expect(sse.text).toContain('invalid auth header: Bearer [redacted]');
    await call('/v1/models');
    await call('/v1/rewards', {
      method: 'POST',
      body: JSON.stringify({ problem: 'p', candidates: [{ content: 'x' }] }),
    });
    await call('/v1/chat/completions', { method: 'POST', body: '{}' }, 'wrong-key');
    await call('/v1/chat/completions', { method: 'POST', body: '{}' }, null);
    await call('/healthz', {}, null);
    await call('/healthz');
    await call('/metrics');

    await new Promise<void>((resolve) => upstream.close(() => resolve()));
    upstream.closeAllConnections();
    const gone = await chat('What is 40 + 2?');
    expect(gone.status).toBe(502);
    // The client is told which upstream failed, by its configured name, not where it lives.
    expect(gone.text).toContain("upstream 'default'");
    expect(gone.text).not.toContain(String(port));
    expect(gone.text).not.toContain('127.0.0.1');

    await new Promise((r) => setTimeout(r, 200)); // let the last log lines flush
    const responses = seen.join('\n');
    expect(responses.match(new RegExp(`.{0,80}${MARK}.{0,80}`, 'g')) ?? []).toEqual([]);
    expect(logs.match(new RegExp(`.{0,80}${MARK}.{0,80}`, 'g')) ?? []).toEqual([]);
    expect(fs.readFileSync(record, 'utf8').includes(MARK)).toBe(false);
    // The logs did see the upstream's echo, so the test exercised the leak it guards against.
    expect(logs).toContain('invalid auth header: Bearer [redacted]');
    expect(logs).toContain('bestofn listening');
    expect(logs.split('\n').filter(Boolean).length).toBeGreaterThan(15);
  }, 60_000);
});
