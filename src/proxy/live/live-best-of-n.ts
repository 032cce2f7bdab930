import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import { toCandidateParts } from '../../core/anatomy';
import { clusterAnswers } from '../../core/clusters';
import { UpstreamError } from '../../errors';
import type { Upstream } from '../../http/upstream-client';
import { AbortScope } from '../../util/abort-scope';
import { rankFan, upstreamBodyOf, type BestOfNDeps, type BestOfNOutcome } from '../best-of-n';
import { deadlineError, refusesRequest, stoppedFailure } from '../candidate-failure';
import { resolveRecipe } from '../../core/reward-recipe';
import { scoreCandidates } from '../score-candidates';
import { requestShare, type FanOutResult } from '../fan-out';
import { addUsage, emptyUsage } from '../usage';
import type { BestOfNOptions } from '../options';
import { problemOf } from '../../core/problem';
import { candidateMessage, startCandidate, type LiveCandidate } from './candidate-stream';
import { ConfidenceStop } from './confidence-stop';
import type { LiveMetadata } from '../../core/bestofn-metadata';
import { checkpointAt, chooseRejected, stopReason } from './policy';
import { TimelineRecorder, type LiveTimeline } from './timeline';

/**
 * Best-of-N with each candidate streamed on its own request, so that weak candidates can be cancelled
 * mid-generation (early rejection) and drawing can stop once answers agree (adaptive N). Used when a
 * request or the server enables either; the outcome has the same shape as the plain path's.
 */
export async function runLiveBestOfN(
  deps: BestOfNDeps,
  body: ChatCompletionCreateParams,
  options: BestOfNOptions,
  signal: AbortSignal,
  /** Told once the race is decided early (options.commit): the caller may stream this candidate live. */
  onCommit?: (candidate: LiveCandidate) => void,
): Promise<BestOfNOutcome & { live: LiveMetadata; timeline: LiveTimeline }> {
  const now = deps.now ?? Date.now;
  const started = now();
  const candidates: LiveCandidate[] = [];
  const timeline = new TimelineRecorder(now);
  const scope = new AbortScope().follow(signal);
  scope.timeout(options.deadlineMs, () => {
    // Named before the abort reaches them, which they would otherwise report as 'cancelled'.
    for (const c of candidates) if (!c.stopped) c.cancel('deadline');
    return deadlineError(options.deadlineMs);
  });
  const upstreamBody = upstreamBodyOf(body, options, deps.topLogprobs);
  const stopper = deps.confidenceStop ? new ConfidenceStop(deps.confidenceStop.window, deps.confidenceStop.eta) : null;
  const problem = problemOf(body.messages);
  const waves = options.adaptive?.waves ?? [options.n];
  const reject = options.reject;
  const info: LiveMetadata = {
    drawn: 0,
    waves,
    stopped_because: 'all waves drawn',
    checkpoints: 0,
    rejected: 0,
    upstream_tokens: 0,
  };

  let wake = () => {};
  let arrived = false;
  const progress = () => {
    // The first delta from any candidate means its upstream answered 2xx.
    if (!arrived && candidates.some((c) => c.tokens > 0)) ((arrived = true), deps.onArrived?.());
    timeline.observe(candidates);
    wake();
  };
  /** Null when the deadline (or the client) ends the race during scoring: what finished is still ranked. */
  const rewardOf = async (pool: LiveCandidate[], atTokens?: number) => {
    const parts = pool.map((c) => {
      // With SCORER=confidence a checkpoint ranks the partial traces by their confidence so far.
      const tops = stopper?.logprobsOf(c.index)?.slice(0, atTokens);
      return { ...toCandidateParts(candidateMessage(c, atTokens)), ...(tops ? { topLogprobs: tops } : {}) };
    });
    const scored = await scoreCandidates(deps.scorer, resolveRecipe(deps.reward, { aggregate: options.aggregate }), {
      problem,
      candidates: parts,
      model: body.model,
      signal: scope.signal,
    }).catch((err: unknown) => {
      if (scope.aborted) return null;
      throw err;
    });
    return scored && pool.map((c, i) => ({ c, reward: scored.rewards[i]!, answer: parts[i]!.answer }));
  };

  // The request's turn at the upstream's slots and its byte budget, shared by every wave and the fallback.
  const share = requestShare(deps.maxRequestBytes);
  const start = (upstream: Upstream, index: number) =>
    startCandidate(
      upstream,
      upstreamBody,
      index,
      scope.signal,
      progress,
      stopper ? (c, lp) => stopper.observe(c, lp) : undefined,
      share,
    );
  // As on the plain path, a candidate the routed upstream failed to give (an error, not a stop) is asked of the fallback, once.
  const fallback = deps.fallback !== deps.upstream ? deps.fallback : undefined;
  const refilled = new Set<number>();
  /** Failed streams a fallback stream replaced: what they generated before failing is still paid for. */
  const replaced: LiveCandidate[] = [];
  const refill = () => {
    // Once committed, the race is decided: a failed rival is no longer worth a new stream, and a failed
    // leader has already failed its client's stream.
    if (!fallback || scope.aborted || info.committed) return;
    for (const c of candidates) {
      if (c.stopped !== 'error' || refilled.has(c.index)) continue;
      refilled.add(c.index);
      replaced.push(c);
      stopper?.forget(c.index);
      candidates[c.index] = start(fallback, c.index);
    }
  };

  /** The upstream refused the request itself before any candidate wrote a token: the others would be too. */
  const refusal = () =>
    candidates.some((c) => c.tokens > 0)
      ? undefined
      : candidates.find((c) => c.stopped === 'error' && refusesRequest(c.failure))?.failure;

  try {
    for (const target of waves) {
      const first = candidates.length;
      while (candidates.length < target) candidates.push(start(deps.upstream, candidates.length));
      let checkpoint = 0;
      for (;;) {
        const refused = refusal();
        if (refused) throw refused;
        refill();
        const running = candidates.filter((c) => !c.stopped);
        if (running.length === 0 || scope.aborted) break;
        await new Promise<void>((resolve) => (wake = resolve));
        if (!reject || info.committed) continue;
        const stillRunning = candidates.filter((c) => !c.stopped);
        if (
          stillRunning.length === 0 ||
          Math.min(...stillRunning.map((c) => c.tokens)) < checkpointAt(reject, checkpoint)
        )
          continue;
        // Everyone still in the race is compared on what they have written so far, in one scorer call.
        const alive = candidates.filter((c) => !c.stopped || c.stopped === 'finished');
        const scored = await rewardOf(alive, checkpointAt(reject, checkpoint));
        if (!scored) break;
        const out = chooseRejected(
          scored.map((s) => ({ index: s.c.index, reward: s.reward, finished: s.c.stopped === 'finished' })),
          reject,
        );
        for (const index of out) candidates[index]!.cancel(`rejected@${candidates[index]!.tokens}`);
        info.checkpoints++;
        timeline.checkpoint();
        info.rejected += out.length;
        checkpoint++;
        // With one choice to return, a decided race needs no more spending, streamed to the client or not.
        const lead =
          options.commit && options.k === 1 && !info.committed
            ? commitDecision(
                scored.filter((x) => !out.includes(x.c.index)),
                options.commit.margin,
              )
            : null;
        if (lead) {
          info.committed = { index: lead.c.index, at_tokens: lead.c.tokens, because: lead.because };
          timeline.commit(lead.c.index);
          for (const c of candidates) if (c !== lead.c && !c.stopped) c.cancel('not-committed');
          onCommit?.(lead.c);
        }
      }
      await Promise.all(candidates.map((c) => c.done));
      if (info.committed) {
        info.stopped_because = 'committed to a leader';
        break;
      }
      if (scope.aborted) break;
      // A wave in which every candidate failed says the upstream is failing: another wave would fail too.
      if (candidates.slice(first).every((c) => c.stopped === 'error')) {
        info.stopped_because = 'every candidate of a wave failed';
        break;
      }
      stopper?.warmedUp(candidates.filter((c) => c.stopped === 'finished'));
      if (!options.adaptive || target === waves.at(-1)) continue;
      const finished = candidates.filter((c) => c.stopped === 'finished');
      const scored = await rewardOf(finished);
      if (!scored) break;
      // Agreement counts clusters of equivalent answers, as votes do.
      const { clusterOf } = clusterAnswers(
        scored.map((s) => s.answer),
        deps.clusterBudgetMs === undefined ? {} : { budgetMs: deps.clusterBudgetMs },
      );
      const why = stopReason(
        scored.map((s, i) => ({ answerKey: clusterOf[i] == null ? null : `c${clusterOf[i]}`, reward: s.reward })),
        options.adaptive.stop_when,
      );
      if (why) {
        info.stopped_because = why;
        break;
      }
    }
  } finally {
    for (const c of candidates) if (!c.stopped) c.cancel(signal.aborted ? 'cancelled' : 'deadline');
    await Promise.all(candidates.map((c) => c.done));
    scope.dispose();
  }
  signal.throwIfAborted();
  const drawn = timeline.finish(candidates);

  info.drawn = candidates.length;
  const fan: FanOutResult = { samples: [], usage: emptyUsage(), deadlineHit: false };
  // The response carries the upstream's id and model, as the plain path does: the committed one's, else the first.
  const envelope = info.committed ? candidates[info.committed.index]?.envelope : undefined;
  fan.first = envelope ?? candidates.find((c) => c.envelope)?.envelope;
  for (const c of [...replaced, ...candidates]) {
    // A cancelled stream sends no usage; its delta count stands in for its completion tokens.
    addUsage(fan.usage, c.usage ?? { completion_tokens: c.tokens });
    info.upstream_tokens += c.usage?.completion_tokens ?? c.tokens;
  }
  for (const c of candidates) {
    if (c.fingerprint && !fan.first?.system_fingerprint && !fan.first?.service_tier)
      fan.first = { ...fan.first, ...c.fingerprint };
    if (c.stopped === 'deadline') fan.deadlineHit = true;
    const top = stopper?.logprobsOf(c.index);
    const from = refilled.has(c.index) ? { upstream: fallback?.name ?? 'fallback' } : {};
    if (c.stopped === 'finished') {
      const logprobs = c.logprobs ? { logprobs: c.logprobs } : {};
      fan.samples.push({
        index: c.index,
        ...from,
        message: candidateMessage(c),
        finishReason: c.finishReason ?? 'stop',
        tokens: c.tokens,
        stopped: 'finished',
        ...(top ? { topLogprobs: top } : {}),
        ...logprobs,
      });
    } else {
      const error = c.error ?? stoppedFailure(c.stopped ?? 'cancelled', options.deadlineMs);
      fan.samples.push({ index: c.index, ...from, error, tokens: c.tokens, stopped: c.stopped });
      if (c.stopped === 'error')
        fan.firstError ??= c.failure ?? new UpstreamError(error.status, error.message, 'upstream_error', error.code);
    }
  }
  // Cancelled candidates counted only their completion tokens above; the total is rebuilt from the sums.
  fan.usage.total_tokens = fan.usage.prompt_tokens + fan.usage.completion_tokens;
  if (stopper) info.confidence_stop = stopper.info();
  const outcome = await rankFan(
    deps,
    body,
    { ...options, n: candidates.length, minCandidates: Math.min(options.minCandidates, candidates.length) },
    fan,
    started,
    signal,
    info.committed?.index,
  );
  return { ...outcome, live: info, timeline: drawn };
}

/**
 * Commit to a running candidate when it is the only one left in the race, or leads the rest by at
 * least `margin`. A finished leader needs no commitment: the race just ends normally.
 */
function commitDecision(
  survivors: { c: LiveCandidate; reward: number | null }[],
  margin: number | undefined,
): { c: LiveCandidate; because: string } | null {
  const ranked = [...survivors].sort(
    (a, b) => (b.reward ?? -Infinity) - (a.reward ?? -Infinity) || a.c.index - b.c.index,
  );
  const top = ranked[0];
  if (!top || top.c.stopped) return null;
  if (ranked.length === 1) return { c: top.c, because: 'last candidate standing' };
  const lead = (top.reward ?? -Infinity) - (ranked[1]!.reward ?? -Infinity);
  return margin !== undefined && lead >= margin ? { c: top.c, because: `lead ${lead.toFixed(3)} ≥ ${margin}` } : null;
}
