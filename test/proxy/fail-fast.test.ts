import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { loadConfigFile } from '../../src/config-loader';
import { createLogger } from '../../src/log';
import { startGateway } from '../../src/node';
import { startFakeUpstream } from '../helpers/fake-upstream';
import { MATH, startTestGateway } from '../helpers/gateway';

/**
 * Issue 27, items 23b and 23c: the gateway stops spending upstream calls on a request that cannot succeed.
 * A 400 that refuses the request itself (context length) would be the same for every candidate; a wave
 * of the live path in which every candidate failed says the next wave would fail as well.
 */
const TOO_LONG = {
  status: 400,
  body: {
    error: {
      message: "This model's maximum context length is 4096 tokens",
      type: 'invalid_request_error',
      param: 'messages',
      code: 'context_length_exceeded',
    },
  },
};

const post = (url: string, body: object) =>
  fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', messages: MATH, ...body }),
  });

describe('a request the upstream refuses (400 context length)', () => {
  it('plain path: is sent once, not N times, and the client gets that 400', async () => {
    // One upstream slot: the candidates queue, so the first refusal comes back before the next is sent.
    const t = await startTestGateway({ UPSTREAM_CONCURRENCY: '1' }, { fail: () => TOO_LONG });
    try {
      const res = await post(t.url, { best_of: 4 });
      expect(res.status).toBe(400);
      expect((await res.json()).error).toMatchObject({ code: 'context_length_exceeded', param: 'messages' });
      expect(t.upstream.requests).toHaveLength(1);
    } finally {
      await t.close();
    }
  });

  it('plain path: is not asked of the fallback upstream either', async () => {
    const refusing = await startFakeUpstream({ fail: () => TOO_LONG, model: 'small' });
    const fallback = await startFakeUpstream({ model: 'general' });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-fail-fast-')), 'bestofn.yaml');
    fs.writeFileSync(
      file,
      `upstreams:\n  - { name: small, base_url: "${refusing.url}", models: [small] }\n  - { name: general, base_url: "${fallback.url}", models: ["*"] }\nfallback_upstream: general\n`,
    );
    const config = parseConfig(
      { CONFIG_FILE: file, PORT: '0', LOG_LEVEL: 'silent', UPSTREAM_CONCURRENCY: '1' },
      [],
      loadConfigFile,
    );
    const gateway = await startGateway(config, createLogger('silent'));
    try {
      const res = await post(`${gateway.url}/v1`, { model: 'small', best_of: 3 });
      expect(res.status).toBe(400);
      expect(refusing.requests).toHaveLength(1);
      expect(fallback.requests).toHaveLength(0);
    } finally {
      await gateway.close();
      await refusing.close();
      await fallback.close();
    }
  });

  it('live path: the other streams are not started, and the client gets that 400', async () => {
    const t = await startTestGateway({ UPSTREAM_CONCURRENCY: '1' }, { fail: () => TOO_LONG });
    try {
      const res = await post(t.url, {
        best_of: 4,
        bestofn: { reject: { after_tokens: 5, every_tokens: 5, keep_fraction: 0.5 } },
      });
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe('context_length_exceeded');
      expect(t.upstream.requests).toHaveLength(1);
    } finally {
      await t.close();
    }
  });
});

describe('adaptive waves', () => {
  it('stop after a wave in which every candidate failed', async () => {
    const t = await startTestGateway(
      { UPSTREAM_RETRIES: '0' },
      { fail: () => ({ status: 503, body: { error: { message: 'overloaded', type: 'server_error' } } }) },
    );
    try {
      const res = await post(t.url, { bestofn: { adaptive: { waves: [2, 4, 8], stop_when: { agreement: 1 } } } });
      expect(res.status).toBe(503);
      expect(t.upstream.requests).toHaveLength(2);
    } finally {
      await t.close();
    }
  });
});
