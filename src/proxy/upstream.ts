import type { ChatCompletion, ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Config } from '../config';
import { UpstreamError } from '../errors';

/** One OpenAI-compatible model server, and the concurrency cap shared by every request that uses it. */
export interface Upstream {
  baseUrl: string;
  apiKey?: string;
  supportsN: boolean;
  timeoutMs: number;
  limit: LimitFunction;
  fetch: typeof fetch;
  /** Told the status (or 'error') and latency to headers of every upstream request, for metrics. */
  observe?: (status: number | 'error', seconds: number) => void;
}

export function upstreamFromConfig(config: Config, fetchImpl: typeof fetch = globalThis.fetch): Upstream {
  return {
    baseUrl: config.UPSTREAM_BASE_URL.replace(/\/+$/, ''),
    apiKey: config.UPSTREAM_API_KEY,
    supportsN: config.UPSTREAM_SUPPORTS_N,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    limit: pLimit(config.UPSTREAM_CONCURRENCY),
    fetch: fetchImpl,
  };
}

const isAbort = (err: unknown) => err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');

function headersFor(upstream: Upstream): Record<string, string> {
  return { 'content-type': 'application/json', accept: 'application/json', ...(upstream.apiKey ? { authorization: `Bearer ${upstream.apiKey}` } : {}) };
}

/** Maps an upstream error answer to UpstreamError, keeping its status, message and Retry-After. */
export async function upstreamErrorFrom(response: Response): Promise<UpstreamError> {
  const text = await response.text().catch(() => '');
  let message = text.slice(0, 500) || response.statusText || 'upstream error';
  let type = 'upstream_error';
  let code: string | null = null;
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown; type?: unknown; code?: unknown } | string; message?: unknown };
    const e = body.error;
    if (typeof e === 'string') message = e;
    else if (e && typeof e.message === 'string') {
      message = e.message;
      if (typeof e.type === 'string') type = e.type;
      if (typeof e.code === 'string') code = e.code;
    } else if (typeof body.message === 'string') message = body.message;
  } catch {
    // Not JSON (a proxy's HTML error page): keep the start of the text.
  }
  const retryAfter = response.headers.get('retry-after');
  return new UpstreamError(response.status, `upstream: ${message}`, type, code, retryAfter ? { 'retry-after': retryAfter } : {});
}

/**
 * Sends one request and returns the raw Response once its headers are in, for both JSON and SSE answers.
 * Throws UpstreamError for error statuses and network failures; rethrows the caller's abort as is.
 */
export async function postUpstream(upstream: Upstream, path: string, body: unknown, signal: AbortSignal): Promise<Response> {
  const timeout = AbortSignal.timeout(upstream.timeoutMs);
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  let response: Response;
  try {
    response = await upstream.fetch(`${upstream.baseUrl}${path}`, {
      method: 'POST',
      headers: headersFor(upstream),
      body: JSON.stringify(body),
      signal: AbortSignal.any([signal, timeout]),
    });
  } catch (err) {
    if (signal.aborted) throw signal.reason ?? err;
    upstream.observe?.('error', seconds());
    if (timeout.aborted || isAbort(err)) throw new UpstreamError(504, `upstream: no answer within ${upstream.timeoutMs} ms`, 'upstream_error', 'upstream_timeout');
    throw new UpstreamError(502, `upstream unreachable: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`, 'upstream_error', 'upstream_unreachable');
  }
  upstream.observe?.(response.status, seconds());
  if (!response.ok) throw await upstreamErrorFrom(response);
  return response;
}

/** A non-streaming chat completion, run under the upstream's shared concurrency cap. */
export function createChatCompletion(upstream: Upstream, body: ChatCompletionCreateParams, signal: AbortSignal): Promise<ChatCompletion> {
  return upstream.limit(async () => {
    signal.throwIfAborted();
    const response = await postUpstream(upstream, '/chat/completions', { ...body, stream: false }, signal);
    let completion: ChatCompletion;
    try {
      completion = (await response.json()) as ChatCompletion;
    } catch (err) {
      if (signal.aborted) throw signal.reason ?? err;
      throw new UpstreamError(502, 'upstream returned a body that is not JSON', 'upstream_error', 'bad_upstream_response');
    }
    if (typeof completion !== 'object' || completion === null || !Array.isArray(completion.choices)) {
      throw new UpstreamError(502, 'upstream returned a chat completion without choices', 'upstream_error', 'bad_upstream_response');
    }
    return completion;
  });
}

export async function getUpstream(upstream: Upstream, path: string, signal: AbortSignal): Promise<Response> {
  try {
    const response = await upstream.fetch(`${upstream.baseUrl}${path}`, { headers: headersFor(upstream), signal: AbortSignal.any([signal, AbortSignal.timeout(upstream.timeoutMs)]) });
    if (!response.ok) throw await upstreamErrorFrom(response);
    return response;
  } catch (err) {
    if (err instanceof UpstreamError || signal.aborted) throw err;
    throw new UpstreamError(502, `upstream unreachable: ${(err as Error).message}`, 'upstream_error', 'upstream_unreachable');
  }
}
