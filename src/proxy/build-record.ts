import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { BestOfNOutcome } from './best-of-n';
import type { BestOfNOptions } from './options';
import type { RecordEntry } from '../record/record-entry';

export function buildRecord(
  request: ChatCompletionCreateParams,
  problem: string,
  options: BestOfNOptions,
  outcome: BestOfNOutcome,
  configuredScorer: string,
  requestId?: string,
): RecordEntry {
  const byIndex = new Map(outcome.ranked.map((c) => [c.sample.index, c]));
  return {
    ...(requestId ? { id: requestId } : {}),
    time: new Date().toISOString(),
    request: request as RecordEntry['request'],
    problem,
    options: {
      n: options.n,
      k: options.k,
      select: options.select,
      aggregate: options.aggregate,
      temperature: options.temperature ?? null,
    },
    scorer: outcome.score?.scorer ?? configuredScorer,
    ...(outcome.score?.fallback ? { fallback: outcome.score.fallback } : {}),
    selected: outcome.ranked.slice(0, options.k).map((c) => c.sample.index),
    candidates: outcome.fan.samples.map((s) => {
      const c = byIndex.get(s.index);
      if (!c) return { index: s.index, ...(s.error ? { error: s.error } : {}) };
      return {
        index: s.index,
        message: { ...c.sample.message },
        finish_reason: s.finishReason,
        answer: c.parts.answer,
        reward: c.reward,
        step_rewards: { thinking: c.rewards.thinking, response: c.rewards.response },
      };
    }),
    usage: outcome.fan.usage,
  };
}
