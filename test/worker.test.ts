/**
 * The Workers entry (src/worker.ts) run by workerd through `wrangler dev`'s programmatic API, with the
 * real wrangler.toml and vars overridden to point at loopback fakes. This is the bundle Cloudflare would
 * run, in the runtime it would run in: no Node globals, Workers' fetch, Workers' streams.
 */
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { unstable_startWorker } from 'wrangler';
import { startFakeUpstream, type FakeUpstream } from './helpers/fake-upstream';
import { countTags, startFakeVllm, type FakeVllm } from './helpers/fake-vllm-pooling';
import { readSse } from './helpers/sse';
import { chunkMetadata, metadataOf } from './helpers/metadata';
import type { BestOfNMetadata } from '../src/core/bestofn-metadata';
import { PORTABLE_SCORER_NAMES } from '../src/scorer/registry';

const WRANGLER_TOML = fileURLToPath(new URL('../wrangler.toml', import.meta.url));
const MATH = [{ role: 'user' as const, content: 'What is 40 + 2?' }];

// Offline: use miniflare's placeholder `request.cf` instead of fetching it from workers.cloudflare.com.
// Stubbed, and restored after this file: test files share their worker's process (vitest's isolate: false).
vi.stubEnv('CLOUDFLARE_CF_FETCH_ENABLED', 'false');
vi.stubEnv('WRANGLER_SEND_METRICS', 'false');
afterAll(() => vi.unstubAllEnvs());

interface RunningWorker {
  url: string;
  client: OpenAI;
  close(): Promise<void>;
}

/** Vars without GATEWAY_API_KEYS opt out of keys explicitly, as a Worker without them refuses to serve. */
async function startWorker(vars: Record<string, string>): Promise<RunningWorker> {
  const all = vars.GATEWAY_API_KEYS ? vars : { ALLOW_UNAUTHENTICATED: 'true', ...vars };
  const worker = await unstable_startWorker({
    config: WRANGLER_TOML,
    bindings: Object.fromEntries(Object.entries(all).map(([k, value]) => [k, { type: 'plain_text' as const, value }])),
    dev: {
      server: { hostname: '127.0.0.1', port: 0 },
      inspector: false,
      watch: false,
      persist: false,
      logLevel: 'warn',
    },
  });
  try {
    await worker.ready;
    const url = new URL('v1', await worker.url).href;
    return { url, client: new OpenAI({ baseURL: url, apiKey: 'x', maxRetries: 0 }), close: () => worker.dispose() };
  } catch (err) {
    await worker.dispose();
    throw err;
  }
}

describe('Workers entry in workerd, vote scorer, upstream without n', () => {
  let upstream: FakeUpstream;
  let w: RunningWorker;
  beforeAll(async () => {
    upstream = await startFakeUpstream({ latencyMs: 50 });
    w = await startWorker({
      UPSTREAM_BASE_URL: upstream.url,
      UPSTREAM_SUPPORTS_N: 'false',
      SCORER: 'vote',
      BESTOFN_HEARTBEAT_MS: '20',
      UPSTREAM_CONCURRENCY: '8',
    });
  });
  afterAll(async () => {
    await w?.close();
    await upstream?.close();
  });

  it('answers /healthz with the scorer the vars name', async () => {
    const res = await fetch(`${w.url.replace(/\/v1$/, '')}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', scorer: { name: 'vote' } });
  });

  it('returns the majority answer of N candidates and sends N upstream requests', async () => {
    const before = upstream.requests.length;
    const res = await w.client.chat.completions.create({ model: 'fake-model', messages: MATH, best_of: 6 } as never);
    expect(res.choices).toHaveLength(1);
    expect(res.choices[0]!.message.content).toContain('\\boxed{42}');
    const meta = metadataOf(res);
    expect(meta).toMatchObject({ n_requested: 6, n_received: 6, scorer: 'vote', select: 'argmax' });
    expect(meta.candidates[meta.selected[0]!]!.answer).toBe('42');
    const sent = upstream.requests.slice(before);
    expect(sent).toHaveLength(6);
    expect(sent.every((b) => b.n === 1 && b.best_of === undefined)).toBe(true);
  });

  it('serves the inspector: the request just answered, its candidates and heat map', async () => {
    const origin = w.url.replace(/\/v1$/, '');
    await w.client.chat.completions.create({ model: 'fake-model', messages: MATH, best_of: 3 } as never);
    const list = await fetch(`${origin}/ui`);
    expect(list.headers.get('content-security-policy')).toContain("script-src 'self'");
    const href = /href="(\/ui\/r\/[^"]+)"/.exec(await list.text())?.[1];
    expect(href).toBeDefined();
    const one = await (await fetch(origin + href!)).text();
    expect(one).toContain('id="heatmap"');
    expect(one.match(/<article class="cand/g)).toHaveLength(3);
    expect((await fetch(`${origin}/ui/assets/app.js`)).status).toBe(200);
  });

  it('streams the winner with heartbeats, metadata on the finish chunk, and usage', async () => {
    const before = upstream.requests.length;
    const stream = await w.client.chat.completions.create({
      model: 'fake-model',
      messages: MATH,
      best_of: 4,
      stream: true,
      stream_options: { include_usage: true },
    } as never);
    let content = '';
    let meta: BestOfNMetadata | undefined;
    let usage: any;
    for await (const chunk of stream as unknown as AsyncIterable<any>) {
      content += chunk.choices[0]?.delta?.content ?? '';
      meta = chunkMetadata(chunk) ?? meta;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(content).toContain('\\boxed{42}');
    expect(meta).toMatchObject({ n_requested: 4, n_received: 4, scorer: 'vote' });
    expect(usage.prompt_tokens).toBe(40);
    expect(upstream.requests.length - before).toBe(4);
  });

  it('opens the SSE stream with no comment but due heartbeats (here every 20 ms against a 50 ms upstream)', async () => {
    const res = await fetch(`${w.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-model', messages: MATH, best_of: 2, stream: true }),
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await res.text();
    const { comments, data } = await readSse(text);
    expect(text).not.toContain('sampling candidates');
    expect(comments.every((c) => c.includes('keep-alive'))).toBe(true);
    expect(data.at(-1)).toBe('[DONE]');
  });
});

describe('Workers entry in workerd, shared upstream cap across requests', () => {
  let upstream: FakeUpstream;
  let w: RunningWorker;
  beforeAll(async () => {
    upstream = await startFakeUpstream({ latencyMs: 40 });
    // One slot for the whole isolate: the second client request waits on a promise the first one resolves.
    w = await startWorker({
      UPSTREAM_BASE_URL: upstream.url,
      UPSTREAM_SUPPORTS_N: 'false',
      SCORER: 'vote',
      UPSTREAM_CONCURRENCY: '1',
    });
  });
  afterAll(async () => {
    await w?.close();
    await upstream?.close();
  });

  it('completes concurrent client requests that queue behind each other', async () => {
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        w.client.chat.completions.create({ model: 'fake-model', messages: MATH, best_of: 2 } as never),
      ),
    );
    for (const res of results) expect(metadataOf(res)).toMatchObject({ n_requested: 2, n_received: 2 });
    expect(upstream.requests).toHaveLength(6);
  });
});

describe('Workers entry in workerd, remote vLLM PRM scorer, upstream with n', () => {
  let upstream: FakeUpstream;
  let prm: FakeVllm;
  let w: RunningWorker;
  beforeAll(async () => {
    upstream = await startFakeUpstream();
    // The PRM favours the lone '7' candidate, so the winner differs from the majority answer.
    prm = await startFakeVllm({
      respond: (input) =>
        Array.from({ length: countTags(input) }, () =>
          input.includes('be 7.') || input.includes('{7}') ? [0.05, 0.95] : [0.8, 0.2],
        ),
    });
    w = await startWorker({
      UPSTREAM_BASE_URL: upstream.url,
      UPSTREAM_SUPPORTS_N: 'true',
      SCORER: 'remote',
      SCORER_URL: prm.url,
      SCORER_MODEL: 'Qwen/Qwen2.5-Math-PRM-7B',
      SCORER_FALLBACK: 'error',
    });
  });
  afterAll(async () => {
    await w?.close();
    await prm?.close();
    await upstream?.close();
  });

  it('picks the candidate the PRM rewards, from one upstream request with n', async () => {
    const before = upstream.requests.length;
    // With seed 2 the fake's four choices answer 41, 42, 7, 42.
    const res = await w.client.chat.completions.create({
      model: 'fake-model',
      messages: MATH,
      best_of: 4,
      seed: 2,
    } as never);
    expect(res.choices[0]!.message.content).toContain('\\boxed{7}');
    const meta = metadataOf(res);
    expect(meta).toMatchObject({ n_requested: 4, n_received: 4, scorer: 'remote', selected: [2] });
    expect(meta.fallback).toBeUndefined();
    expect(meta.candidates[2]!.reward).toBeCloseTo(0.95);
    const sent = upstream.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0].n).toBe(4);
    expect(prm.requests.length).toBeGreaterThan(0);
    expect(prm.requests[0]).toMatchObject({ model: 'Qwen/Qwen2.5-Math-PRM-7B', task: 'token_classify' });
  });
});

describe('Workers entry in workerd, every portable scorer of the registry', () => {
  it('builds SCORER=confidence (once refused as needing native code) and asks the upstream for logprobs', async () => {
    const upstream = await startFakeUpstream({ rich: true });
    const w = await startWorker({
      UPSTREAM_BASE_URL: upstream.url,
      SCORER: 'confidence',
      CONFIDENCE_TOP_LOGPROBS: '3',
    });
    try {
      const res = await w.client.chat.completions.create({ model: 'fake-model', messages: MATH, best_of: 3 } as never);
      const meta = metadataOf(res);
      expect(meta).toMatchObject({ n_received: 3, scorer: 'confidence' });
      expect(meta.fallback).toBeUndefined();
      expect(upstream.requests.every((b) => b.logprobs === true && b.top_logprobs === 3)).toBe(true);
    } finally {
      await w.close();
      await upstream.close();
    }
  });

  // One worker each: starting workerd takes seconds, so one test per entry keeps each well inside its timeout.
  const settings: Record<string, Record<string, string>> = {
    remote: { SCORER_URL: 'http://127.0.0.1:9/v1' },
    verifier: { VERIFIER_BASE_URL: 'http://127.0.0.1:9/v1', VERIFIER_MODEL: 'v' },
    judge: { JUDGE_MODEL: 'j' },
  };
  it.each(PORTABLE_SCORER_NAMES)('starts with SCORER=%s and reports it in /healthz', async (name) => {
    const w = await startWorker({ UPSTREAM_BASE_URL: 'http://127.0.0.1:9/v1', SCORER: name, ...settings[name] });
    try {
      const res = await fetch(`${w.url.replace(/\/v1$/, '')}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ scorer: { name } });
    } finally {
      await w.close();
    }
  });
});

describe('Workers entry in workerd, with gateway keys', () => {
  it('refuses requests without a configured key and serves those with one', async () => {
    const upstream = await startFakeUpstream();
    const w = await startWorker({ UPSTREAM_BASE_URL: upstream.url, SCORER: 'vote', GATEWAY_API_KEYS: 'edge-key' });
    try {
      const anonymous = await fetch(`${w.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'fake-model', messages: MATH }),
      });
      expect(anonymous.status).toBe(401);
      expect(upstream.requests).toHaveLength(0);
      const keyed = new OpenAI({ baseURL: w.url, apiKey: 'edge-key', maxRetries: 0 });
      const res = await keyed.chat.completions.create({ model: 'fake-model', messages: MATH, best_of: 2 } as never);
      expect(res.choices).toHaveLength(1);
    } finally {
      await w.close();
      await upstream.close();
    }
  });
});

describe('Workers entry in workerd, configuration errors', () => {
  const started: RunningWorker[] = [];
  afterAll(() => Promise.all(started.map((w) => w.close())));

  it('refuses SCORER=onnx with an OpenAI error body that says what to use instead', async () => {
    const w = await startWorker({ UPSTREAM_BASE_URL: 'http://127.0.0.1:9/v1', SCORER: 'onnx' });
    started.push(w);
    const err = await w.client.chat.completions.create({ model: 'm', messages: MATH }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(500);
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('invalid_config');
    expect((err as Error).message).toMatch(/SCORER=onnx is not available on Cloudflare Workers.*SCORER=remote/);
  });

  it('answers every route with the config error when a required var is missing', async () => {
    // An empty var counts as unset, which overrides wrangler.toml's placeholder.
    const w = await startWorker({ UPSTREAM_BASE_URL: '', SCORER: 'vote' });
    started.push(w);
    const res = await fetch(`${w.url.replace(/\/v1$/, '')}/healthz`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      error: {
        message: 'gateway misconfigured: UPSTREAM_BASE_URL is required',
        type: 'server_error',
        param: null,
        code: 'invalid_config',
      },
    });
  });
});
