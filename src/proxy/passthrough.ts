import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { BestOfNMetadata } from '../core/bestofn-metadata';
import { jsonOrUndefined } from '../core/parse-json';
import type { ToolMode } from '../core/types';
import { UpstreamError } from '../errors';
import type { HttpReply } from '../http/http-client';
import { guardSse } from './sse-guard';
import { postUpstream, type Upstream } from '../http/upstream-client';
import type { BestOfNOptions } from './options';

/** Why a request skips Best-of-N and goes to the upstream once: the `x-bestofn-bypass` header and `bestofn.bypass`. */
export type BypassReason = NonNullable<BestOfNMetadata['bypass']>;

/**
 * With `tools: bypass` (the request's control or BESTOFN_TOOLS), a request that offers tools (and does
 * not forbid them) goes to the upstream once, unchanged but for the gateway's own controls, and its
 * answer comes back as is. By default (`vote`) it runs Best-of-N like any other request.
 */
export function wantsPassthrough(body: ChatCompletionCreateParams, mode: ToolMode): boolean {
  if (mode !== 'bypass') return false;
  const tools = Array.isArray(body.tools) && body.tools.length > 0 && body.tool_choice !== 'none';
  const functions = Array.isArray(body.functions) && body.functions.length > 0 && body.function_call !== 'none';
  return tools || functions;
}

/**
 * A request that resolves to one candidate has nothing to choose between: it is a live relay of the
 * upstream, with the client's own settings (temperature 0 included), tools and all, so a chat UI sees
 * tokens as they are written. With `tools: bypass`, a request with tools is relayed whatever N is.
 */
export function bypassOf(
  body: ChatCompletionCreateParams,
  options: Pick<BestOfNOptions, 'n' | 'tools' | 'liveAsked'>,
): BypassReason | null {
  if (wantsPassthrough(body, options.tools)) return 'tools';
  // A live policy the request named itself (adaptive waves of one, say) is the live path's, even at one candidate.
  return options.n === 1 && !options.liveAsked ? 'single' : null;
}

/** The `bestofn` object of a relayed answer: one candidate, not scored, with the upstream's finish reason. */
export function bypassMetadata(
  reason: BypassReason,
  body: { temperature?: number | null },
  options: Pick<BestOfNOptions, 'n' | 'select' | 'aggregate'>,
): (finishReason: string | null, ms: number, fallback?: string) => BestOfNMetadata {
  return (finishReason, ms, fallback) => ({
    n_requested: options.n,
    n_received: 1,
    select: options.select,
    aggregate: options.aggregate,
    scorer: 'none',
    temperature: typeof body.temperature === 'number' ? body.temperature : null,
    temperature_source: 'client',
    selected: [0],
    // One upstream call: nothing was compared, and the note says why.
    decided_by: 'tie',
    decided_note: `passed through (${reason}): one candidate, nothing compared`,
    deadline_hit: false,
    candidates: [
      {
        index: 0,
        reward: null,
        answer: null,
        steps: null,
        finish_reason: finishReason,
        ...(fallback ? { upstream: fallback } : {}),
      },
    ],
    timings_ms: { upstream: ms, scoring: 0, total: ms },
    bypass: reason,
  });
}

export interface PassthroughRequest {
  upstream: Upstream;
  /**
   * Answers when `upstream` fails before its answer begins (FALLBACK_UPSTREAM), as a failed candidate is
   * sampled again on the Best-of-N paths; not after the deadline or the client went away.
   */
  fallback?: Upstream;
  /** The upstream path the client called: `/chat/completions` or `/completions`. */
  path: string;
  body: Record<string, unknown>;
  /** Aborts when the client goes away. */
  signal: AbortSignal;
  /**
   * Bounds the whole relay, as it bounds a Best-of-N request: the wait for the answer to begin, and the
   * reading of it (a JSON answer becomes a 504, a stream ends with an error event coded `deadline`).
   */
  deadlineMs: number;
  reason: BypassReason;
  /** Builds the `bestofn` object; absent when the client turned metadata off. */
  metadata?: (finishReason: string | null, ms: number, fallback?: string) => unknown;
  scrub?: (text: string) => string;
  now?: () => number;
}

// A finish reason that is set (`"finish_reason":"stop"`), not the `null` of every other chunk; cheap to test on the text.
const FINISHED = /"finish_reason"\s*:\s*"/;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function finishReasonOf(answer: Json): string | null | undefined {
  if (!Array.isArray(answer.choices)) return undefined;
  for (const c of answer.choices as unknown[])
    if (isObject(c) && typeof c.finish_reason === 'string') return c.finish_reason;
  return null;
}

/**
 * Adds the metadata to the first chunk that finishes a choice (before the usage chunk, as the Best-of-N
 * stream does); every other event goes through as the guard re-encoded it, unparsed.
 */
function metadataOnFinish(
  metadata: (finishReason: string | null) => unknown,
): (data: string, chunk: unknown) => string {
  let done = false;
  return (data, chunk) => {
    if (done || !FINISHED.test(data)) return data;
    const finish = isObject(chunk) ? finishReasonOf(chunk) : undefined;
    if (!isObject(chunk) || typeof finish !== 'string') return data;
    done = true;
    return JSON.stringify({ ...chunk, bestofn: metadata(finish) });
  };
}

function badAnswer(): UpstreamError {
  return new UpstreamError(502, 'upstream: the answer is not a JSON object', 'upstream_error', 'bad_upstream_response');
}

/** The upstream's reply to the one call, with what the relay needs to finish it. */
export interface SentOnce {
  /** Reading its body to the end (or failing, or cancelling it) lets go of the call's timers. */
  reply: HttpReply;
  /** The fallback's name when the fallback answered. */
  fellBack?: string;
  /** Milliseconds since the call was sent. */
  elapsed(): number;
}

/**
 * Sends the one upstream call of a passthrough (without the gateway's own fields), falling back once
 * when the first upstream fails before its answer begins, and bounding the whole call (headers and body)
 * by the deadline. The chat and completions relays and the Responses runner at one candidate all send this way.
 */
export async function sendOnce(req: Omit<PassthroughRequest, 'reason' | 'metadata' | 'scrub'>): Promise<SentOnce> {
  const { upstream, body, deadlineMs } = req;
  const now = req.now ?? Date.now;
  const started = now();
  const deadline = {
    at: Date.now() + deadlineMs,
    error: () =>
      new UpstreamError(
        504,
        `upstream: the deadline of ${deadlineMs} ms passed before the answer was complete`,
        'upstream_error',
        'deadline',
        {},
        false,
      ),
  };
  // The gateway's own controls are not the upstream's business (OpenAI rejects unknown fields).
  // /v1/completions has a `best_of` of its own: at one candidate it means one, so it is not forwarded either.
  const { best_of: _bestOf, bestofn: _bestofn, ...forwarded } = body;
  const send = (to: Upstream) => to.limit(() => postUpstream(to, req.path, forwarded, req.signal, { deadline }));
  let reply: HttpReply;
  let fellBack: string | undefined;
  try {
    reply = await send(upstream);
  } catch (err) {
    const fallback = req.fallback;
    if (!fallback || fallback === upstream || req.signal.aborted || Date.now() >= deadline.at) throw err;
    reply = await send(fallback);
    fellBack = fallback.name;
  }
  return { reply, ...(fellBack !== undefined ? { fellBack } : {}), elapsed: () => now() - started };
}

/** One upstream call, relayed as it comes: chunk for chunk when streamed, the JSON answer whole otherwise. */
export async function passthrough(req: PassthroughRequest): Promise<Response> {
  const { body } = req;
  const { reply, fellBack, elapsed } = await sendOnce(req);
  const contentType = reply.header('content-type') ?? 'application/json';
  const headers = {
    'content-type': contentType,
    'x-bestofn-bypass': req.reason,
    ...(body.stream ? { 'cache-control': 'no-cache' } : {}),
  };
  const metadata = req.metadata;
  if (body.stream === true && contentType.includes('text/event-stream')) {
    const decorate = metadata && metadataOnFinish((finish) => metadata(finish, elapsed(), fellBack));
    return new Response(guardSse(reply.stream({ relay: true }), req.scrub, undefined, decorate), {
      status: reply.status,
      headers,
    });
  }
  // A whole JSON answer is read here, so the client gets it in one piece or a clean error.
  const text = await reply.text();
  if (!metadata) return new Response(text, { status: reply.status, headers });
  const answer = jsonOrUndefined(text);
  if (!isObject(answer)) throw badAnswer();
  const bestofn = metadata(finishReasonOf(answer) ?? null, elapsed(), fellBack);
  // The answer is relayed as its text with one member added before its closing brace: serialising the
  // parsed copy again would cost as much as parsing it. A `bestofn` of the upstream's own comes first, so
  // JSON parsers, which keep the last of a repeated member, read the gateway's.
  const close = text.lastIndexOf('}');
  const sep = /^\s*\{\s*$/.test(text.slice(0, close)) ? '' : ',';
  const spliced = `${text.slice(0, close)}${sep}"bestofn":${JSON.stringify(bestofn)}}`;
  // Not Response.json: given headers, @hono/node-server builds a Headers object, a cost on every relayed answer.
  return new Response(spliced, { status: reply.status, headers });
}
