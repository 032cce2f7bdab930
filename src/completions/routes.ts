import { rewardDefaults } from '../core/reward-recipe';
import { Hono } from 'hono';
import type { AccessVars } from '../access/access-control';
import { InvalidRequestError } from '../errors';
import type { RequestVars } from '../observability/request-id';
import { rankFan, type BestOfNDeps } from '../proxy/best-of-n';
import { envelopeOf } from '../proxy/chunks';
import { requestShare } from '../proxy/fan-out';
import { buildMetadata } from '../proxy/metadata';
import { resolveOptions } from '../proxy/options';
import { bypassMetadata, passthrough } from '../proxy/passthrough';
import type { ProxyDeps } from '../proxy/proxy-deps';
import { readCompletionBody, singlePrompt } from './request';
import { sampleCompletions } from './sample-completions';

/**
 * POST /v1/completions, the legacy text-completions API, where OpenAI's own `best_of` lives: with
 * best_of > n the gateway draws best_of completions, scores them with the configured scorer and returns
 * the top n; otherwise the request is a live passthrough. Requests that only score text (`echo`, or
 * `max_tokens: 0`: eval harnesses' loglikelihood calls) always pass through: nothing is generated to choose.
 */
export function completionsRoutes(deps: ProxyDeps) {
  const app = new Hono<{ Variables: RequestVars & AccessVars }>();

  app.post('/completions', async (c) => {
    const body = await readCompletionBody(c.req.raw);
    const signal = c.req.raw.signal;
    const upstream = deps.upstreams.route(body.model);
    const k = body.n ?? 1;
    // OpenAI: best_of "must be greater than n"; 0 and null mean unset.
    const bestOf = body.best_of || undefined;
    if (bestOf !== undefined && bestOf < k)
      throw new InvalidRequestError(`best_of (${bestOf}) must not be less than n (${k})`, 'best_of');
    const options = resolveOptions(
      { best_of: bestOf, n: k, temperature: body.temperature, bestofn: body.bestofn },
      c.req.raw.headers,
      deps.config,
      c.get('maxN'),
    );
    const scoresOnly = body.echo === true || body.max_tokens === 0;
    if (body.stream === true && bestOf !== undefined && bestOf > k)
      throw new InvalidRequestError('best_of > n cannot be streamed (as on OpenAI): send stream: false', 'best_of');
    const single = scoresOnly || body.stream === true || options.n <= k;
    // The key pays for the candidates it asks of the upstream, not only for the request.
    await c.get('spendCandidates')?.(single ? k : options.n);
    if (single)
      return passthrough({
        upstream,
        fallback: deps.upstreams.fallback,
        path: '/completions',
        body,
        signal,
        deadlineMs: options.deadlineMs,
        reason: 'single',
        ...(options.metadata ? { metadata: bypassMetadata('single', body, options) } : {}),
        scrub: deps.scrub,
      });

    const prompt = singlePrompt(body);
    if (prompt === null)
      throw new InvalidRequestError('Best-of-N on /v1/completions takes one prompt string', 'prompt');
    const bon: BestOfNDeps = {
      upstream,
      scorer: deps.scorer,
      reward: rewardDefaults(deps.config),
      clusterBudgetMs: deps.config.VOTE_CLUSTER_BUDGET_MS,
    };
    const started = Date.now();
    const { best_of: _b, bestofn: _c, n: _n, ...forwarded } = body;
    const temperature = options.temperature === undefined ? {} : { temperature: options.temperature };
    const { fan, logprobs } = await sampleCompletions(
      upstream,
      { ...forwarded, ...temperature },
      options.n,
      options.deadlineMs,
      signal,
      requestShare(deps.config.UPSTREAM_MAX_REQUEST_MB * 1024 * 1024),
    );
    // The prompt is judged as the problem a chat user would have sent.
    const asChat = {
      model: body.model,
      messages: [{ role: 'user' as const, content: prompt }],
      ...(typeof body.seed === 'number' ? { seed: body.seed } : {}),
    };
    const outcome = await rankFan(bon, asChat, options, fan, started, signal);
    const { id, created, model, system_fingerprint } = envelopeOf(fan.first, body.model);
    deps.log.info(
      { reqId: c.get('requestId'), n: options.n, received: outcome.ranked.length },
      'best-of-n completions',
    );
    return c.json({
      id: id.replace(/^chatcmpl-bon-/, 'cmpl-bon-'),
      object: 'text_completion',
      created,
      model,
      ...(system_fingerprint ? { system_fingerprint } : {}),
      choices: outcome.ranked.slice(0, k).map((r, index) => ({
        text: r.sample.message.content ?? '',
        index,
        logprobs: logprobs.get(r.sample.index) ?? null,
        finish_reason: r.sample.finishReason ?? 'stop',
      })),
      usage: fan.usage,
      ...(options.metadata ? { bestofn: buildMetadata(outcome, options, deps.scorer.name) } : {}),
    });
  });

  return app;
}
