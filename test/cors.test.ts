import { describe, expect, it } from 'vitest';
import { MATH, startTestGateway } from './helpers/gateway';

const preflight = (url: string, origin: string) =>
  fetch(`${url}/chat/completions`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  });

describe('CORS', () => {
  it('answers a preflight before auth and lets a listed origin read the answer and its headers', async () => {
    const t = await startTestGateway({
      CORS_ORIGINS: 'https://app.example, https://other.example',
      GATEWAY_API_KEYS: 'k1',
    });
    try {
      const pre = await preflight(t.url, 'https://app.example');
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
      expect((await preflight(t.url, 'https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
      const res = await fetch(`${t.url}/chat/completions`, {
        method: 'POST',
        headers: { origin: 'https://other.example', authorization: 'Bearer k1', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'fake-model', messages: MATH, best_of: 2 }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('https://other.example');
      expect(res.headers.get('access-control-expose-headers')).toContain('x-request-id');
    } finally {
      await t.close();
    }
  });

  it('is off by default: no CORS headers, and a preflight is not answered as one', async () => {
    const t = await startTestGateway();
    try {
      const pre = await preflight(t.url, 'https://app.example');
      expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await t.close();
    }
  });

  it('CORS_ORIGINS=* allows any origin', async () => {
    const t = await startTestGateway({ CORS_ORIGINS: '*' });
    try {
      expect((await preflight(t.url, 'https://any.example')).headers.get('access-control-allow-origin')).toBe('*');
    } finally {
      await t.close();
    }
  });
});
