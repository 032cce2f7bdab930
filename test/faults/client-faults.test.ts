import http from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { encodeSseEvent, encodeSseJson, SSE_DONE, sseData, sseDataOf } from '../../src/http/sse';
import { startGateway } from '../../src/node';
import { MATH, startTestGateway } from '../helpers/gateway';
import { startRawUpstream } from '../helpers/raw-upstream';

const TOOLS = [{ type: 'function', function: { name: 'f' } }];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A POST over its own socket whose response the caller reads at its own pace (or not at all). */
function rawPost(base: string, body: object): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${base}/v1/chat/completions`,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json' } },
      resolve,
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const contentOf = async (sse: string) =>
  (await sseDataOf(sse))
    .filter((d) => d.startsWith('{'))
    .map((d) => JSON.parse(d).choices[0]?.delta.content ?? '')
    .join('');

describe('slow clients', () => {
  it('a client reading a long Best-of-N stream in small sips over a socket gets all of it', async () => {
    const long = Array.from({ length: 40_000 }, (_, i) => `word${i}`).join(' ') + ' \\boxed{42}';
    const t = await startTestGateway({}, { respond: () => ({ content: long }) });
    try {
      const res = await rawPost(t.gateway.url, { model: 'fake-model', messages: MATH, best_of: 2, stream: true });
      expect(res.statusCode).toBe(200);
      // 4 KiB every 2 ms, far slower than loopback: the gateway meets a full socket and has to wait.
      const parts: Buffer[] = [];
      for (;;) {
        const chunk = res.read(4096) as Buffer | null;
        if (chunk) parts.push(chunk);
        else if (res.readableEnded || res.closed) break;
        else await Promise.race([new Promise((r) => res.once('readable', r)), new Promise((r) => res.once('end', r))]);
        await sleep(2);
      }
      const received = Buffer.concat(parts).toString('utf8');
      expect(await contentOf(received)).toBe(long);
      expect((await sseDataOf(received)).at(-1)).toBe('[DONE]');
    } finally {
      await t.close();
    }
  });

  it('a client that stops reading a streamed passthrough stalls the upstream instead of filling the gateway', async () => {
    const EVENT = encodeSseJson({
      choices: [{ index: 0, delta: { content: 'a'.repeat(16 * 1024) }, finish_reason: null }],
    });
    const TOTAL_EVENTS = 4096; // 64 MiB of content
    let written = 0;
    const raw = await startRawUpstream(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < TOTAL_EVENTS && !res.destroyed; i++) {
        written += EVENT.length;
        if (!res.write(EVENT)) await new Promise((r) => res.once('drain', r));
      }
      res.end(encodeSseEvent(SSE_DONE));
    });
    const gw = await startGateway(
      parseConfig({ UPSTREAM_BASE_URL: raw.url, PORT: '0', LOG_LEVEL: 'silent' }),
      createLogger('silent'),
    );
    try {
      const res = await rawPost(gw.url, {
        model: 'm',
        messages: MATH,
        tools: TOOLS,
        bestofn: { tools: 'bypass' },
        stream: true,
      });
      expect(res.statusCode).toBe(200);
      // Nothing read: whatever the upstream got rid of sits in socket buffers or in the gateway.
      await sleep(1000);
      const stalledAt = written;
      await sleep(300);
      expect(written).toBe(stalledAt);
      expect(stalledAt).toBeLessThan((TOTAL_EVENTS * EVENT.length) / 4);

      let content = 0;
      let done = false;
      for await (const data of sseData(Readable.toWeb(res) as ReadableStream<Uint8Array>)) {
        if (data === '[DONE]') done = true;
        else content += JSON.parse(data).choices[0].delta.content.length;
      }
      expect(content).toBe(TOTAL_EVENTS * 16 * 1024);
      expect(done).toBe(true);
    } finally {
      await gw.close();
      await raw.close();
    }
  });
});

describe('client aborts', () => {
  it.each([false, true])(
    'after many clients abort mid-request (stream: %s), every upstream request is aborted and the gateway keeps serving',
    async (stream) => {
      const HANG = [{ role: 'user' as const, content: 'take your time' }];
      const t = await startTestGateway(
        { UPSTREAM_CONCURRENCY: '100' },
        { latencyMs: (body) => (body.messages[0].content === HANG[0]!.content ? 60_000 : 0) },
      );
      try {
        const clients = Array.from({ length: 10 }, () => new AbortController());
        const pending = clients.map((client) =>
          fetch(`${t.url}/chat/completions`, {
            method: 'POST',
            signal: client.signal,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ model: 'fake-model', messages: HANG, best_of: 3, stream }),
          })
            .then((r) => r.text())
            .catch(() => 'aborted'),
        );
        await expect.poll(() => t.upstream.requests.length).toBe(30);
        for (const client of clients) client.abort();
        expect(await Promise.all(pending)).toEqual(clients.map(() => 'aborted'));
        await expect.poll(() => t.upstream.aborted).toBe(30);
        const after = await t.client.chat.completions.create({
          model: 'fake-model',
          messages: MATH,
          best_of: 2,
        } as never);
        expect(after.choices).toHaveLength(1);
      } finally {
        await t.close();
      }
    },
  );

  it('a client that aborts a streamed passthrough mid-stream aborts the upstream stream', async () => {
    const t = await startTestGateway({}, { chunkDelayMs: 50 });
    try {
      const client = new AbortController();
      const res = await fetch(`${t.url}/chat/completions`, {
        method: 'POST',
        signal: client.signal,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'fake-model',
          messages: MATH,
          tools: TOOLS,
          bestofn: { tools: 'bypass' },
          stream: true,
        }),
      });
      const reader = res.body!.getReader();
      expect(new TextDecoder().decode((await reader.read()).value)).toContain('data: ');
      client.abort();
      await expect.poll(() => t.upstream.aborted).toBe(1);
      const after = await t.client.chat.completions.create({
        model: 'fake-model',
        messages: MATH,
        best_of: 2,
      } as never);
      expect(after.choices).toHaveLength(1);
    } finally {
      await t.close();
    }
  });
});
