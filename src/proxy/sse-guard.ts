import { parseJson } from '../core/parse-json';
import { GatewayError } from '../errors';
import { scrubStrings } from '../secrets';
import {
  MAX_EVENT_CHARS,
  encodeSseComment,
  encodeSseEvent,
  encodeSseJson,
  SSE_DONE,
  SseDecoderStream,
  type SseDecodeOptions,
  type SseItem,
} from '../http/sse';

/**
 * Relays an upstream SSE body event by event through the shared codec, re-encoded in one canonical
 * form, and ends it cleanly when the upstream misbehaves: a data payload that is neither JSON nor
 * `[DONE]`, an event past the size cap, or a connection that breaks mid-stream becomes one OpenAI
 * `{error}` event (which the official clients raise) and the end of the stream, instead of garbage or
 * a cut connection.
 */
const encoder = new TextEncoder();

function streamErrorEvent(message: string, code: string = 'bad_upstream_response'): Uint8Array {
  return encoder.encode(encodeSseJson({ error: { message, type: 'upstream_error', param: null, code } }));
}

/** Whether a parsed event ends an answer: a choice with a finish_reason. */
function finishes(json: unknown): boolean {
  if (typeof json !== 'object' || json === null || !('choices' in json) || !Array.isArray(json.choices)) return false;
  return json.choices.some(
    (c: unknown) => typeof c === 'object' && c !== null && 'finish_reason' in c && !!c.finish_reason,
  );
}

/** The item as the client gets it, or null when it is not a valid OpenAI stream event. */
function relayed(
  item: SseItem,
  scrub: (text: string) => string,
  seen: { end: boolean },
  decorate?: (data: string, json: unknown) => string,
): string | null {
  if (item.kind === 'comment') return encodeSseComment(item.text);
  if (item.data === SSE_DONE) {
    seen.end = true;
    return encodeSseEvent(item.data, item);
  }
  const parsed = parseJson(item.data);
  if (!parsed.ok) return null;
  const json = parsed.value;
  if (finishes(json)) seen.end = true;
  // An upstream may quote its request headers in an error event, in any field: scrubbed there, never in
  // content. Judged and scrubbed after parsing, so JSON escapes (`"\u0065rror"`, an escaped key) hide nothing.
  const isError = typeof json === 'object' && json !== null && !Array.isArray(json) && 'error' in json;
  if (isError) return encodeSseEvent(JSON.stringify(scrubStrings(json, scrub)), item);
  return encodeSseEvent(decorate ? decorate(item.data, json) : item.data, item);
}

export function guardSse(
  body: ReadableStream<Uint8Array>,
  scrub: (text: string) => string = (t) => t,
  options: SseDecodeOptions = { maxEventChars: MAX_EVENT_CHARS },
  /** Rewrites a JSON event's data, given parsed (the gateway's metadata on the finishing chunk). */
  decorate?: (data: string, json: unknown) => string,
): ReadableStream<Uint8Array> {
  const reader = body.pipeThrough(new SseDecoderStream(options)).getReader();
  let finished = false;
  // An upstream that stops without [DONE] or a finish_reason was cut off: the client is told, not left with half an answer.
  const seen = { end: false };
  const finish = (controller: ReadableStreamDefaultController<Uint8Array>, last?: Uint8Array) => {
    finished = true;
    if (last) controller.enqueue(last);
    controller.close();
  };
  // Every pull enqueues or closes: a pull that returned with neither would never be called again.
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (finished) return;
      let next: ReadableStreamReadResult<SseItem>;
      try {
        next = await reader.read();
      } catch (err) {
        // A timeout or the deadline keeps its own code: a stalled upstream is not a broken one.
        return finish(
          controller,
          err instanceof GatewayError
            ? streamErrorEvent(err.message, err.code ?? undefined)
            : streamErrorEvent('upstream connection broke mid-stream'),
        );
      }
      if (next.done)
        return finish(
          controller,
          seen.end ? undefined : streamErrorEvent('upstream stream ended before the answer was complete'),
        );
      const out = relayed(next.value, scrub, seen, decorate);
      if (out === null) {
        reader.cancel().catch(() => {});
        return finish(controller, streamErrorEvent('upstream sent an event that is not JSON'));
      }
      controller.enqueue(encoder.encode(out));
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
