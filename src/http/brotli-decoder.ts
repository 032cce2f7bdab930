import zlib from 'node:zlib';
import { DECODED_TOO_LARGE } from './body-limit';

/** Thrown into the body stream when the decoded bytes pass the limit; the body limit answers 413 for it. */
export class DecodedTooLarge extends Error {
  override name = DECODED_TOO_LARGE;
}

/**
 * A `Content-Encoding: br` request body decoder for Node (web streams have no brotli on Node 20). It
 * counts what it inflates and stops at `limit`: a small brotli bomb never inflates past the body limit.
 */
export function brotliDecoder(limit: number): TransformStream<BufferSource, Uint8Array> {
  const z = zlib.createBrotliDecompress();
  let size = 0;
  let ended: Promise<void> | undefined;
  return new TransformStream<BufferSource, Uint8Array>({
    start(controller) {
      ended = new Promise<void>((resolve, reject) => {
        z.on('data', (chunk: Buffer) => {
          size += chunk.byteLength;
          if (size > limit) {
            z.destroy();
            reject(new DecodedTooLarge());
            return;
          }
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        });
        z.on('end', resolve);
        z.on('error', reject);
      });
      ended.catch(() => {}); // surfaced by transform and flush
    },
    async transform(source) {
      const chunk = ArrayBuffer.isView(source)
        ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength)
        : new Uint8Array(source);
      await Promise.race([new Promise<void>((resolve) => z.write(chunk, () => resolve())), ended]);
    },
    async flush() {
      z.end();
      await ended;
    },
  });
}
