import type http from 'node:http';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { createApp } from '../../src/app';
import { upstreamsFromConfig } from '../../src/proxy/upstream-router';
import { createPortableScorer } from '../../src/scorer/create-scorer';
import { startRawUpstream } from '../helpers/raw-upstream';

/**
 * Issue 27, item 13: one client's big best_of must not hold every other request behind its backlog.
 * The upstream holds each call until the test releases it, so the order of arrival is the gateway's
 * dispatch order, with no clock involved.
 */
function heldUpstream() {
  const arrived: { who: string; res: http.ServerResponse }[] = [];
  let waiters: (() => void)[] = [];
  const handle = (_req: http.IncomingMessage, res: http.ServerResponse, body: string) => {
    const who = (JSON.parse(body) as { messages: { content: string }[] }).messages[0]!.content;
    arrived.push({ who, res });
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  };
  const until = async (count: number) => {
    while (arrived.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  const answer = (i: number) => {
    const res = arrived[i]!.res;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        id: 'c',
        object: 'chat.completion',
        created: 1,
        model: 'm',
        choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: '\\boxed{42}' } }],
      }),
    );
  };
  return { arrived, handle, until, answer };
}

/** Lets the event loop run until `done` holds: no clock, only the gateway's own progress. */
async function until(done: () => boolean) {
  while (!done()) await new Promise((resolve) => setImmediate(resolve));
}

describe('upstream slots are shared between requests (item 13)', () => {
  it("a small request's calls are dispatched before a big request's backlog drains", async () => {
    const up = heldUpstream();
    const upstream = await startRawUpstream(up.handle);
    const config = parseConfig({ UPSTREAM_BASE_URL: upstream.url, LOG_LEVEL: 'silent', UPSTREAM_CONCURRENCY: '2' });
    const upstreams = upstreamsFromConfig(config);
    const limit = upstreams.all[0]!.limit;
    const app = createApp({
      config,
      upstreams,
      scorer: createPortableScorer(config, { info() {}, warn() {} }, upstreams.all[0]!),
      log: { info() {}, warn() {}, error() {} },
    });
    const post = (who: string, bestOf: number) =>
      Promise.resolve(
        app.request('http://localhost/v1/chat/completions', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: who }], best_of: bestOf }),
        }),
      );
    try {
      const big = post('big', 8);
      await up.until(2);
      await until(() => limit.pendingCount === 6);
      // Six of the big request's calls wait for a slot; the small request's two queue behind them.
      const small = post('small', 2);
      await until(() => limit.pendingCount === 8);
      for (let answered = 0; answered < 10; answered++) {
        up.answer(answered);
        if (answered < 8) await up.until(answered + 3);
      }
      // One FIFO queue would dispatch the small request's calls 9th and 10th, after the whole backlog.
      expect(up.arrived.map((a) => a.who)).toEqual(['big', 'big', 'small', 'big', 'small', ...Array(5).fill('big')]);
      expect((await small).status).toBe(200);
      expect((await big).status).toBe(200);
    } finally {
      await upstream.close();
    }
  });
});
