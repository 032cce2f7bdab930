import { Hono } from 'hono';
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { Config } from '../config';
import { noopMetrics, type GatewayMetrics } from '../observability/metrics';
import type { RequestVars } from '../observability/request-id';
import type { AccessVars } from '../access/access-control';
import { buildRecord } from '../record/build-record';
import type { Recorder } from '../record/record-entry';
import type { Scorer } from '../scorer/types';
import { runBestOfN, type BestOfNOutcome } from './best-of-n';
import type { LiveCandidate } from './live/candidate-stream';
import { committedChunks } from './live/committed-stream';
import { runLiveBestOfN, type LiveInfo } from './live/live-best-of-n';
import { buildMetadata } from './metadata';
import { resolveOptions } from './options';
import { problemOf } from './problem';
import { readChatBody } from './request-body';
import { passthrough, wantsPassthrough } from './passthrough';
import { buildCompletion, completionChunks } from './response';
import { sseResponse } from './sse';
import { getUpstream } from './upstream';
import type { UpstreamRouter } from './upstream-router';

export interface ProxyDeps {
  config: Config;
  upstreams: UpstreamRouter;
  scorer: Scorer;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
  metrics?: GatewayMetrics;
  /** Receives every answered Best-of-N request with its candidates (`--record FILE`). */
  record?: Recorder;
}

export function proxyRoutes(deps: ProxyDeps) {
  const app = new Hono<{ Variables: RequestVars & AccessVars }>();
  const metrics = deps.metrics ?? noopMetrics;

  app.post('/chat/completions', async (c) => {
    const raw = await readChatBody(c.req.raw);
    const body = raw as unknown as ChatCompletionCreateParams;
    const signal = c.req.raw.signal;
    const upstream = deps.upstreams.route(body.model);
    if (wantsPassthrough(body)) return passthrough(upstream, raw, signal);

    const options = resolveOptions(raw, c.req.raw.headers, deps.config, c.get('maxN'));
    const bon = { upstream, fallback: deps.upstreams.fallback, scorer: deps.scorer, thinkingWeight: deps.config.BESTOFN_THINKING_WEIGHT };
    const isLive = options.reject !== undefined || options.adaptive !== undefined;
    const race = (s: AbortSignal, onCommit?: (candidate: LiveCandidate) => void) =>
      isLive ? runLiveBestOfN(bon, body, options, s, onCommit) : runBestOfN(bon, body, options, s);
    const finish = (outcome: BestOfNOutcome & { live?: LiveInfo }) => {
      if (outcome.live) metrics.rejected(outcome.live.rejected);
      deps.record?.(buildRecord(body, problemOf(body.messages), options, outcome, deps.scorer.name));
      metrics.candidates(options.n, outcome.ranked.length);
      metrics.upstreamTokens(outcome.fan.usage.prompt_tokens, outcome.fan.usage.completion_tokens);
      if (outcome.score) metrics.scoring(outcome.score.scorer, outcome.timings.scoring / 1000, outcome.score.info, outcome.score.fallback !== undefined);
      deps.log.info(
        { reqId: c.get('requestId'), n: options.n, received: outcome.ranked.length, scorer: outcome.score?.scorer, fallback: outcome.score?.fallback?.reason, select: options.select, ms: outcome.timings },
        'best-of-n',
      );
      return { outcome, metadata: options.metadata ? buildMetadata(outcome, options, deps.scorer.name) : undefined };
    };
    const run = async (s: AbortSignal) => finish(await race(s));

    if (body.stream) {
      const includeUsage = body.stream_options?.include_usage === true;
      return sseResponse(
        async (s) => {
          if (!options.commit || options.k !== 1) {
            const { outcome, metadata } = await run(s);
            return completionChunks(outcome, options, metadata, includeUsage);
          }
          // Early commit: stream the leader live as soon as the race is decided, and settle the rest after.
          let committed = (_c: LiveCandidate) => {};
          const commit = new Promise<LiveCandidate>((resolve) => (committed = resolve));
          const settled = race(s, (candidate) => committed(candidate)).then(finish);
          settled.catch(() => {}); // awaited below or by the stream; a failure must not go unhandled meanwhile
          const first = await Promise.race([commit.then((candidate) => ({ candidate })), settled.then((done) => ({ done }))]);
          if ('done' in first) return completionChunks(first.done.outcome, options, first.done.metadata, includeUsage);
          return committedChunks(first.candidate, settled, body.model, includeUsage);
        },
        { heartbeatMs: deps.config.BESTOFN_HEARTBEAT_MS, signal, onError: (err) => deps.log.warn({ err }, 'stream failed after headers were sent') },
      );
    }
    const { outcome, metadata } = await run(signal);
    return c.json(buildCompletion(outcome, options, metadata));
  });

  app.get('/models', async (c) => {
    const signal = c.req.raw.signal;
    if (deps.upstreams.all.length === 1) {
      const response = await getUpstream(deps.upstreams.all[0]!, '/models', signal);
      return new Response(response.body, { status: response.status, headers: { 'content-type': response.headers.get('content-type') ?? 'application/json' } });
    }
    // Several upstreams: one list, first upstream wins a duplicate id; an upstream that is down is left out.
    const lists = await Promise.allSettled(deps.upstreams.all.map(async (u) => ((await (await getUpstream(u, '/models', signal)).json()) as { data?: { id: string }[] }).data ?? []));
    const ok = lists.filter((l): l is PromiseFulfilledResult<{ id: string }[]> => l.status === 'fulfilled');
    if (ok.length === 0) throw (lists[0] as PromiseRejectedResult).reason;
    const seen = new Set<string>();
    const data = ok.flatMap((l) => l.value).filter((m) => !seen.has(m.id) && seen.add(m.id));
    return c.json({ object: 'list', data });
  });

  return app;
}
