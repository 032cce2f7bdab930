/**
 * The few error types the gateway raises, and the one place they become an OpenAI error body.
 * Anything else that escapes is a bug: it is logged and answered as a bare 500 without details.
 */
export type OpenAIErrorBody = { error: { message: string; type: string; param: string | null; code: string | null } };

export class GatewayError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string = status >= 500 ? 'server_error' : 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
    /** Extra response headers, e.g. Retry-After on 429/503. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  /** Says whether a client retry can help (`x-should-retry`, which the OpenAI SDKs obey over their own rule). */
  adviseRetry(retry: boolean): this {
    this.headers['x-should-retry'] = String(retry);
    return this;
  }

  toBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** A client mistake: 400 naming the offending param. */
export class InvalidRequestError extends GatewayError {
  constructor(message: string, param: string | null = null, code: string | null = 'invalid_value') {
    super(400, message, 'invalid_request_error', param, code);
  }
}

/** The upstream model server answered with an error, or could not be reached. */
export class UpstreamError extends GatewayError {
  constructor(
    status: number,
    message: string,
    type = 'upstream_error',
    code: string | null = null,
    headers: Record<string, string> = {},
    readonly retryable = status === 408 || status === 409 || status === 429 || status >= 500,
    param: string | null = null,
  ) {
    super(status, message, type, param, code, headers);
  }
}

/** Too much queued work: the client should back off and retry. */
export class OverloadedError extends GatewayError {
  constructor(message: string, retryAfterSeconds = 1) {
    super(503, message, 'server_error', null, 'overloaded', { 'retry-after': String(retryAfterSeconds) });
  }
}

/** The reward model could not score (down, timed out, bad answer). Scorers throw it; the fallback decides. */
export class ScorerError extends GatewayError {
  constructor(message: string, code = 'scorer_unavailable') {
    super(503, message, 'server_error', null, code);
  }
}

const INTERNAL: OpenAIErrorBody = { error: { message: 'internal error', type: 'server_error', param: null, code: null } };

/**
 * One retry budget: the gateway's own retries are the only ones by default. An upstream failure the
 * gateway already retried says `false` (set where it gave up); the gateway's own back-pressure (429
 * key limits, 503 overload) and an upstream failure it did not retry (UPSTREAM_RETRIES=0, a Retry-After
 * too long to wait out, an answer cut off) say `true`; everything else, which would fail the same way
 * again (bad request, auth, the request's deadline), says `false`.
 */
function shouldRetry(err: GatewayError): string {
  if (err.headers['x-should-retry']) return err.headers['x-should-retry'];
  // A request that used its whole deadline would use it again, N candidates' worth of upstream time.
  if (err.code === 'deadline') return 'false';
  if (err instanceof UpstreamError) return String(err.retryable);
  return String(err.status === 429 || err.status === 503);
}

/**
 * The one place an error becomes what the client reads. `scrub` takes the gateway's secrets and internal
 * addresses out of the message, which may quote an upstream's answer word for word.
 */
export function toErrorResponse(err: unknown, scrub: (text: string) => string = (t) => t): { status: number; body: OpenAIErrorBody; headers: Record<string, string> } {
  if (err instanceof GatewayError) {
    const body = err.toBody();
    body.error.message = scrub(body.error.message);
    return { status: err.status, body, headers: { ...err.headers, 'x-should-retry': shouldRetry(err) } };
  }
  return { status: 500, body: INTERNAL, headers: { 'x-should-retry': 'false' } };
}
