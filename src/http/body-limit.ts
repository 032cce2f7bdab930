import type { MiddlewareHandler } from 'hono';

/**
 * Refuses request bodies larger than maxBytes, throwing tooLarge(). Unlike hono/body-limit it leaves
 * `request.body` alone when Content-Length is given: on @hono/node-server touching it builds a web
 * ReadableStream for every request, where `request.json()` would read the socket directly. Node's HTTP
 * parser holds a body to its Content-Length, so the header is a true bound. A body without one (chunked)
 * is read here, counting bytes, and cut off at the limit.
 */
export function bodyLimit(maxBytes: number, tooLarge: () => Error): MiddlewareHandler {
  return async (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    const headers = c.req.raw.headers;
    const length = headers.get('content-length');
    if (length !== null && !headers.has('transfer-encoding')) {
      if (Number(length) > maxBytes) throw tooLarge();
      return next();
    }
    const body = c.req.raw.body;
    if (!body) return next();
    const reader = body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
    const whole = new Uint8Array(size);
    let at = 0;
    for (const chunk of chunks) {
      whole.set(chunk, at);
      at += chunk.byteLength;
    }
    c.req.raw = new Request(c.req.raw, { body: whole });
    return next();
  };
}
