import { AbortScope } from '../util/abort-scope';
import type { ProxyDeps } from './proxy-deps';
import { sseResponse } from './sse-response';

/**
 * A streamed answer whose headers wait until the first candidate's upstream answered 2xx, or until the
 * first heartbeat is due, whichever comes first. A failure known before then (the upstream's 400, 404,
 * 429, or no upstream at all) is thrown, so the client gets an ordinary HTTP error with the upstream's
 * status instead of a 200 whose first event is an error. After the headers, errors are in-stream events.
 */
export async function heldStream(
  deps: ProxyDeps,
  req: { signal: AbortSignal; requestId: string },
  produce: (signal: AbortSignal, onArrived: () => void) => Promise<Iterable<unknown> | AsyncIterable<unknown>>,
  /**
   * The Responses API's stream: its own in-stream event for a failure after the headers (else chat's
   * `{error}`), and its framing (named events, no `[DONE]`).
   */
  responses?: { errorEvent: (err: unknown) => unknown },
): Promise<Response> {
  const errorEvent = responses?.errorEvent;
  const scope = new AbortScope().follow(req.signal);
  let arrived = () => {};
  const ready = new Promise<void>((resolve) => (arrived = resolve));
  const events = produce(scope.signal, () => arrived());
  events.catch(() => {}); // raced below, then handed to the stream: a failure is never lost
  let timer: ReturnType<typeof setTimeout> | undefined;
  const heartbeatDue = new Promise<void>((resolve) => (timer = setTimeout(resolve, deps.config.BESTOFN_HEARTBEAT_MS)));
  try {
    await Promise.race([ready, events, heartbeatDue]);
  } catch (err) {
    scope.dispose();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return sseResponse(
    async (s) => {
      scope.follow(s);
      try {
        return disposing(await events, scope);
      } catch (err) {
        if (!errorEvent || s.aborted) throw err;
        deps.log.warn({ err, reqId: req.requestId }, 'stream failed after headers were sent');
        scope.dispose();
        return [errorEvent(err)];
      }
    },
    {
      heartbeatMs: deps.config.BESTOFN_HEARTBEAT_MS,
      signal: req.signal,
      scrub: deps.scrub,
      named: responses !== undefined,
      onError: (err) => deps.log.warn({ err, reqId: req.requestId }, 'stream failed after headers were sent'),
    },
  );
}

async function* disposing<T>(events: Iterable<T> | AsyncIterable<T>, scope: AbortScope): AsyncGenerator<T> {
  try {
    yield* events;
  } finally {
    scope.dispose();
  }
}
