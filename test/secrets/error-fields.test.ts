import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { chatChunkEvent, startRawUpstream } from '../helpers/raw-upstream';

/**
 * Issue 27, items 1–4: an upstream that quotes its Authorization header in every field of an error
 * (`type`, `param`, `code`, not only `message`), in events mid-stream, and with JSON escapes in the
 * event's keys and in the key itself. Every byte a client reads and the record file are searched for it.
 */
const MARK = 'PLANTEDq8w2e';
const KEY = `sk-${MARK}-upstream`;

/** `s` with every character of the marker written as a JSON \u escape: the same string once parsed. */
const escaped = (s: string) =>
  s.replace(MARK, [...MARK].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''));

function errorJson(auth: string): string {
  // Hand-written so the escaped form survives to the wire.
  const q = (s: string) => `"${escaped(s)}"`;
  return `{"\\u0065rror":{"message":${q(`m ${auth}`)},"type":${q(`auth ${auth}`)},"param":${q(`p ${auth}`)},"code":${q(`c key=${auth.replace(/^Bearer /, '')}`)}}}`;
}

describe('the upstream key never leaves through an error field (issue 27, items 1-4)', () => {
  let t: TestGateway;
  let upstream: Awaited<ReturnType<typeof startRawUpstream>>;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-fields-'));
  const record = path.join(dir, 'record.jsonl');
  let call = 0;
  const seen: string[] = [];

  beforeAll(async () => {
    upstream = await startRawUpstream((req, res, raw) => {
      call++;
      const auth = String(req.headers.authorization);
      const fail = (status: number) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(errorJson(auth));
      };
      if (req.url?.includes('/models')) return fail(401);
      const body = JSON.parse(raw || '{}');
      const text = JSON.stringify(body.messages ?? '');
      if (text.includes('fail-401')) return fail(401);
      if (text.includes('partial') && call % 2 === 0) return fail(503);
      if (body.stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        // One chunk, then the upstream's error event quoting the key, keys and key escaped.
        return res.end(`${chatChunkEvent('The answer')}data: ${errorJson(auth)}\n\ndata: [DONE]\n\n`);
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'x',
          object: 'chat.completion',
          created: 1,
          model: 'm',
          choices: [{ index: 0, message: { role: 'assistant', content: 'It is \\boxed{42}.' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
      );
    });
    t = await startTestGateway({
      UPSTREAM_BASE_URL: upstream.url,
      UPSTREAM_API_KEY: KEY,
      UPSTREAM_RETRIES: '0',
      RECORD: record,
    });
    await t.upstream.close(); // the helper's own fake upstream is not used here
  });

  afterAll(async () => {
    await t.gateway.close();
    await upstream.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const send = async (p: string, init: RequestInit = {}) => {
    const res = await fetch(`${t.url}${p}`, { ...init, headers: { 'content-type': 'application/json' } });
    const text = await res.text();
    seen.push(`${p} ${res.status} ${text}`);
    return { status: res.status, text };
  };
  const chat = (content: string, extra: object = {}) =>
    send('/chat/completions', {
      method: 'POST',
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content }], ...extra }),
    });
  const tools = { tools: [{ type: 'function', function: { name: 'f' } }], bestofn: { tools: 'bypass' } };

  it('error bodies (Best-of-N, tools passthrough, models), metadata, the record, live and relayed events', async () => {
    const bon = await chat('fail-401', { best_of: 2 });
    expect(bon.status).toBe(401);
    expect(JSON.parse(bon.text).error.type).toBe('auth Bearer [redacted]');
    expect((await chat('fail-401', tools)).status).toBe(401);
    expect((await chat('fail-401', { ...tools, stream: true })).status).toBe(401);
    const partial = await chat('partial', { best_of: 4 });
    expect(partial.status).toBe(200);
    expect(partial.text).toContain('c key=[redacted]');
    // The live path: every candidate fails on the upstream's error event mid-stream.
    await chat('live', {
      stream: true,
      bestofn: { n: 2, reject: { after_tokens: 1, every_tokens: 1, keep_fraction: 0.5 } },
    });
    await chat('live', { best_of: 2, bestofn: { reject: { after_tokens: 1, every_tokens: 1, keep_fraction: 0.5 } } });
    // The passthrough stream relays the upstream's error event, whose key is written `\u0065rror`.
    const relayed = await chat('relay', { ...tools, stream: true });
    expect(relayed.text).toContain('p Bearer [redacted]');
    expect((await send('/models')).status).toBe(401);
    expect((await send('/models/m')).status).toBe(401);
    await send('/responses', { method: 'POST', body: JSON.stringify({ model: 'm', input: 'fail-401', stream: true }) });

    const all = seen.join('\n');
    expect(all).toContain('[redacted]'); // the test did see the echo
    expect(all.match(new RegExp(`.{0,80}${MARK}.{0,80}`, 'g')) ?? []).toEqual([]);
    await t.gateway.close();
    expect(fs.readFileSync(record, 'utf8')).toContain('[redacted]');
    expect(fs.readFileSync(record, 'utf8').includes(MARK)).toBe(false);
  }, 30_000);
});
