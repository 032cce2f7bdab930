import type { Context, MiddlewareHandler } from 'hono';
import { untilSettled } from '../util/abort-scope';

export type RequestVars = { requestId: string };

/** A caller's id is kept when it looks like one (so traces join up); anything else is replaced. */
const ACCEPTABLE = /^[\w.:@/+=-]{1,128}$/;

/**
 * Handlers return Responses they built themselves, whose headers are mutable. A Response that came
 * straight from fetch has immutable headers (the trap in Portkey #1389): rebuild it instead of failing.
 */
function stampRequestId(c: Context, id: string): void {
  try {
    c.res.headers.set('x-request-id', id);
  } catch {
    const headers = new Headers(c.res.headers);
    headers.set('x-request-id', id);
    c.res = new Response(c.res.body, { status: c.res.status, statusText: c.res.statusText, headers });
  }
}

/**
 * Honours and returns `x-request-id`, and writes one access-log line per request: method, route,
 * status and time, never the prompt or the completion.
 */
export function requestContext(
  log: { info(obj: object, msg?: string): void },
  onDone: (route: string, status: number, seconds: number) => void,
  /** True once the server cuts the connections still open at shutdown. */
  shutdownCut: () => boolean = () => false,
): MiddlewareHandler<{ Variables: RequestVars }> {
  return async (c, next) => {
    const given = c.req.header('x-request-id');
    const id = given && ACCEPTABLE.test(given) ? given : crypto.randomUUID();
    c.set('requestId', id);
    const started = performance.now();
    try {
      await next();
    } catch (err) {
      // The client's abort reason may be a bare string, which Hono's onError never sees (it takes Errors only).
      if (!c.req.raw.signal.aborted) throw err;
      c.res = new Response(null, { status: 499 });
    }
    stampRequestId(c, id);
    const route = c.req.routePath || c.req.path;
    let logged = false;
    const done = (given: number) => {
      // A cancelled stream can also see its read fail: one request, one line.
      if (logged) return;
      logged = true;
      const seconds = (performance.now() - started) / 1000;
      // The gateway cut it, not the client: 503 (unavailable, shutting down), not 499 (client closed).
      const shutdown = given === 499 && shutdownCut();
      const status = shutdown ? 503 : given;
      onDone(route, status, seconds);
      log.info(
        {
          reqId: id,
          method: c.req.method,
          route,
          status,
          ms: Math.round(seconds * 1000),
          ...(shutdown ? { reason: 'shutdown' } : {}),
        },
        'request',
      );
    };
    // A stream is logged when it ends, with the time it took; one the client left is a 499 (nginx's "client closed").
    const status = c.res.status;
    if (!(c.res.headers.get('content-type') ?? '').startsWith('text/event-stream') || !c.res.body) return done(status);
    c.res = new Response(
      untilSettled(c.res.body, (how) => done(how === 'cancelled' || c.req.raw.signal.aborted ? 499 : status)),
      c.res,
    );
  };
}
