import { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import type { HttpClient } from './http-client';

/**
 * The Node HttpClient: undici's request() on a pooled keep-alive agent, with a connect timeout (which
 * fetch cannot express). undici's own header and body timeouts are off: the gateway runs its own
 * first-byte and total timers per upstream, and a reasoning model may think for longer than undici's
 * 300 s default before the first byte of a non-streamed answer.
 */
export function nodeHttpClient(connectTimeoutMs: number): HttpClient {
  const dispatcher = new Agent({ connect: { timeout: connectTimeoutMs }, keepAliveTimeout: 30_000, headersTimeout: 0, bodyTimeout: 0 });
  return async ({ method, url, headers, body, signal }) => {
    const res = await request(url, { method, headers, body, signal, dispatcher });
    return {
      status: res.statusCode,
      header: (name) => {
        const value = res.headers[name];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
      text: () => res.body.text(),
      stream: () => Readable.toWeb(res.body) as ReadableStream<Uint8Array>,
    };
  };
}
