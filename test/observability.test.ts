import { describe, expect, it } from 'vitest';
import { startTestGateway, MATH } from './helpers/gateway';
import { tempModel } from './scorer/onnx/fixtures';

describe('observability', () => {
  it('honours and returns x-request-id, on JSON, streamed and passthrough answers alike', async () => {
    const t = await startTestGateway();
    try {
      const post = (body: object, headers: Record<string, string> = {}) =>
        fetch(`${t.url}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(body),
        });
      const given = await post({ model: 'fake-model', messages: MATH, best_of: 2 }, { 'x-request-id': 'trace-123' });
      expect(given.headers.get('x-request-id')).toBe('trace-123');
      const made = await post({ model: 'fake-model', messages: MATH, best_of: 2, stream: true });
      expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      await made.text();
      const tools = await post(
        { model: 'fake-model', messages: MATH, tools: [{ type: 'function', function: { name: 'f' } }] },
        { 'x-request-id': 'trace-456' },
      );
      expect(tools.headers.get('x-request-id')).toBe('trace-456');
      const hostile = await post({ model: 'fake-model', messages: [] }, { 'x-request-id': 'bad id\twith spaces' });
      expect(hostile.headers.get('x-request-id')).not.toContain(' ');
    } finally {
      await t.close();
    }
  });

  it('exposes Prometheus metrics for requests, candidates, upstream, scorer batches and cache', async () => {
    const t = await startTestGateway({
      SCORER: 'onnx',
      PRM_MODEL_DIR: tempModel('step-classifier'),
      SCORER_DEVICE: 'cpu',
    });
    try {
      await t.client.chat.completions.create({ model: 'fake-model', messages: MATH, best_of: 4 } as never);
      await t.client.chat.completions.create({ model: 'fake-model', messages: MATH, best_of: 4 } as never);
      const text = await (await fetch(`${t.gateway.url}/metrics`)).text();
      expect(text).toMatch(/bestofn_requests_total\{route="\/v1\/chat\/completions",status="200"\} 2/);
      expect(text).toMatch(/bestofn_candidates_per_request_count 2/);
      expect(text).toMatch(/bestofn_upstream_duration_seconds_count\{status="200"\} 8/);
      expect(text).toMatch(/bestofn_scoring_duration_seconds_count\{scorer="onnx"\} 2/);
      expect(text).toMatch(/bestofn_scorer_batch_rows_count [1-9]/);
      expect(text).toMatch(/bestofn_scorer_cache_total\{result="hit"\} [1-9]/);
      expect(text).toMatch(/bestofn_upstream_tokens_total\{kind="completion"\} [1-9]/);
    } finally {
      await t.close();
    }
  });
});

describe('request ids on a Response straight from fetch (Portkey #1389)', () => {
  it('rebuilds the Response instead of throwing on its immutable headers, served by the real Node adapter', async () => {
    const { Hono } = await import('hono');
    const { serve } = await import('@hono/node-server');
    const { requestContext } = await import('../src/observability/request-id');
    const { startFakeUpstream } = await import('./helpers/fake-upstream');
    const upstream = await startFakeUpstream();
    const app = new Hono();
    app.use(
      '*',
      requestContext({ info() {} }, () => {}),
    );
    app.get('/models', () => fetch(`${upstream.url}/models`));
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    try {
      const { port } = server.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/models`, { headers: { 'x-request-id': 'abc' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-request-id')).toBe('abc');
      expect((await res.json()).data[0].id).toBe('fake-model');
    } finally {
      server.close();
      await upstream.close();
    }
  });
});

describe('logs', () => {
  it('are JSON lines with the request id and never the prompt, the completion or a key', async () => {
    const pino = (await import('pino')).default;
    const { parseConfig } = await import('../src/config');
    const { startGateway } = await import('../src/node');
    const { startFakeUpstream } = await import('./helpers/fake-upstream');
    const { Writable } = await import('node:stream');
    const lines: string[] = [];
    const sink = new Writable({
      write: (chunk, _enc, done) => (lines.push(...String(chunk).trim().split('\n')), done()),
    });
    const upstream = await startFakeUpstream({
      respond: () => ({ content: 'SECRET-COMPLETION \\boxed{1}' }),
      fail: (_b, call) => (call === 1 ? { status: 500, body: { error: { message: 'boom' } } } : null),
    });
    const config = parseConfig({
      UPSTREAM_BASE_URL: upstream.url,
      UPSTREAM_API_KEY: 'sk-upstream-secret',
      PORT: '0',
      LOG_LEVEL: 'info',
      UPSTREAM_RETRIES: '0',
    });
    const gateway = await startGateway(config, pino({ level: 'info' }, sink));
    try {
      const res = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'req-42' },
        body: JSON.stringify({
          model: 'fake-model',
          messages: [{ role: 'user', content: 'SECRET-PROMPT' }],
          best_of: 2,
        }),
      });
      expect(res.status).toBe(200);
      await res.text();
    } finally {
      await gateway.close();
      await upstream.close();
    }
    const text = lines.join('\n');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(lines.some((l) => JSON.parse(l).reqId === 'req-42' && JSON.parse(l).msg === 'best-of-n')).toBe(true);
    expect(text).not.toContain('SECRET-PROMPT');
    expect(text).not.toContain('SECRET-COMPLETION');
    expect(text).not.toContain('sk-upstream-secret');
  });
});
