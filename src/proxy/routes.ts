import { Hono } from 'hono';
import type { AccessVars } from '../access/access-control';
import type { RequestVars } from '../observability/request-id';
import { answerChat } from './answer-chat';
import { answerRulesOf } from './answer-rules';
import { listModels, retrieveModel } from './list-models';
import { resolveOptions } from './options';
import { bypassMetadata, bypassOf, passthrough } from './passthrough';
import type { ProxyDeps } from './proxy-deps';
import { readChatBody } from './request-body';

export type { ProxyDeps } from './proxy-deps';

/** The OpenAI-compatible routes: validate, pick the upstream, hand over. */
export function proxyRoutes(deps: ProxyDeps) {
  const app = new Hono<{ Variables: RequestVars & AccessVars }>();

  app.post('/chat/completions', async (c) => {
    const body = await readChatBody(c.req.raw);
    const signal = c.req.raw.signal;
    const upstream = deps.upstreams.route(body.model);
    const options = resolveOptions(body, c.req.raw.headers, deps.config, c.get('maxN'));
    // A tool or response_format schema that cannot be used is a 400 before any upstream call.
    answerRulesOf(body);
    const bypass = bypassOf(body, options);
    // The key pays for the candidates it asks of the upstream, not only for the request.
    await c.get('spendCandidates')?.(bypass ? 1 : options.n);
    if (bypass)
      return passthrough({
        upstream,
        fallback: deps.upstreams.fallback,
        path: '/chat/completions',
        body,
        signal,
        deadlineMs: options.deadlineMs,
        reason: bypass,
        ...(options.metadata ? { metadata: bypassMetadata(bypass, body, options) } : {}),
        scrub: deps.scrub,
      });
    return answerChat(deps, {
      body,
      options,
      upstream,
      signal,
      requestId: c.get('requestId'),
      keyIndex: c.get('keyIndex'),
    });
  });

  app.get('/models', (c) => listModels(deps.upstreams, c.req.raw.signal));
  // Model ids may hold slashes (Qwen/Qwen3-8B); clients send them encoded or not.
  app.get('/models/:id{.+}', (c) => retrieveModel(deps.upstreams, c.req.param('id'), c.req.raw.signal));

  return app;
}
