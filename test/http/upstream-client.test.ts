/**
 * The retry rules of the one upstream client, against a real loopback upstream, with the waits injected:
 * what is asked to wait, and for how long, is recorded instead of waited out.
 */
import pLimit from 'p-limit';
import { afterEach, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../src/errors';
import { platformHttp, type HttpClient } from '../../src/http/http-client';
import { nodeHttpClient } from '../../src/http/node-http-client';
import { getUpstream, postUpstream, type ReadBounds, type Upstream } from '../../src/http/upstream-client';
import { startRawUpstream } from '../helpers/raw-upstream';
import { startFakeUpstream, type FakeUpstream, type FakeUpstreamOptions } from '../helpers/fake-upstream';

let fake: FakeUpstream | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function upstreamFailing(fail: FakeUpstreamOptions['fail'], retries: number) {
  fake = await startFakeUpstream({ fail });
  const waits: number[] = [];
  const upstream: Upstream = {
    baseUrl: fake.url,
    supportsN: false,
    timeoutMs: 5_000,
    firstByteTimeoutMs: 5_000,
    limit: pLimit(4),
    http: platformHttp,
    retries,
    retryBaseMs: 100,
    sleep: async (ms) => void waits.push(ms),
  };
  const post = (bounds: ReadBounds = {}) =>
    postUpstream(
      upstream,
      '/chat/completions',
      { model: 'm', messages: [{ role: 'user', content: 'hi' }] },
      new AbortController().signal,
      bounds,
      () => 0.5,
    );
  return { waits, post, calls: () => fake!.requests.length };
}

describe('postUpstream retries', () => {
  it('does not wait out a backoff that ends past the caller’s deadline: it fails with the deadline’s error', async () => {
    const u = await upstreamFailing(() => ({ status: 503, headers: { 'retry-after': '3' } }), 3);
    const deadline = {
      at: Date.now() + 2_000,
      error: () => new UpstreamError(504, 'past it', 'upstream_error', 'deadline'),
    };
    await expect(u.post({ deadline })).rejects.toMatchObject({ status: 504, code: 'deadline' });
    expect(u.waits).toEqual([]);
    expect(u.calls()).toBe(1);
  });

  it('waits out Retry-After in seconds, then succeeds', async () => {
    const u = await upstreamFailing(
      (_b, call) => (call === 0 ? { status: 429, headers: { 'retry-after': '7' } } : null),
      1,
    );
    expect((await u.post()).status).toBe(200);
    expect(u.waits).toEqual([7000]);
    expect(u.calls()).toBe(2);
  });

  it('reads Retry-After as an HTTP date too', async () => {
    const at = new Date(Date.now() + 3_000).toUTCString();
    const u = await upstreamFailing(
      (_b, call) => (call === 0 ? { status: 503, headers: { 'retry-after': at } } : null),
      1,
    );
    await u.post();
    expect(u.waits).toHaveLength(1);
    // An HTTP date has whole seconds: up to one second is lost to rounding.
    expect(u.waits[0]).toBeGreaterThan(1_000);
    expect(u.waits[0]).toBeLessThanOrEqual(3_000);
  });

  it('backs off exponentially without Retry-After (base × 2^attempt × jitter)', async () => {
    const u = await upstreamFailing((_b, call) => (call < 3 ? { status: 502 } : null), 3);
    await u.post();
    expect(u.waits).toEqual([75, 150, 300]);
  });

  it('does not wait out a Retry-After over 30 s: the error goes back, saying a retry may help', async () => {
    const u = await upstreamFailing(() => ({ status: 429, headers: { 'retry-after': '31' } }), 2);
    const err = await u.post().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).headers).toMatchObject({ 'retry-after': '31', 'x-should-retry': 'true' });
    expect(u.waits).toEqual([]);
    expect(u.calls()).toBe(1);
  });

  it('gives up after the configured retries and tells the client not to retry again', async () => {
    const u = await upstreamFailing(() => ({ status: 503 }), 2);
    const err = await u.post().catch((e: unknown) => e);
    expect((err as UpstreamError).headers['x-should-retry']).toBe('false');
    expect(u.waits).toHaveLength(2);
    expect(u.calls()).toBe(3);
  });
});

/** An upstream at `url` read through `http`, without retries, whose answers may hold 64 KiB. */
const capped = (url: string, http: HttpClient): Upstream => ({
  baseUrl: url,
  supportsN: false,
  timeoutMs: 5_000,
  firstByteTimeoutMs: 5_000,
  limit: pLimit(1),
  http,
  retries: 0,
  retryBaseMs: 1,
  maxAnswerBytes: 64 * 1024,
});

describe.each([
  ['fetch', platformHttp],
  ['undici', nodeHttpClient(5_000)],
])('getUpstream over %s', (_name, http) => {
  it('reads an answer only up to the upstream cap (a model list that never ends is a 502, not a full heap)', async () => {
    const raw = await startRawUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // No content-length: the cap has to hold while reading, not only against a declared size.
      res.write('{"object":"list","data":[');
      const entry = JSON.stringify({ id: 'm'.repeat(1000), object: 'model' });
      for (let i = 0; i < 2000; i++) res.write(`${entry},`);
      res.end(`${entry}]}`);
    });
    const upstream = capped(raw.url, http);
    try {
      const err = await getUpstream(upstream, '/models', new AbortController().signal).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamError);
      expect(err).toMatchObject({ status: 502, code: 'bad_upstream_response' });
      expect(
        await getUpstream({ ...upstream, maxAnswerBytes: 8 * 1024 * 1024 }, '/models', new AbortController().signal),
      ).toMatchObject({ status: 200 });
    } finally {
      await raw.close();
    }
  });

  it('reads a chunked completion whole within the cap, and fails it past the cap', async () => {
    const answer = JSON.stringify({ id: 'x', pad: 'p'.repeat(40_000) });
    const raw = await startRawUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // Several writes and no content-length: the cap is counted while reading.
      for (let i = 0; i < answer.length; i += 1000) res.write(answer.slice(i, i + 1000));
      res.end();
    });
    const upstream = capped(raw.url, http);
    const signal = new AbortController().signal;
    try {
      expect(await (await postUpstream(upstream, '/chat/completions', {}, signal)).text()).toBe(answer);
      const small = { ...upstream, maxAnswerBytes: 30_000 };
      const err = await (await postUpstream(small, '/chat/completions', {}, signal)).text().catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 502, code: 'bad_upstream_response' });
      expect(String((err as Error).message)).toMatch(/larger than 30000 bytes/);
    } finally {
      await raw.close();
    }
  });
});
