import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import { UpstreamError } from '../errors';
import { AbortScope, untilSettled } from '../util/abort-scope';
import type { HttpReply } from '../http/http-client';
import { guardSse } from './sse-guard';
import { postUpstream, type Upstream } from '../http/upstream-client';

/**
 * Tool calls are not answers a PRM can judge, and N candidates that each call a tool would run it N
 * times downstream. So a request that offers tools (and does not forbid them) goes to the upstream
 * once, unchanged but for the gateway's own controls, and its answer comes back as is.
 */
export function wantsPassthrough(body: ChatCompletionCreateParams): boolean {
  return Array.isArray(body.tools) && body.tools.length > 0 && body.tool_choice !== 'none';
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
