import { Hono } from 'hono';
import type { AccessVars } from '../access/access-control';
import type { RequestVars } from '../observability/request-id';
import { bestOfNRunner } from '../proxy/answer-chat';
import { heldStream } from '../proxy/held-stream';
import { resolveOptions } from '../proxy/options';
import { answerRulesOf } from '../proxy/answer-rules';
import { bypassOf } from '../proxy/passthrough';
import type { ProxyDeps } from '../proxy/proxy-deps';
import { relayResponse } from './relay';
import { responseErrorEvent, numbered, streamEvents } from './response-events';
import { completedResponse, newResponseContext, type Answer } from './response-object';
import { readResponsesBody, toChatBody } from './request';

/**
 * POST /v1/responses: the Responses API over the same Best-of-N path as chat completions. The input
 * becomes chat messages for the upstream; the chosen candidate becomes the response's output items.
 */
export function responsesRoutes(deps: ProxyDeps) {
  const app = new Hono<{ Variables: RequestVars & AccessVars }>();

  app.post('/responses', async (c) => {
    const req = await readResponsesBody(c.req.raw);
    const chat = toChatBody(req);
    const upstream = deps.upstreams.route(chat.model);
    const options = resolveOptions(chat, c.req.raw.headers, deps.config, c.get('maxN'));
    const requestId = c.get('requestId');
    const ctx = newResponseContext(req);
    answerRulesOf(chat);
    // One candidate (or tools under `tools: bypass`): one upstream call, relayed live when streamed.
    const bypass = bypassOf(chat, options);
    // The key pays for the candidates it asks of the upstream, not only for the request.
    await c.get('spendCandidates')?.(bypass ? 1 : options.n);
    if (bypass)
      return relayResponse(deps, {
        ctx,
        chat,
        options,
        upstream,
        reason: bypass,
        signal: c.req.raw.signal,
        requestId,
      });

    const answer = async (signal: AbortSignal, onArrived?: () => void): Promise<Answer> => {
      const { outcome, metadata } = await bestOfNRunner(
        deps,
        { body: chat, options, upstream, signal, requestId, keyIndex: c.get('keyIndex') },
        onArrived,
      ).run(signal);
      const winner = outcome.ranked[0]!;
      return {
        message: winner.sample.message,
        finishReason: winner.sample.finishReason ?? 'stop',
        logprobs: winner.sample.logprobs,
        usage: outcome.fan.usage,
        serviceTier: outcome.fan.first?.service_tier,
        bestofn: metadata,
      };
    };

    if (!req.stream) return Response.json(completedResponse(ctx, await answer(c.req.raw.signal)));
    return heldStream(
      deps,
      { signal: c.req.raw.signal, requestId },
      async (signal, onArrived) => {
        // The response exists once a candidate has arrived: say so then, and send the rest once the race is decided.
        let arrived = () => {};
        const first = new Promise<void>((resolve) => (arrived = resolve));
        const settled = answer(signal, () => (arrived(), onArrived()));
        settled.catch(() => {}); // raced here, awaited in the events
        await Promise.race([first, settled]);
        return numbered(streamEvents(ctx, settled, deps.scrub));
      },
      { errorEvent: (err) => responseErrorEvent(err, deps.scrub) },
    );
  });

  return app;
}
