import type { Server, ServerResponse } from 'node:http';

/**
 * Lets a Node server stop the way clients with keep-alive connections need: stop accepting, close idle
 * connections at once, and answer every request still in flight or still arriving with
 * `connection: close`, so each socket closes as its answer ends instead of idling until the keep-alive
 * timeout. What is left after `graceMs` is cut. `close` resolves as soon as the last connection is gone.
 */
export function drainable(server: Server): { close(graceMs: number): Promise<void>; readonly cut: boolean } {
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  let cutting = false;
  server.prependListener('request', (_req, res: ServerResponse) => {
    if (draining) res.setHeader('connection', 'close');
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      // Its socket may idle now (an answer whose headers went out before the drain began): close it.
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
  });
  return {
    /** Whether the grace is over and what was left is being cut: such requests were ended by the server. */
    get cut() {
      return cutting;
    },
    close: (graceMs) =>
      new Promise<void>((resolve) => {
        draining = true;
        for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
        server.close(() => resolve());
        server.closeIdleConnections();
        const cut = () => ((cutting = true), server.closeAllConnections());
        if (graceMs <= 0) cut();
        else setTimeout(cut, graceMs).unref();
      }),
  };
}
