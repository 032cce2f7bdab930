import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { ToolMode } from '../core/types';
import { UpstreamError } from '../errors';
import { AbortScope, untilSettled } from '../util/abort-scope';
import type { HttpReply } from '../http/http-client';
import { guardSse } from './sse-guard';
import { postUpstream, type Upstream } from '../http/upstream-client';

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

export async function passthrough(
  upstream: Upstream,
  body: Record<string, unknown>,
  signal: AbortSignal,
  deadlineMs: number,
  scrub?: (text: string) => string,
): Promise<Response> {
  // The deadline bounds the wait for the upstream's answer to begin; a stream that has begun runs on.
  const scope = new AbortScope().follow(signal);
  const headersIn = scope.timeout(
    deadlineMs,
    () =>
      new UpstreamError(
        504,
        `upstream: no answer within the deadline of ${deadlineMs} ms`,
        'upstream_error',
        'deadline',
        {},
        false,
      ),
  );
  let reply: HttpReply;
  try {
    // The gateway's own controls are not the upstream's business (OpenAI rejects unknown fields).
    const { best_of: _bestOf, bestofn: _bestofn, ...forwarded } = body;
    reply = await upstream.limit(() => postUpstream(upstream, '/chat/completions', forwarded, scope.signal));
  } catch (err) {
    scope.dispose();
    throw err;
  }
  headersIn();
  const contentType = reply.header('content-type') ?? 'application/json';
  const headers = {
    'content-type': contentType,
    'x-bestofn-bypass': 'tools',
    ...(body.stream ? { 'cache-control': 'no-cache' } : {}),
  };
  if (body.stream === true && contentType.includes('text/event-stream')) {
    return new Response(
      guardSse(
        untilSettled(reply.stream({ relay: true }), () => scope.dispose()),
        scrub,
      ),
      { status: reply.status, headers },
    );
  }
  // A whole JSON answer is read here, so the client gets it in one piece or a clean error.
  try {
    return new Response(await reply.text(), { status: reply.status, headers });
  } finally {
    scope.dispose();
  }
}
