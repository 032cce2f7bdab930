import { pipeline, Readable } from 'node:stream';
import zlib from 'node:zlib';
import { Agent, request } from 'undici';
import type { HttpClient } from './http-client';

// request() hands back the bytes as sent; fetch would decode these, so the Node client does too.
const DECODERS: Record<string, () => zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress> = {
  gzip: () => zlib.createGunzip(),
  'x-gzip': () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
  br: () => zlib.createBrotliDecompress(),
};

/**
 * The Node HttpClient: undici's request() on a pooled keep-alive agent, with a connect timeout (which
 * fetch cannot express). undici's own header and body timeouts are off: the gateway runs its own
 * first-byte and total timers per upstream, and a reasoning model may think for longer than undici's
 * 300 s default before the first byte of a non-streamed answer. A body in gzip, deflate or brotli is
 * decoded here, and its content-encoding and content-length no longer apply.
 */
export function nodeHttpClient(connectTimeoutMs: number): HttpClient {
  const dispatcher = new Agent({
    connect: { timeout: connectTimeoutMs },
    keepAliveTimeout: 30_000,
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  return async ({ method, url, headers, body, signal }) => {
    const res = await request(url, { method, headers, body, signal, dispatcher });
    const header = (name: string) => {
      const value = res.headers[name];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    };
    const encoding = header('content-encoding')?.trim().toLowerCase();
    const decode = encoding ? DECODERS[encoding] : undefined;
    // pipeline passes errors along both ways: a broken upstream errors the reader, a cancelled reader closes the upstream.
    const bytes: Readable = decode ? pipeline(res.body, decode(), () => {}) : res.body;
    // Straight from the Node stream: a web-stream wrapper costs more CPU than the rest of a pass-through request.
    const textUpTo = async (maxBytes: number) => {
      const chunks: Buffer[] = [];
      let seen = 0;
      for await (const chunk of bytes) {
        const piece = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
        seen += piece.byteLength;
        if (seen > maxBytes) {
          bytes.on('error', () => {}).destroy();
          return null;
        }
        chunks.push(piece);
      }
      return (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8');
    };
    return {
      status: res.statusCode,
      header: (name) => (decode && (name === 'content-encoding' || name === 'content-length') ? null : header(name)),
      text: decode ? async () => (await textUpTo(Infinity)) ?? '' : () => res.body.text(),
      textUpTo,
      stream: () => Readable.toWeb(bytes) as ReadableStream<Uint8Array>,
      // Destroying the Node stream directly: cancelling its web wrapper can race data still arriving.
      // undici reports its own destroy as an AbortError, which nobody is left to hear.
      discard: async () => void bytes.on('error', () => {}).destroy(),
    };
  };
}
