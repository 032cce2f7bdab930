import type { ServerOptions } from 'node:http';

/**
 * The Node server's clocks on its clients. Headers have HEADERS_TIMEOUT_MS; the whole request, body
 * included, BODY_TIMEOUT_MS: without it Node allows 300 s, so a client that sends a declared body a byte
 * a second holds a connection that long, and a few addresses fill MAX_CONNECTIONS. Node refuses a request
 * timeout shorter than the headers timeout, so the longer of the two is used. Responses (a long SSE
 * answer) are not bounded by either: Node stops the request clock once the request is read.
 */
export function serverTimeouts(config: {
  HEADERS_TIMEOUT_MS: number;
  BODY_TIMEOUT_MS: number;
  IDLE_TIMEOUT_MS: number;
}): ServerOptions {
  return {
    headersTimeout: config.HEADERS_TIMEOUT_MS,
    requestTimeout: Math.max(config.BODY_TIMEOUT_MS, config.HEADERS_TIMEOUT_MS),
    keepAliveTimeout: config.IDLE_TIMEOUT_MS,
    // Node checks these clocks every connectionsCheckingInterval (30 s by default); check each second.
    connectionsCheckingInterval: 1000,
  };
}
