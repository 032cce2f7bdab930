import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import { GatewayError } from '../errors';
import { choiceLogprobs, parseCompletion, upstreamJson } from '../http/openai-schemas';
import type { Upstream } from '../http/upstream-client';
import { heldStream } from '../proxy/held-stream';
import type { BestOfNOptions } from '../proxy/options';
import { bypassMetadata, sendOnce, type BypassReason } from '../proxy/passthrough';
import type { ProxyDeps } from '../proxy/proxy-deps';
import { upstreamChunks } from '../proxy/live/upstream-chunks';
import { sumUsage } from '../proxy/usage';
import { liveEvents } from './live-events';
import { numbered, responseErrorEvent } from './response-events';
import { completedResponse, type ResponseContext } from './response-object';

export interface RelayRequest {
  ctx: ResponseContext;
  /** The request as chat, the gateway's own fields still on it (sendOnce leaves them out upstream). */
  chat: ChatCompletionCreateParams & Record<string, unknown>;
  options: BestOfNOptions;
  upstream: Upstream;
  reason: BypassReason;
  signal: AbortSignal;
  requestId: string;
}

const badChoice = (why: string) => new GatewayError(502, why, 'upstream_error', null, 'bad_upstream_response');

/**
 * A Responses request that resolves to one candidate (or offers tools under `tools: bypass`): one
 * upstream chat call with the client's own settings, nothing compared. Streamed, the upstream's chunks
 * become Responses events as they arrive, so a client sees the first token when the model writes it;
 * plain, its answer becomes the response object.
 */
export async function relayResponse(deps: ProxyDeps, req: RelayRequest): Promise<Response> {
  const { ctx, chat, options, upstream, reason } = req;
  const metadata = options.metadata ? bypassMetadata(reason, chat, options) : undefined;
  const send = (body: Record<string, unknown>, signal: AbortSignal) =>
    sendOnce({
      upstream,
      fallback: deps.upstreams.fallback,
      path: '/chat/completions',
      body,
      signal,
      deadlineMs: options.deadlineMs,
    });
  const headers = { 'x-bestofn-bypass': reason };

  if (!ctx.req.stream) {
    const sent = await send({ ...chat, stream: false }, req.signal);
    const text = await sent.reply.text();
    const completion = parseCompletion(upstreamJson(text, 'returned a body'), 1);
    const checked = completion.choices[0];
    if (!checked) throw badChoice('upstream returned a chat completion without choices');
    if (!checked.ok) throw badChoice(`upstream: malformed choice (${checked.reason})`);
    const { message, finish_reason, logprobs } = checked.choice;
    const finishReason = finish_reason ?? 'stop';
    const bestofn = metadata?.(finishReason, sent.elapsed(), sent.fellBack);
    const answer = {
      message: {
        role: 'assistant' as const,
        content: message.content ?? null,
        refusal: message.refusal ?? null,
        ...(message.reasoning_content ? { reasoning_content: message.reasoning_content } : {}),
        ...(message.reasoning ? { reasoning: message.reasoning } : {}),
        ...(message.tool_calls?.length ? { tool_calls: message.tool_calls } : {}),
      },
      finishReason,
      logprobs: choiceLogprobs(logprobs),
      usage: sumUsage([completion.usage]),
      serviceTier: completion.service_tier,
      ...(bestofn ? { bestofn: { ...bestofn } } : {}),
    };
    return Response.json(completedResponse(ctx, answer), { headers });
  }

  const res = await heldStream(
    deps,
    { signal: req.signal, requestId: req.requestId },
    async (signal, onArrived) => {
      // Usage is asked for: `response.completed` carries it.
      const sent = await send({ ...chat, stream: true, stream_options: { include_usage: true } }, signal);
      onArrived();
      const chunks = upstreamChunks(sent.reply.stream({ relay: true }));
      return numbered(
        liveEvents(ctx, chunks, {
          ...(metadata ? { metadata: (finish) => ({ ...metadata(finish, sent.elapsed(), sent.fellBack) }) } : {}),
          scrub: deps.scrub,
          // A client that went away cut its own stream: nothing to warn about.
          onFailure: (err) => {
            if (!signal.aborted) deps.log.warn({ err, reqId: req.requestId }, 'stream failed after headers were sent');
          },
        }),
      );
    },
    { errorEvent: (err) => responseErrorEvent(err, deps.scrub) },
  );
  res.headers.set('x-bestofn-bypass', reason);
  return res;
}
