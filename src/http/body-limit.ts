import type { Context, MiddlewareHandler, Next } from 'hono';
import { GatewayError } from '../errors';

/** Makes a fresh decoder for one `Content-Encoding` coding; each entry decodes one request body. */
export type BodyDecoders = Record<string, (limit: number) => Decoder>;
type Decoder = { readable: ReadableStream<Uint8Array>; writable: WritableStream<BufferSource> };

/** A decoder stops on its own at `limit` decoded bytes by erroring with an error of this name. */
export const DECODED_TOO_LARGE = 'DecodedTooLarge';

/**
 * The codings every runtime decodes with the web's DecompressionStream. HTTP's `deflate` is the zlib
 * format, which is what DecompressionStream calls 'deflate'. Node adds `br` (src/node.ts).
 */
export const WEB_DECODERS: BodyDecoders = {
  gzip: () => new DecompressionStream('gzip'),
  'x-gzip': () => new DecompressionStream('gzip'),
  deflate: () => new DecompressionStream('deflate'),
};

/** The codings of a Content-Encoding header, in the order they were applied; identity left out. */
function codingsOf(header: string | null): string[] {
  if (header === null) return [];
  return header
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
}

/**
 * Refuses request bodies larger than maxBytes, throwing tooLarge(). Unlike hono/body-limit it leaves
 * `request.body` alone when Content-Length is given: on @hono/node-server touching it builds a web
 * ReadableStream for every request, where `request.json()` would read the socket directly. Node's HTTP
 * parser holds a body to its Content-Length, so the header is a true bound. A body without one (chunked)
 * is read here, counting bytes, and cut off at the limit.
 *
 * A compressed body (`Content-Encoding: gzip`, `deflate`, or a coding in `decoders`) is read whole (the
 * wire bytes are under the limit too), then decoded, and the limit applies to the decoded bytes, counted
 * as they come out of the decoder: a few kilobytes that inflate to gigabytes are a 413 after maxBytes,
 * not an out-of-memory. Any other coding is a 415.
 */
export function bodyLimit(
  maxBytes: number,
  tooLarge: () => Error,
  decoders: BodyDecoders = WEB_DECODERS,
): MiddlewareHandler {
  // The common case (a declared length, no coding) stays a plain function: no promise of its own per request.
  return (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    const headers = c.req.raw.headers;
    const codings = codingsOf(headers.get('content-encoding'));
    const length = headers.get('content-length');
    if (length !== null && !headers.has('transfer-encoding')) {
      if (Number(length) > maxBytes) throw tooLarge();
      if (codings.length === 0) return next();
    }
    return readWhole(c, next, codings);
  };

  async function readWhole(c: Context, next: Next, codings: string[]): Promise<void> {
    const headers = c.req.raw.headers;
    const unknown = codings.find((coding) => !(coding in decoders));
    if (unknown !== undefined)
      throw new GatewayError(
        415,
        `Content-Encoding '${unknown}' is not supported; send the body as is, or with ${Object.keys(decoders).join(', ')}`,
        'invalid_request_error',
        null,
        'unsupported_content_encoding',
      );
    const raw = c.req.raw.body;
    if (!raw) return next();
    // The wire bytes are read whole first (they are within the limit), so a refused bomb leaves the connection usable.
    const wire = await readCapped(raw, maxBytes, tooLarge);
    let whole = wire;
    if (codings.length > 0) {
      let body: ReadableStream<Uint8Array> = new Response(wire).body!;
      // Undone last-applied first.
      for (const coding of codings.toReversed()) {
        const decoder = decoders[coding]!(maxBytes);
        // A writable of any BufferSource takes Uint8Array chunks; TypeScript's stream types are invariant here.
        body = body.pipeThrough({
          readable: decoder.readable,
          writable: decoder.writable as WritableStream<Uint8Array>,
        });
      }
      let over = false;
      try {
        whole = await readCapped(body, maxBytes, () => ((over = true), new Error('decoded body over the limit')));
      } catch (err) {
        if (over || (err instanceof Error && err.name === DECODED_TOO_LARGE)) throw tooLarge();
        throw new GatewayError(
          400,
          `Request body is not valid ${codings.join(', ')} data`,
          'invalid_request_error',
          null,
          'invalid_value',
        );
      }
    }
    if (codings.length === 0) {
      c.req.raw = new Request(c.req.raw, { body: whole });
      return next();
    }
    const plain = new Headers(headers);
    plain.delete('content-encoding');
    plain.delete('content-length');
    c.req.raw = new Request(c.req.raw, { body: whole, headers: plain });
    return next();
  }
}

/** Reads a body whole, refusing it (tooLarge()) as soon as it passes maxBytes. */
async function readCapped(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
  tooLarge: () => Error,
): Promise<Uint8Array<ArrayBuffer>> {
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
  return whole;
}
