import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import { noopMetrics } from '../observability/metrics';
import { answerRulesOf } from './answer-rules';
import { buildRecord } from './build-record';
import { runBestOfN, type BestOfNDeps, type BestOfNOutcome } from './best-of-n';
import type { LiveCandidate } from './live/candidate-stream';
import { committedChunks } from './live/committed-stream';
import { runLiveBestOfN } from './live/live-best-of-n';
import { buildMetadata } from './metadata';
import type { BestOfNOptions } from './options';
import { problemOf } from '../core/problem';
import type { ProxyDeps } from './proxy-deps';
import { buildCompletion, completionChunks, type Metadata } from './response';
import { heldStream } from './held-stream';
import type { Upstream } from '../http/upstream-client';
import { samplingNeeds } from '../scorer/registry';
import { rewardDefaults } from '../core/reward-recipe';

export interface ChatRequest {
  body: ChatCompletionCreateParams;
  options: BestOfNOptions;
  upstream: Upstream;
  /** Aborts when the client goes away. */
  signal: AbortSignal;
  requestId: string;
  /** The gateway key the caller presented, by position (never the key itself). */
  keyIndex?: number | undefined;
}

/** Upstream and scorer messages quoted in the outcome go to the client, the record and the log: scrubbed once, here. */
function scrubOutcome(outcome: BestOfNOutcome, scrub: ((text: string) => string) | undefined): void {
  if (!scrub) return;
  for (const s of outcome.fan.samples)
    if (s.error)
      s.error = {
        ...s.error,
        message: scrub(s.error.message),
        code: s.error.code === null ? null : scrub(s.error.code),
      };
  if (outcome.score?.fallback)
    outcome.score = {
      ...outcome.score,
      fallback: { ...outcome.score.fallback, reason: scrub(outcome.score.fallback.reason) },
    };
}

export type Settled = { outcome: BestOfNOutcome; metadata: Metadata };

/**
 * Runs Best-of-N for one validated request, the plain or the live way, and does everything that follows
 * a settled race: the record, metrics, one log line, the metadata. Shared by chat completions and responses.
 */
export function bestOfNRunner(deps: ProxyDeps, req: ChatRequest, onArrived?: () => void) {
  const { body, options } = req;
  const metrics = deps.metrics ?? noopMetrics;
  const bon: BestOfNDeps = {
    upstream: req.upstream,
    fallback: deps.upstreams.fallback,
    scorer: deps.scorer,
    reward: rewardDefaults(deps.config),
    clusterBudgetMs: deps.config.VOTE_CLUSTER_BUDGET_MS,
    maxRequestBytes: deps.config.UPSTREAM_MAX_REQUEST_MB * 1024 * 1024,
    // What the configured scorer asks of sampling (confidence: token logprobs), from its registry entry.
    ...samplingNeeds(deps.config),
    onArrived,
  };
  const isLive = options.reject !== undefined || options.adaptive !== undefined;
  const race = (s: AbortSignal, onCommit?: (candidate: LiveCandidate) => void) =>
    isLive ? runLiveBestOfN(bon, body, options, s, onCommit) : runBestOfN(bon, body, options, s);

  // Everything that follows a settled race: the record, metrics, one log line, the metadata.
  const settle = (outcome: BestOfNOutcome): Settled => {
    scrubOutcome(outcome, deps.scrub);
    if (outcome.live) metrics.rejected(outcome.live.rejected);
    const problem = problemOf(body.messages);
    deps.record?.(buildRecord(body, problem, options, outcome, deps.scorer.name, req.requestId));
    metrics.candidates(options.n, outcome.ranked.length);
    metrics.upstreamTokens(outcome.fan.usage.prompt_tokens, outcome.fan.usage.completion_tokens);
    if (outcome.score)
      metrics.scoring(
        outcome.score.scorer,
        outcome.timings.scoring / 1000,
        outcome.score.info,
        outcome.score.fallback !== undefined,
      );
    deps.log.info(
      {
        reqId: req.requestId,
        n: options.n,
        received: outcome.ranked.length,
        scorer: outcome.score?.scorer,
        fallback: outcome.score?.fallback?.reason,
        select: options.select,
        ms: outcome.timings,
      },
      'best-of-n',
    );
    // A demo answer says so in every response: it comes from recordings, not from a live model.
    const built =
      options.metadata || deps.inspect
        ? { ...buildMetadata(outcome, options, deps.scorer.name), ...(deps.config.demo ? { demo: true as const } : {}) }
        : undefined;
    if (built)
      deps.inspect?.({
        requestId: req.requestId,
        keyIndex: req.keyIndex,
        body,
        problem,
        options,
        outcome,
        metadata: built,
      });
    const metadata = options.metadata ? built : undefined;
    return { outcome, metadata };
  };
  return {
    run: (s: AbortSignal) => race(s).then(settle),
    /** With early commit: resolves the candidate to stream live once the race is decided, and the settled race after. */
    runCommitted: (s: AbortSignal, onCommit: (candidate: LiveCandidate) => void) => race(s, onCommit).then(settle),
  };
}

/**
 * Runs Best-of-N for one validated request and answers it: a chat completion, or an SSE stream that
 * sends heartbeats while the candidates race and then the winner (live, with early commit).
 */
export function answerChat(deps: ProxyDeps, req: ChatRequest): Promise<Response> {
  const { body, options } = req;
  if (!body.stream) {
    return bestOfNRunner(deps, req)
      .run(req.signal)
      .then(({ outcome, metadata }) => Response.json(buildCompletion(outcome, options, metadata, body.model)));
  }
  const includeUsage = body.stream_options?.include_usage === true;
  return heldStream(deps, req, async (s, onArrived) => {
    const runner = bestOfNRunner(deps, req, onArrived);
    // Early commit streams text as it is written; calls are streamed once chosen, whole.
    if (!options.commit || options.k !== 1 || answerRulesOf(body).tools) {
      const { outcome, metadata } = await runner.run(s);
      return completionChunks(outcome, options, metadata, includeUsage, body.model);
    }
    // Early commit: stream the leader live as soon as the race is decided, and settle the rest after.
    let committed = (_c: LiveCandidate) => {};
    const commit = new Promise<LiveCandidate>((resolve) => (committed = resolve));
    const settled = runner.runCommitted(s, (candidate) => committed(candidate));
    settled.catch(() => {}); // awaited below or by the stream; a failure must not go unhandled meanwhile
    const first = await Promise.race([commit.then((candidate) => ({ candidate })), settled.then((done) => ({ done }))]);
    if ('done' in first)
      return completionChunks(first.done.outcome, options, first.done.metadata, includeUsage, body.model);
    return committedChunks(first.candidate, settled, body.model, includeUsage);
  });
}
