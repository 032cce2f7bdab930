/** An eval problem as the inspector shows it (bestofn inspect DIR, the drill-down of report.html). */
import { agreementOf, stepsOf, type InspectedCandidate, type Inspection } from '../inspector/inspection';
import type { ProblemResult } from './results';

/** An eval problem: the graded candidates (answers, rewards, step rewards; the texts are not kept by eval). */
export function fromEvalResult(r: ProblemResult): Inspection {
  const b = r.bestofn;
  const candidates: InspectedCandidate[] = (b?.candidates ?? []).map((c) => ({
    index: c.index,
    thinking: null,
    content: null,
    answer: c.answer,
    reward: c.reward,
    steps: stepsOf(undefined, c.step_rewards, false),
    group: null,
    ...(c.confidence != null ? { confidence: c.confidence } : {}),
    correct: c.correct,
    finish_reason: c.finish_reason ?? null,
    ...(c.error ? { error: c.error } : {}),
  }));
  // Votes group on the recorded answer key; the group number is the key's first appearance.
  const keys = [...new Set((b?.candidates ?? []).map((c) => c.key).filter((k): k is string => k !== null))];
  b?.candidates.forEach((c, i) => (candidates[i]!.group = c.key === null ? null : keys.indexOf(c.key)));
  return {
    id: r.id,
    time: r.time,
    source: 'eval',
    key: null,
    model: '',
    prompt: null,
    n: b?.n_requested ?? 1,
    k: 1,
    scorer: b?.scorer ?? '–',
    select: b?.select ?? '–',
    aggregate: '–',
    combined: null,
    decided_by: b?.select ?? '–',
    selected: b?.selected ?? [],
    agreement: agreementOf(candidates, b?.selected[0]),
    tokens: { prompt: r.usage?.prompt_tokens ?? 0, completion: r.usage?.completion_tokens ?? 0 },
    latency_ms: r.latency_ms,
    early_stops: 0,
    deadline_hit: false,
    reference: { answer: r.gt, correct: r.correct },
    candidates,
  };
}
