import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import { guardSse } from './sse-guard';
import { postUpstream, type Upstream } from './upstream';

/**
 * Tool calls are not answers a PRM can judge, and N candidates that each call a tool would run it N
 * times downstream. So a request that offers tools (and does not forbid them) goes to the upstream
 * once, unchanged, and its answer comes back as is.
 */
export function wantsPassthrough(body: ChatCompletionCreateParams): boolean {
  return Array.isArray(body.tools) && body.tools.length > 0 && body.tool_choice !== 'none';
}

export async function passthrough(upstream: Upstream, body: Record<string, unknown>, signal: AbortSignal): Promise<Response> {
  const response = await upstream.limit(() => postUpstream(upstream, '/chat/completions', body, signal));
  // A new Response with our own headers: fetch Response headers are immutable (Portkey #1389).
  const streamed = body.stream === true && response.body !== null && (response.headers.get('content-type') ?? '').includes('text/event-stream');
  return new Response(streamed ? guardSse(response.body!) : response.body, {
    status: response.status,
    headers: {
      'content-type': response.headers.get('content-type') ?? 'application/json',
      'x-bestofn-bypass': 'tools',
      ...(body.stream ? { 'cache-control': 'no-cache' } : {}),
    },
  });
}
