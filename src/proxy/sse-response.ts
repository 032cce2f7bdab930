import { toErrorResponse } from '../errors';
import { encodeSseComment, encodeSseEvent, encodeSseJson, SSE_DONE, SSE_HEADERS } from '../http/sse';
import { AbortScope } from '../util/abort-scope';

const encoder = new TextEncoder();

function namedEvent(event: unknown): string {
  const type = typeof event === 'object' && event !== null && 'type' in event ? event.type : undefined;
  return encodeSseEvent(JSON.stringify(event), typeof type === 'string' ? { event: type } : {});
}

export interface SseOptions {
  heartbeatMs: number;
  /** Aborts when the client goes away; the work is told through the signal it receives. */
  signal: AbortSignal;
  onError?: (err: unknown) => void;
  /** Takes secrets and internal addresses out of the error event. */
  scrub?: (text: string) => string;
  /**
   * The Responses API's framing: each event named by its `type` (`event: response.created`) and no
   * `[DONE]` (the stream ends on `response.completed`). Chat completions: unnamed events, then `[DONE]`.
   */
  named?: boolean;
}

/**
 * An SSE response whose events are computed later. Until they are ready, comment heartbeats keep
 * proxies (which cut idle streams after 60–100 s) from closing the connection. Errors after the
 * headers are sent become an OpenAI `{error}` event, which the official clients raise as APIError.
 * Built as a fresh Response so no caller ever has to mutate a fetch Response's immutable headers.
 */
export function sseResponse(
  work: (signal: AbortSignal) => Promise<Iterable<unknown> | AsyncIterable<unknown>>,
  options: SseOptions,
): Response {
  const scope = new AbortScope().follow(options.signal);
  const signal = scope.signal;
  let heartbeat: ReturnType<typeof setInterval> | undefined;

  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (text: string) => {
        if (!signal.aborted) controller.enqueue(encoder.encode(text));
      };
      // No comment before the first event unless a heartbeat is due: hand-written parsers read every line as data.
      heartbeat = setInterval(() => send(encodeSseComment('keep-alive')), options.heartbeatMs);
      try {
        const events = await work(signal);
        clearInterval(heartbeat);
        for await (const event of events) send(options.named ? namedEvent(event) : encodeSseJson(event));
        if (!options.named) send(encodeSseEvent(SSE_DONE));
      } catch (err) {
        clearInterval(heartbeat);
        if (!signal.aborted) {
          options.onError?.(err);
          const { body } = toErrorResponse(err, options.scrub);
          send(options.named ? encodeSseEvent(JSON.stringify(body), { event: 'error' }) : encodeSseJson(body));
        }
      }
      scope.dispose();
      if (!signal.aborted) controller.close();
    },
    cancel(reason) {
      clearInterval(heartbeat);
      scope.abort(reason);
      scope.dispose();
    },
  });
  return new Response(stream, {
    status: 200,
    headers: SSE_HEADERS,
  });
}
