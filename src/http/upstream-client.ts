import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import { UpstreamError } from '../errors';
import { AbortScope } from '../util/abort-scope';
import { streamText, type HttpClient, type HttpReply } from './http-client';
import { badUpstream, errorFromBody, parseCompletion, upstreamJson, type UpstreamCompletion } from './openai-schemas';
import { jsonOrUndefined } from '../core/parse-json';
import type { ByteBudget } from './byte-budget';
import { capBytes, readBounded, settled, tooLarge } from './answer-body';
import type { FairLimit } from './fair-limit';

/**
 * The one OpenAI-compatible HTTP client of the gateway: upstream model servers, the verifier and the
 * remote PRM all go through postUpstream, with one retry policy, one set of timeouts, one error mapping
 * and one byte cap.
 */

/** One OpenAI-compatible server, and the concurrency cap shared by every request that uses it. */
export interface Upstream {
  /** 'default' for UPSTREAM_BASE_URL, or the name given in the config file. */
  name?: string;
  baseUrl: string;
  apiKey?: string;
  supportsN: boolean;
  timeoutMs: number;
  /** Shared by every request; its slots go to the waiting requests in turn (fair-limit.ts). */
  limit: FairLimit;
  http: HttpClient;
  /** Extra attempts after a retryable failure (408, 429, 5xx, connection errors). */
  retries: number;
  /** First backoff; doubled per attempt, with jitter. Retry-After wins when the upstream sends it. */
  retryBaseMs: number;
  /** Time allowed until the response headers arrive (for a stream: the first token). */
  firstByteTimeoutMs: number;
  /** Told the status (or 'error') and latency to headers of every upstream request, for metrics. */
  observe?: (status: number | 'error', seconds: number) => void;
  /** Largest answer of one choice, in bytes (decoded); past it the answer fails as bad_upstream_response. */
  maxAnswerBytes?: number;
  /** Waits between attempts; a timer by default (tests inject one that records and returns at once). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Where what the gateway learns about this upstream is said once (it ignores `n`, it repeats itself). */
  warn?: (obj: object, msg: string) => void;
  /**
   * Learned, not configured: `supportsN` was set but the upstream answered one choice where it was
   * asked for several. From then on its candidates are sampled by separate requests.
   */
  ignoresN?: boolean;
  /** Said once: the upstream gave identical candidates to one request (a replay or caching server). */
  repeats?: boolean;
}

const isAbort = (err: unknown) => err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');

function headersFor(upstream: Upstream): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: 'application/json',
    ...(upstream.apiKey ? { authorization: `Bearer ${upstream.apiKey}` } : {}),
  };
}

const ERROR_BODY_BYTES = 64 * 1024;

/** Maps an upstream error answer to UpstreamError, keeping its status, type, code, message and Retry-After. */
export async function upstreamErrorFrom(reply: HttpReply): Promise<UpstreamError> {
  // An error page is read only so far: its first bytes say what went wrong.
  const text = await streamText(capBytes(reply.stream(), ERROR_BODY_BYTES)).catch(() => '');
  const retryAfter = reply.header('retry-after');
  const headers: Record<string, string> = retryAfter ? { 'retry-after': retryAfter } : {};
  // Not JSON (a proxy's HTML error page): the start of the text is the message.
  const json = jsonOrUndefined(text);
  return (
    errorFromBody(json, reply.status, headers) ??
    new UpstreamError(
      reply.status,
      `upstream: ${text.slice(0, 500) || `upstream error (HTTP ${reply.status})`}`,
      'upstream_error',
      null,
      headers,
    )
  );
}

/** Longest Retry-After the gateway waits out; a longer one is returned to the client instead. */
const MAX_RETRY_AFTER_MS = 30_000;

function retryDelayMs(
  upstream: Upstream,
  attempt: number,
  retryAfter: string | undefined,
  random: () => number,
): number | null {
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - Date.now();
    if (Number.isFinite(ms)) return ms > MAX_RETRY_AFTER_MS ? null : Math.max(0, ms);
  }
  // Full jitter keeps many gateway replicas from retrying in lockstep.
  return upstream.retryBaseMs * 2 ** attempt * (0.5 + random() / 2);
}

function timerSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => (signal.removeEventListener('abort', stop), resolve()), ms);
    const stop = () => (clearTimeout(timer), reject(signal.reason));
    signal.addEventListener('abort', stop, { once: true });
  });
}

/** How much of an answer may be read, and until when. */
export interface ReadBounds {
  /** Choices asked for in one request (`n`): the answer cap is per choice, so the body may hold this many. */
  choices?: number;
  /** The bytes left to the client request across all its candidates (UPSTREAM_MAX_REQUEST_MB). */
  budget?: ByteBudget;
  /**
   * The caller's deadline (Date.now() time) over every attempt, the reading of the answer included; past
   * it the call fails with `error()`. Cheaper than a scope of the caller's own: one AbortController a call.
   */
  deadline?: { at: number; error: () => UpstreamError };
}

/**
 * Sends a request and returns the reply once its headers are in, for both JSON and SSE answers,
 * retrying 408/429/5xx and connection failures with exponential backoff. Timeouts are not retried: a
 * generation that ran out of time would only run out again. Throws UpstreamError; rethrows the caller's abort.
 */
export async function postUpstream(
  upstream: Upstream,
  path: string,
  body: unknown,
  signal: AbortSignal,
  bounds: ReadBounds = {},
  random: () => number = Math.random,
): Promise<HttpReply> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await attemptPost(upstream, path, body, signal, bounds);
    } catch (err) {
      if (!(err instanceof UpstreamError) || !err.retryable || signal.aborted) throw err;
      // The client should not retry what the gateway already retried: that would multiply the calls.
      if (attempt >= upstream.retries) throw upstream.retries > 0 ? err.adviseRetry(false) : err;
      const delay = retryDelayMs(upstream, attempt, err.headers['retry-after'], random);
      if (delay === null) throw err.adviseRetry(true);
      if (bounds.deadline && Date.now() + delay >= bounds.deadline.at) throw bounds.deadline.error();
      await (upstream.sleep ?? timerSleep)(delay, signal);
    }
  }
}

async function attemptPost(
  upstream: Upstream,
  path: string,
  body: unknown,
  signal: AbortSignal,
  { choices = 1, budget, deadline }: ReadBounds,
): Promise<HttpReply> {
  const scope = new AbortScope().follow(signal);
  if (deadline) scope.timeout(Math.max(0, deadline.at - Date.now()), deadline.error);
  const firstByteError = () =>
    new UpstreamError(
      504,
      `upstream: no response headers within ${upstream.firstByteTimeoutMs} ms`,
      'upstream_error',
      'upstream_timeout',
      {},
      false,
    );
  const totalError = () =>
    new UpstreamError(
      504,
      `upstream: no answer within ${upstream.timeoutMs} ms`,
      'upstream_error',
      'upstream_timeout',
      {},
      false,
    );
  const headersIn = scope.timeout(upstream.firstByteTimeoutMs, firstByteError);
  scope.timeout(upstream.timeoutMs, totalError);
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  let reply: HttpReply;
  try {
    reply = await upstream.http({
      method: 'POST',
      url: `${upstream.baseUrl}${path}`,
      headers: headersFor(upstream),
      body: JSON.stringify(body),
      signal: scope.signal,
    });
  } catch (err) {
    scope.dispose();
    if (signal.aborted) throw signal.reason ?? err;
    upstream.observe?.('error', seconds());
    if (scope.aborted && scope.signal.reason instanceof UpstreamError) throw scope.signal.reason;
    if (isAbort(err)) throw totalError();
    const cause =
      (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message;
    throw new UpstreamError(502, `upstream unreachable: ${cause}`, 'upstream_error', 'upstream_unreachable');
  }
  headersIn();
  upstream.observe?.(reply.status, seconds());
  // The contract is 2xx or an error status; a redirect, a 1xx or a 999 is no answer and not worth a retry.
  if (reply.status < 200 || (reply.status >= 300 && reply.status < 400) || reply.status > 599) {
    scope.dispose();
    await reply.discard();
    throw badUpstream(`answered with HTTP ${reply.status}, outside the OpenAI API`);
  }
  const encoding = reply.header('content-encoding');
  if (encoding !== null && encoding !== 'identity') {
    scope.dispose();
    await reply.discard();
    throw badUpstream(`answered in an encoding the gateway cannot read (${encoding.slice(0, 40)})`);
  }
  if (reply.status >= 400) {
    try {
      throw await upstreamErrorFrom(reply);
    } finally {
      scope.dispose();
    }
  }
  // The total timeout keeps running while the body is read; the timers and links go once it is.
  const done = () => scope.dispose();
  const readFailed = (err: unknown): never => {
    if (signal.aborted) throw signal.reason ?? err;
    if (scope.signal.reason instanceof UpstreamError) throw scope.signal.reason;
    if (err instanceof UpstreamError) throw err;
    throw new UpstreamError(
      502,
      'upstream connection failed while sending its answer',
      'upstream_error',
      'bad_upstream_response',
    );
  };
  const max = upstream.maxAnswerBytes === undefined ? undefined : upstream.maxAnswerBytes * Math.max(1, choices);
  const capped = () => capBytes(reply.stream(), max, budget);
  // A declared length within the cap is a true bound (the HTTP parser holds the body to it): read it the fast way.
  const length = Number(reply.header('content-length') ?? NaN);
  const refuse = async (err: UpstreamError) => {
    scope.dispose();
    await reply.discard();
    throw err;
  };
  if (max !== undefined && length > max) await refuse(tooLarge(max));
  const declared = Number.isFinite(length) && (max === undefined || length <= max);
  if (declared && budget && !budget.take(length)) await refuse(budget.exceeded());
  // The declared bytes were taken above; an answer that then fails gives them back.
  const readDeclared = () => reply.text().catch((err: unknown) => (budget?.give(length), Promise.reject(err)));
  // Without a budget the cap is counted inline on the client's own stream (the fast path); a budget shared
  // by the request's candidates is taken chunk by chunk as the bytes come.
  const whole = () => (declared ? readDeclared() : budget ? streamText(capped()) : readBounded(reply, max));
  return {
    status: reply.status,
    header: reply.header,
    text: () => whole().catch(readFailed).finally(done),
    textUpTo: (maxBytes) => reply.textUpTo(maxBytes).catch(readFailed).finally(done),
    // A stream that fails says why (the total timeout is upstream_timeout, the caller's deadline its own error), not a bare abort.
    stream: (options) => settled(options?.relay ? reply.stream() : capped(), done, readFailed),
    discard: () => reply.discard().finally(done),
  };
}

/**
 * A non-streaming chat completion, run under the upstream's shared concurrency cap (in turn with the
 * other requests waiting: `owner` is the client request) and checked at the edge.
 */
export function createChatCompletion(
  upstream: Upstream,
  body: ChatCompletionCreateParams,
  signal: AbortSignal,
  owner?: object,
  budget?: ByteBudget,
): Promise<UpstreamCompletion> {
  return upstream.limit(async () => {
    signal.throwIfAborted();
    const choices = body.n ?? 1;
    const reply = await postUpstream(upstream, '/chat/completions', { ...body, stream: false }, signal, {
      choices,
      ...(budget ? { budget } : {}),
    });
    return parseCompletion(upstreamJson(await reply.text(), 'returned a body'), choices);
  }, owner);
}

/** A small GET answer (the model list), read in full: its status, content type and text. */
export async function getUpstream(
  upstream: Upstream,
  path: string,
  signal: AbortSignal,
): Promise<{ status: number; contentType: string; text: string }> {
  const scope = new AbortScope().follow(signal);
  scope.timeout(
    upstream.timeoutMs,
    () =>
      new UpstreamError(
        504,
        `upstream: no answer within ${upstream.timeoutMs} ms`,
        'upstream_error',
        'upstream_timeout',
        {},
        false,
      ),
  );
  try {
    const reply = await upstream.http({
      method: 'GET',
      url: `${upstream.baseUrl}${path}`,
      headers: headersFor(upstream),
      signal: scope.signal,
    });
    if (reply.status < 200 || reply.status >= 300) throw await upstreamErrorFrom(reply);
    // Bounded like a completion: a model list is small, and a broken or hostile upstream's is not read whole.
    return {
      status: reply.status,
      contentType: reply.header('content-type') ?? 'application/json',
      text: await readBounded(reply, upstream.maxAnswerBytes),
    };
  } catch (err) {
    if (err instanceof UpstreamError || signal.aborted) throw err;
    if (scope.signal.reason instanceof UpstreamError) throw scope.signal.reason;
    throw new UpstreamError(
      502,
      `upstream unreachable: ${err instanceof Error ? err.message : String(err)}`,
      'upstream_error',
      'upstream_unreachable',
    );
  } finally {
    scope.dispose();
  }
}
