import { describe, expect, it } from 'vitest';
import { createUpstream } from '../../src/http/create-upstream';
import type { HttpClient } from '../../src/http/http-client';

const settings = {
  UPSTREAM_TIMEOUT_MS: 1000,
  UPSTREAM_FIRST_BYTE_TIMEOUT_MS: 200,
  UPSTREAM_RETRIES: 3,
  UPSTREAM_RETRY_BASE_MS: 50,
  UPSTREAM_MAX_ANSWER_MB: 2,
};
const http: HttpClient = () => Promise.reject(new Error('not called'));

describe('createUpstream', () => {
  it('takes the shared timeouts, retries and byte cap from the settings, the rest from the server', () => {
    const observe = () => {};
    const u = createUpstream(
      { name: 'a', baseUrl: 'http://x/v1', apiKey: 'k', supportsN: false, concurrency: 3 },
      settings,
      http,
      { observe },
    );
    expect(u).toMatchObject({
      name: 'a',
      baseUrl: 'http://x/v1',
      apiKey: 'k',
      supportsN: false,
      timeoutMs: 1000,
      firstByteTimeoutMs: 200,
      retries: 3,
      retryBaseMs: 50,
      maxAnswerBytes: 2 * 1024 * 1024,
    });
    expect(u.http).toBe(http);
    expect(u.observe).toBe(observe);
    expect(u.limit.concurrency).toBe(3);
  });

  it('gives each server a concurrency cap of its own', () => {
    const server = { baseUrl: 'http://x/v1', supportsN: true, concurrency: 2 };
    const a = createUpstream(server, settings, http);
    const b = createUpstream(server, settings, http);
    expect(a.limit).not.toBe(b.limit);
    expect(a.name).toBeUndefined();
  });
});
