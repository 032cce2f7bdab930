/**
 * Reading an upstream answer's body within its bounds: the per-answer cap (bad_upstream_response past it)
 * and the client request's byte budget shared by its candidates (candidates_too_large), and the end of a
 * streamed one.
 */
import type { ByteBudget } from './byte-budget';
import type { HttpReply } from './http-client';
import { badUpstream } from './openai-schemas';

export const tooLarge = (maxBytes: number) => badUpstream(`answer is larger than ${maxBytes} bytes`);

export async function readBounded(reply: HttpReply, maxBytes: number | undefined): Promise<string> {
  if (maxBytes === undefined) return reply.text();
  const text = await reply.textUpTo(maxBytes);
  if (text === null) throw tooLarge(maxBytes);
  return text;
}

/**
 * The body, erroring with bad_upstream_response once more than maxBytes have come through, or with
 * candidates_too_large once the request's budget has no room for the next chunk (its bytes then go back).
 */
export function capBytes(
  body: ReadableStream<Uint8Array>,
  maxBytes: number | undefined,
  budget?: ByteBudget,
): ReadableStream<Uint8Array> {
  if (maxBytes === undefined && budget === undefined) return body;
  let seen = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        if (maxBytes !== undefined && seen + chunk.byteLength > maxBytes) {
          budget?.give(seen);
          throw tooLarge(maxBytes);
        }
        if (budget && !budget.take(chunk.byteLength)) {
          budget.give(seen);
          throw budget.exceeded();
        }
        seen += chunk.byteLength;
        controller.enqueue(chunk);
      },
    }),
  );
}

/**
 * The same body, calling `done` once it has ended, failed or been cancelled (as untilSettled does); a
 * failure is replaced by the error `map` throws. One wrapper for both: a relayed stream pays per chunk.
 */
export function settled(
  body: ReadableStream<Uint8Array>,
  done: () => void,
  map: (err: unknown) => never,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch (err) {
        done();
        try {
          map(err);
        } catch (mapped) {
          controller.error(mapped);
        }
        return;
      }
      if (next.done) {
        done();
        controller.close();
      } else controller.enqueue(next.value);
    },
    cancel(reason) {
      done();
      return reader.cancel(reason);
    },
  });
}
