/**
 * The few error types the gateway raises, and the one place they become an OpenAI error body.
 * Anything else that escapes is a bug: it is logged and answered as a bare 500 without details.
 */
export type OpenAIErrorBody = { error: { message: string; type: string; param: string | null; code: string | null } };

/**
 * Every `code` the gateway itself puts in an error body, or in a failed candidate's `error` in the
 * `bestofn` metadata: one list, typed, and kept in the README's table by test/readme.test.ts.
 * An upstream's own code (an UpstreamError that maps the upstream's answer) is forwarded as it came.
 */
export const ERROR_CODES = {
  invalid_json: 'the body is not JSON, or not a JSON object (400)',
  too_deeply_nested: 'the body nests objects and arrays too deeply (400)',
  missing_required_parameter: 'a required field (`param`) is missing (400)',
  invalid_type: 'a field (`param`) has the wrong type (400)',
  invalid_value: 'a field (`param`) has a value out of range or not allowed (400)',
  unsafe_pattern:
    'a JSON schema `pattern` (or `patternProperties` key) with nested quantifiers, a backreference or repeated alternatives that may overlap, which could stall the gateway (400)',
  unsupported_parameter: 'a field (`param`) bestofn does not support, e.g. stateful Responses fields (400)',
  unsupported_media_type: 'a POST body not declared `application/json` (415)',
  host_not_allowed: 'a gateway without keys, asked under a host name that is not its own (403; ALLOWED_HOSTS)',
  request_too_large: 'the body (decoded, when compressed), or a /v1/rewards candidate, is over its limit (413)',
  unsupported_content_encoding: 'the body is compressed with a coding other than gzip, deflate or br (415)',
  not_found: 'no such route (404)',
  model_not_found: 'no configured upstream serves this model (404)',
  invalid_api_key: 'a gateway key is missing or wrong (401)',
  rate_limit_exceeded: "over a gateway key's rate, candidate rate or concurrency (429, with Retry-After)",
  limits_unavailable: 'REDIS_FAILURE=refuse and the shared limits store does not answer (503, with Retry-After)',
  overloaded: 'the scorer queue is full (503, with Retry-After)',
  invalid_config: 'the server is misconfigured (500; Workers)',
  deadline:
    'the request deadline passed before enough candidates arrived, or before a relayed answer was complete (504)',
  upstream_timeout: 'the upstream sent no headers, or no answer, in time (504)',
  upstream_unreachable: 'the upstream could not be reached (502)',
  bad_upstream_response: 'the upstream answer was cut off, too large, or not a chat completion (502)',
  missing_choice: 'the upstream returned fewer choices than the `n` it was asked for (502; metadata)',
  candidates_too_large:
    "a candidate's answer did not fit in what is left of UPSTREAM_MAX_REQUEST_MB; the others are kept (502; metadata)",
  no_valid_candidate: 'JSON mode, and no candidate is valid JSON (502)',
  rejected:
    'a candidate the gateway stopped: early rejection, a confidence stop, or a rival committed to (metadata only)',
  scorer_unavailable: 'the reward model is down (503 with SCORER_FALLBACK=error)',
  scorer_timeout: 'the reward model did not answer in time (503 with SCORER_FALLBACK=error)',
  scorer_bad_response: 'the reward model answered something unusable (503 with SCORER_FALLBACK=error)',
  prompt_too_long: 'the problem alone is longer than the PRM context (503 with SCORER_FALLBACK=error)',
  prompt_not_recorded: '`bestofn replay-upstream` or the demo set has no candidates for this prompt (404 / 400)',
  too_many_candidates:
    '`best_of` asks the demo set or `bestofn replay-upstream` for more candidates than are recorded (400)',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class GatewayError extends Error {
  readonly code: string | null;

  constructor(
    readonly status: number,
    message: string,
    readonly type: string = status >= 500 ? 'server_error' : 'invalid_request_error',
    readonly param: string | null = null,
    code: ErrorCode | null = null,
    /** Extra response headers, e.g. Retry-After on 429/503. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.code = code;
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
  constructor(message: string, param: string | null = null, code: ErrorCode = 'invalid_value') {
    super(400, message, 'invalid_request_error', param, code);
  }
}

/** The upstream model server answered with an error, or could not be reached. */
export class UpstreamError extends GatewayError {
  /** The gateway's own code, or the one the upstream's error body carried. */
  override readonly code: string | null;

  constructor(
    status: number,
    message: string,
    type = 'upstream_error',
    code: ErrorCode | (string & {}) | null = null,
    headers: Record<string, string> = {},
    readonly retryable = status === 408 || status === 409 || status === 429 || status >= 500,
    param: string | null = null,
  ) {
    super(status, message, type, param, null, headers);
    this.code = code;
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
  /** What the failed scorer had already spent (a judge's calls and tokens): the fallback's answer still reports it. */
  spent?: {
    usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
    info: Record<string, unknown>;
  };

  constructor(message: string, code: ErrorCode = 'scorer_unavailable') {
    super(503, message, 'server_error', null, code);
  }
}

const INTERNAL: OpenAIErrorBody = {
  error: { message: 'internal error', type: 'server_error', param: null, code: null },
};

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
 * addresses out of every field, which may quote an upstream's answer word for word.
 */
export function toErrorResponse(
  err: unknown,
  scrub: (text: string) => string = (t) => t,
): { status: number; body: OpenAIErrorBody; headers: Record<string, string> } {
  if (err instanceof GatewayError) {
    // An upstream's type, param and code are forwarded too, and a careless one quotes its headers in any of them.
    const { message, type, param, code } = err.toBody().error;
    const body: OpenAIErrorBody = {
      error: {
        message: scrub(message),
        type: scrub(type),
        param: param === null ? null : scrub(param),
        code: code === null ? null : scrub(code),
      },
    };
    return { status: err.status, body, headers: { ...err.headers, 'x-should-retry': shouldRetry(err) } };
  }
  return { status: 500, body: INTERNAL, headers: { 'x-should-retry': 'false' } };
}
