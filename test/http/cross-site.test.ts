import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { MATH, startTestGateway, type TestGateway } from '../helpers/gateway';

/** Issue 27, item 10: what a web page can make a keyless loopback gateway do. */
describe('cross-site requests', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  const body = JSON.stringify({ model: 'm', messages: MATH, best_of: 64 });

  it.each([
    ['text/plain (a CORS simple request)', { 'content-type': 'text/plain;charset=UTF-8' }],
    ['a form type', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['no content type (a Blob without type)', {}],
  ])('a POST sent as %s is a 415 and never reaches the upstream', async (_what, headers) => {
    for (const path of ['/v1/chat/completions', '/v1/responses', '/v1/rewards']) {
      const res = await app.request(path, { method: 'POST', headers, body });
      expect(res.status, path).toBe(415);
      expect((await res.json()).error.code).toBe('unsupported_media_type');
    }
    expect(app.upstreamCalls).toHaveLength(0);
  });

  it('JSON with a charset, or an application/…+json type, is read as JSON', async () => {
    for (const type of ['application/json; charset=utf-8', 'application/vnd.api+json']) {
      const res = await app.request('/v1/chat/completions', {
        method: 'POST',
        headers: { 'content-type': type },
        body: '{}',
      });
      expect(res.status).toBe(400);
      expect((await res.json()).error.param).toBe('model');
    }
  });
});

describe('DNS rebinding: a keyless gateway answers only under its own names', () => {
  let t: TestGateway;
  let allowed: TestGateway;
  let keyed: TestGateway;
  beforeAll(async () => {
    [t, allowed, keyed] = await Promise.all([
      startTestGateway(),
      startTestGateway({ ALLOWED_HOSTS: 'bestofn.internal' }),
      startTestGateway({ GATEWAY_API_KEYS: 'gw-key-123456' }),
    ]);
  });
  afterAll(() => Promise.all([t.close(), allowed.close(), keyed.close()]));

  const get = (g: TestGateway, path: string, host: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const { port } = new URL(g.gateway.url);
      http
        .get({ host: '127.0.0.1', port, path, headers: { host, ...headers } }, (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (d: string) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode!, body: text }));
        })
        .on('error', reject);
    });

  it('a rebound name is a 403 on every route; loopback names are served', async () => {
    for (const path of ['/v1/models', '/metrics', '/healthz']) {
      const res = await get(t, path, 'attacker.example:8787');
      expect(res.status, path).toBe(403);
      expect(JSON.parse(res.body).error.code).toBe('host_not_allowed');
    }
    for (const host of ['127.0.0.1:8787', 'localhost', 'app.localhost:1', '[::1]:8787'])
      expect((await get(t, '/v1/models', host)).status, host).toBe(200);
    // Right after an allowed name (which the check remembers), a foreign one is still refused.
    expect((await get(t, '/v1/models', 'attacker.example:8787')).status).toBe(403);
  });

  it('ALLOWED_HOSTS adds names; a gateway with keys needs none (a page cannot send the key)', async () => {
    expect((await get(allowed, '/v1/models', 'bestofn.internal:8787')).status).toBe(200);
    expect((await get(allowed, '/v1/models', 'attacker.example')).status).toBe(403);
    expect((await get(keyed, '/v1/models', 'gateway.example', { authorization: 'Bearer gw-key-123456' })).status).toBe(
      200,
    );
  });
});
