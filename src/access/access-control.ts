import type { MiddlewareHandler } from 'hono';
import { GatewayError } from '../errors';
import { presentedKey, type KeyRing } from './api-keys';
import type { KeyLimit, Limiter, Refusal } from './key-limits';
import { untilSettled } from '../util/abort-scope';

/**
 * keyIndex: which configured key the caller presented (0-based); the inspector shows it, never the key.
 * spendCandidates: takes a request's N from the key's candidates per minute once the route knows it; a
 * refusal throws the same 429 as the other limits. Absent on a gateway without keys.
 */
export type AccessVars = { maxN?: number; keyIndex?: number; spendCandidates?: (candidates: number) => Promise<void> };

export interface AccessOptions {
  keys: KeyRing;
  /** Limits of key i; keys without their own use the defaults. */
  limitOf: (keyIndex: number) => KeyLimit;
  limiter: Limiter;
}

const rateLimited = (refusal: Refusal) =>
  new GatewayError(429, `Rate limit: ${refusal.reason} for this key`, 'rate_limit_error', null, 'rate_limit_exceeded', {
    'retry-after': String(refusal.retryAfterSeconds),
  });

/** Whether the request carries a valid gateway key; no limits are applied (health and metrics). */
export async function hasValidKey(opts: AccessOptions, headers: Headers): Promise<boolean> {
  const presented = presentedKey(headers);
  return presented !== null && (await opts.keys.find(presented)) >= 0;
}

/**
 * Authenticates /v1 requests with a gateway key (never the upstream's) and applies its limits. A
 * streamed answer holds its concurrency slot until the stream ends or the client goes away.
 */
export function accessControl(opts: AccessOptions): MiddlewareHandler<{ Variables: AccessVars }> {
  return async (c, next) => {
    const presented = presentedKey(c.req.raw.headers);
    const index = presented ? await opts.keys.find(presented) : -1;
    if (index < 0) {
      throw new GatewayError(
        401,
        presented ? 'Incorrect API key provided' : 'Missing API key: send Authorization: Bearer <key>',
        'invalid_request_error',
        null,
        'invalid_api_key',
        {
          'www-authenticate': 'Bearer',
        },
      );
    }
    const limit = opts.limitOf(index);
    const admission = await opts.limiter.admit(index, limit);
    if (!admission.ok) throw rateLimited(admission);
    c.set('maxN', limit.maxN);
    c.set('keyIndex', index);
    c.set('spendCandidates', async (candidates) => {
      const spent = await opts.limiter.spend(index, limit, candidates);
      if (!spent.ok) throw rateLimited(spent);
    });
    try {
      await next();
    } catch (err) {
      admission.release();
      throw err;
    }
    // Only an event stream is still being written after the handler returns; every other answer is
    // complete, and wrapping its body in a stream would cost every request a web-stream round trip.
    if (!(c.res.headers.get('content-type') ?? '').startsWith('text/event-stream') || !c.res.body)
      return admission.release();
    c.res = new Response(untilSettled(c.res.body, admission.release), c.res);
  };
}
