import { describe, expect, it } from 'vitest';
import { cachedCheck, readiness } from '../../src/observability/readiness';
import { startTestGateway } from '../helpers/gateway';
import type { Scorer } from '../../src/scorer/types';

describe('/readyz', () => {
  it('is ready while the upstream answers its probe, and not once it is gone; /healthz stays a liveness check', async () => {
    const t = await startTestGateway();
    try {
      const ready = await fetch(`${t.gateway.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({
        status: 'ready',
        checks: { upstreams: { ok: true, detail: '1 of 1 upstreams answered' } },
      });
      await t.upstream.close();
      // The last probe is kept for a few seconds; a fresh gateway probes afresh.
      expect((await fetch(`${t.gateway.url}/readyz`)).status).toBe(200);
      const t2 = await startTestGateway();
      await t2.upstream.close();
      const down = await fetch(`${t2.gateway.url}/readyz`);
      expect(down.status).toBe(503);
      const body = await down.json();
      expect(body).toMatchObject({ status: 'not ready', checks: { upstreams: { ok: false } } });
      expect(JSON.stringify(body)).not.toContain('127.0.0.1'); // unauthenticated: no addresses
      expect((await fetch(`${t2.gateway.url}/healthz`)).status).toBe(200);
      await t2.close();
    } finally {
      await t.close();
    }
  });
});

describe('readiness checks', () => {
  it('probe once per ttl, shared by concurrent callers, and a failing probe is not ready', async () => {
    let clock = 0;
    let probes = 0;
    let up = true;
    const check = cachedCheck(
      'upstreams',
      5_000,
      async () => (probes++, up ? { ok: true } : Promise.reject(new Error('refused'))),
      () => clock,
    );
    const signal = new AbortController().signal;
    await Promise.all([check.check(signal), check.check(signal)]);
    expect(probes).toBe(1);
    up = false;
    clock = 4_999;
    expect((await readiness([check], signal)).ok).toBe(true);
    clock = 5_000;
    expect(await readiness([check, { name: 'redis', check: async () => ({ ok: true }) }], signal)).toEqual({
      ok: false,
      checks: { upstreams: { ok: false, detail: 'refused' }, redis: { ok: true } },
    });
    expect(probes).toBe(2);
  });
});

// Issue 27, item 17: /healthz asked the PRM's /health on every probe (50 probes, 50 calls).
describe('/healthz', () => {
  it('asks the scorer for its health once per few seconds, however many probes come', async () => {
    let calls = 0;
    const scorer: Scorer = {
      name: 'counting',
      score: () => Promise.reject(new Error('not scored here')),
      health: () => (calls++, { reachable: true }),
    };
    const t = await startTestGateway({}, {}, scorer);
    try {
      const probes = await Promise.all(Array.from({ length: 25 }, () => fetch(`${t.gateway.url}/healthz`)));
      for (let i = 0; i < 25; i++) probes.push(await fetch(`${t.gateway.url}/healthz`));
      expect(probes.map((r) => r.status)).toEqual(Array(50).fill(200));
      // One call per 5 s kept answer: one here, a few on a very loaded machine, never one per probe.
      expect(calls).toBeLessThan(10);
    } finally {
      await t.close();
    }
  });
});
