import type { MiddlewareHandler } from 'hono';
import { GatewayError } from '../errors';
import { isLoopbackAddress } from './loopback';

/**
 * Guards against web pages the operator happens to visit. A browser sends a cross-site POST without
 * asking first (no CORS preflight) only when its content type is text/plain, a form type or none; so a
 * JSON endpoint that takes only JSON cannot be called by a page that cannot also read the answer. And a
 * page on a rebound name (attacker.example resolving to 127.0.0.1) is same-origin with a loopback gateway
 * and may read everything; its requests name that host, so a keyless gateway answers only its own names.
 */

/** `application/json` or any `application/…+json`, parameters (charset) allowed. */
function isJsonType(contentType: string | undefined): boolean {
  if (contentType === 'application/json') return true;
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

// Both checks are plain functions, not async ones: on the hot path each async layer is one more promise per request.

/** POSTs with a body that is not declared JSON are a 415 before anything reads them. */
export function jsonOnly(): MiddlewareHandler {
  return (c, next) => {
    if (c.req.method !== 'POST' || isJsonType(c.req.header('content-type'))) return next();
    throw new GatewayError(
      415,
      `Send the body as JSON with content-type: application/json (got ${c.req.header('content-type') ?? 'none'})`,
      'invalid_request_error',
      null,
      'unsupported_media_type',
    );
  };
}

/** The host name of a Host header or URL host, without port or IPv6 brackets, lower case. */
function hostName(host: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(host);
  if (bracketed) return bracketed[1]!.toLowerCase();
  return host.replace(/:\d*$/, '').toLowerCase();
}

/** Names only this machine resolves: localhost and *.localhost (RFC 6761), and loopback addresses. */
function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost') || isLoopbackAddress(name);
}

/**
 * Answers only requests addressed to a loopback name or one of `allowed` (HOST, ALLOWED_HOSTS; `*` for
 * any): for a gateway without keys, which config lets listen on loopback only.
 */
export function ownHostsOnly(allowed: readonly string[]): MiddlewareHandler {
  const names = new Set(allowed.map(hostName));
  // Nearly every request names the same host: the last one let through is not parsed again.
  let lastAllowed: string | undefined;
  return (c, next) => {
    // The Host header, where there is one, names what the URL's host would (and costs no URL parse per request).
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    if (host === lastAllowed) return next();
    const name = hostName(host);
    if (names.has('*') || names.has(name) || isLoopbackName(name)) {
      lastAllowed = host;
      return next();
    }
    throw new GatewayError(
      403,
      `This gateway has no keys and answers only requests to its own host names, not '${name}': add it to ALLOWED_HOSTS`,
      'invalid_request_error',
      null,
      'host_not_allowed',
    );
  };
}
