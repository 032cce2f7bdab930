import type { BestOfNMetadata } from '../core/bestofn-metadata';
import { selectionRule } from '../core/selection-rules';
import { topTies } from '../core/ties';
import type { BestOfNOutcome } from './best-of-n';
import type { BestOfNOptions } from './options';
import { decidedBy } from './decided-by';

/** The `bestofn` extension object: what was sampled, how each candidate scored, and why the winner won. */
export function buildMetadata(
  outcome: BestOfNOutcome,
  options: BestOfNOptions,
  configuredScorer: string,
): BestOfNMetadata {
  const { fan, ranked, score } = outcome;
  const byIndex = new Map(ranked.map((c) => [c.sample.index, c]));
  // Scorer outputs (confidences) follow the order the candidates arrived in, as rankFan scored them.
  const arrivedAt = new Map(fan.samples.filter((s) => s.message !== undefined).map((s, i) => [s.index, i]));
  const round = (x: number | null) => (x === null || !Number.isFinite(x) ? null : Math.round(x * 1e6) / 1e6);
  return {
    n_requested: options.n,
    n_received: ranked.length,
    select: options.select,
    aggregate: options.aggregate,
    scorer: score?.scorer ?? configuredScorer,
    ...(score?.fallback ? { fallback: score.fallback } : {}),
    ...(score?.info ? { scorer_info: score.info } : {}),
    temperature: options.temperature ?? null,
    temperature_source: options.temperatureSource,
    selected: ranked.slice(0, options.k).map((c) => c.sample.index),
    ...decidedBy(outcome, options, configuredScorer),
    // A rule without a vote (argmax) picked the lowest index among equal rewards: said, not hidden.
    ...(selectionRule(options.select).vote === 'none'
      ? tiedField(topTies(ranked.map((c) => ({ index: c.sample.index, reward: c.reward }))))
      : {}),
    deadline_hit: fan.deadlineHit,
    candidates: fan.samples.map((s) => {
      const c = byIndex.get(s.index);
      if (!c)
        return {
          index: s.index,
          reward: null,
          answer: null,
          steps: null,
          finish_reason: null,
          error: s.error,
          ...(s.upstream ? { upstream: s.upstream } : {}),
          ...(s.stopped ? { tokens: s.tokens, stopped: s.stopped } : {}),
        };
      return {
        index: s.index,
        reward: round(c.reward),
        answer: c.parts.answer,
        ...(outcome.vote ? { group: outcome.vote.groups[s.index] ?? null } : {}),
        ...(score?.confidences ? { confidence: round(score.confidences[arrivedAt.get(s.index)!] ?? null) } : {}),
        steps: { thinking: c.parts.thinkingSteps.length, response: c.parts.responseSteps.length },
        step_rewards: {
          thinking: c.rewards.thinking?.map(round) ?? null,
          response: c.rewards.response?.map(round) ?? null,
        },
        ...(c.rewards.windowed ? { windowed: true } : {}),
        finish_reason: s.finishReason ?? null,
        ...(s.upstream ? { upstream: s.upstream } : {}),
        ...(s.stopped ? { tokens: s.tokens, stopped: s.stopped } : {}),
        ...(c.invalid ? { invalid: c.invalid } : {}),
      };
    }),
    ...(outcome.vote
      ? {
          vote: {
            clusters: outcome.vote.clusters,
            merged: outcome.vote.merged,
            ...(outcome.vote.timed_out ? { timed_out: true } : {}),
            ...(outcome.vote.tie ? { tie: outcome.vote.tie } : {}),
          },
        }
      : {}),
    ...(outcome.rules?.tools ? { tools: outcome.rules.tools } : {}),
    ...(outcome.rules ? { invalid_candidates: outcome.rules.invalid } : {}),
    timings_ms: outcome.timings,
    ...(outcome.live ? { live: outcome.live } : {}),
  };
}

const tiedField = (tied: number[]) =>
  tied.length > 0 ? { argmax_tie: { candidates: tied.sort((a, b) => a - b), broken_by: 'lowest index' } } : {};
