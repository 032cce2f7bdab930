/** The inspector's record of a request the gateway just answered, built from the settled race. */
import { groupConfidences, tokenConfidence } from '../core/confidence';
import { fairCap } from '../core/fair-cap';
import type { SettledRequest } from '../proxy/proxy-deps';
import { agreementOf, isEarlyStop, keyLabel, stepsOf, type InspectedCandidate, type Inspection } from './inspection';

export interface InspectSettings {
  /** UI_PROMPTS: keep the prompt and the candidates' texts. */
  keepText: boolean;
  /** How rewards are combined, in words (from the server's settings). */
  combined: string;
  /** CONFIDENCE_WINDOW: tokens per group of the confidence curve. */
  confidenceWindow: number;
}

/**
 * Candidate text one request keeps in the inspector's ring (characters, thinking and answers together):
 * UI_RING_SIZE requests of up to UPSTREAM_MAX_REQUEST_MB each would otherwise be gigabytes.
 */
export const INSPECT_TEXT_CHARS = 256 * 1024;

/**
 * The first `max` characters as a string of their own: a slice would keep the whole answer alive
 * (V8 slices point into their parent), which is what the cut is for.
 */
const ownCopy = (text: string, max: number) => new TextDecoder().decode(new TextEncoder().encode(text.slice(0, max)));

/** Cuts the kept texts to share INSPECT_TEXT_CHARS; a cut candidate keeps its step rewards, not their texts. */
function boundTexts(candidates: InspectedCandidate[]): InspectedCandidate[] {
  const lengths = candidates.flatMap((c) => [c.thinking?.length ?? 0, c.content?.length ?? 0]);
  const cap = fairCap(lengths, INSPECT_TEXT_CHARS);
  if (cap === Infinity) return candidates;
  const cut = (text: string | null) =>
    text !== null && text.length > cap
      ? `${ownCopy(text, cap)}\n[bestofn: cut, ${text.length} characters in all]`
      : text;
  return candidates.map((c) => {
    if ((c.thinking?.length ?? 0) <= cap && (c.content?.length ?? 0) <= cap) return c;
    const noText = (steps: InspectedCandidate['steps']['thinking']) => steps.map((s) => ({ ...s, text: null }));
    return {
      ...c,
      thinking: cut(c.thinking),
      content: cut(c.content),
      steps: { thinking: noText(c.steps.thinking), response: noText(c.steps.response) },
    };
  });
}

/** Points kept of a confidence curve: enough for a 300-pixel sparkline. */
const CURVE_POINTS = 300;

function curveOf(topLogprobs: number[][] | undefined, window: number): number[] | undefined {
  if (!topLogprobs || topLogprobs.length === 0) return undefined;
  const groups = groupConfidences(topLogprobs.map(tokenConfidence), window);
  const every = Math.max(1, Math.ceil(groups.length / CURVE_POINTS));
  return groups.filter((_, i) => i % every === 0 || i === groups.length - 1).map((x) => Math.round(x * 1e4) / 1e4);
}

export function decidedBy(
  select: string,
  tie: { candidates: number[]; broken_by: string } | undefined,
  vote: Inspection['vote'],
): string {
  if (tie) return `${select}, tie between ${tie.candidates.join(', ')} broken by ${tie.broken_by}`;
  if (vote?.tie) return `${select}, tie between ${vote.tie.groups} answer groups broken by ${vote.tie.broken_by}`;
  return select;
}

export function fromSettled(s: SettledRequest, settings: InspectSettings): Inspection {
  const { metadata: m, outcome } = s;
  const keep = settings.keepText;
  const samples = new Map(outcome.fan.samples.map((x) => [x.index, x]));
  const verdicts = Array.isArray(m.scorer_info?.candidates) ? (m.scorer_info.candidates as unknown[]) : undefined;
  // Scorer outputs follow the order the candidates arrived in, as the ranking scored them.
  const arrived = outcome.fan.samples.filter((x) => x.message !== undefined).map((x) => x.index);
  const candidates: InspectedCandidate[] = m.candidates.map((c) => {
    const sample = samples.get(c.index);
    const message = sample?.message;
    const verdict = verdicts?.[arrived.indexOf(c.index)];
    const curve = curveOf(sample?.topLogprobs, settings.confidenceWindow);
    return {
      index: c.index,
      thinking: keep && message ? (message.reasoning_content ?? message.reasoning ?? null) : null,
      content: keep && message ? (message.content ?? null) : null,
      answer: c.answer,
      reward: c.reward,
      steps: stepsOf(message, c.step_rewards, keep),
      ...(c.group !== undefined ? { group: c.group } : {}),
      ...(c.confidence !== undefined ? { confidence: c.confidence } : {}),
      ...(curve ? { confidence_curve: curve } : {}),
      ...(verdict && typeof verdict === 'object' ? { verdict: { ...verdict } } : {}),
      finish_reason: c.finish_reason,
      ...(c.error ? { error: c.error.message } : {}),
      ...(c.tokens !== undefined ? { tokens: c.tokens } : {}),
      ...(c.stopped ? { stopped: c.stopped } : {}),
      ...(c.invalid ? { invalid: c.invalid } : {}),
      ...(c.upstream ? { upstream: c.upstream } : {}),
      ...(c.windowed ? { windowed: true } : {}),
    };
  });
  const { candidates: _perCandidate, ...info } = m.scorer_info ?? {};
  return {
    id: s.requestId,
    time: new Date().toISOString(),
    source: 'memory',
    key: keyLabel(s.keyIndex),
    model: s.body.model,
    prompt: keep ? s.problem : null,
    n: m.n_requested,
    k: s.options.k,
    scorer: m.scorer,
    select: m.select,
    aggregate: m.aggregate,
    combined: settings.combined,
    decided_by: decidedBy(m.select, m.argmax_tie, m.vote),
    selected: m.selected,
    ...(m.fallback ? { fallback: m.fallback } : {}),
    ...(m.vote ? { vote: m.vote } : {}),
    agreement: agreementOf(candidates, m.selected[0]),
    tokens: { prompt: outcome.fan.usage.prompt_tokens, completion: outcome.fan.usage.completion_tokens },
    latency_ms: m.timings_ms.total,
    early_stops: candidates.filter((c) => isEarlyStop(c.stopped)).length,
    deadline_hit: m.deadline_hit,
    ...(m.scorer_info ? { scorer_info: info } : {}),
    ...(m.live ? { live: m.live } : {}),
    ...(outcome.timeline ? { timeline: outcome.timeline } : {}),
    candidates: keep ? boundTexts(candidates) : candidates,
  };
}
