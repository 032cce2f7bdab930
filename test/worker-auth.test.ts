/**
 * A Worker is public from its first deploy, so without GATEWAY_API_KEYS it refuses every request (500
 * invalid_config naming the fix) unless ALLOW_UNAUTHENTICATED says otherwise. The entry's fetch is called
 * directly here; test/worker.test.ts runs the same bundle in workerd.
 */
import { describe, expect, it } from 'vitest';
import type { ExecutionContext } from 'hono';
import worker from '../src/worker';

const ctx: ExecutionContext = { waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} };
const BASE = { UPSTREAM_BASE_URL: 'http://127.0.0.1:9/v1', SCORER: 'vote' };
const healthz = (env: Record<string, string>) => worker.fetch(new Request('http://worker/healthz'), env, ctx);

describe('Workers entry without gateway keys', () => {
  it('refuses to serve and says how to set the secret', async () => {
    const res = await healthz(BASE);
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('invalid_config');
    expect(body.error.message).toContain('npx wrangler secret put GATEWAY_API_KEYS');
  });

  it('serves with GATEWAY_API_KEYS, or with ALLOW_UNAUTHENTICATED=true', async () => {
    expect((await healthz({ ...BASE, GATEWAY_API_KEYS: 'k1' })).status).toBe(200);
    expect((await healthz({ ...BASE, ALLOW_UNAUTHENTICATED: 'true' })).status).toBe(200);
  });
});
