/**
 * An inspection from a line of a RECORD file. Lines are validated here (a file may come from another
 * version or be hand-edited); pure, no I/O.
 */
import { z } from 'zod';
import { problemOf } from '../core/problem';
import { decidedBy } from './from-outcome';
import { agreementOf, isEarlyStop, stepsOf, type InspectedCandidate, type Inspection } from './inspection';

const rewards = z.array(z.number().nullable()).nullable();
const text = z.string().nullable().optional();

/** The fields of a RecordEntry the inspector reads; anything else on the line is ignored. */
export const recordLineSchema = z.object({
  id: z.string().optional(),
  time: z.string(),
  request: z.object({
    model: z.string(),
    messages: z.array(z.object({ role: z.string(), content: z.unknown() })),
  }),
  problem: z.string().optional(),
  options: z.object({ n: z.number(), k: z.number(), select: z.string(), aggregate: z.string() }),
  scorer: z.string(),
  fallback: z.object({ from: z.string(), reason: z.string() }).optional(),
  selected: z.array(z.number().int()),
  candidates: z.array(
    z.object({
      index: z.number().int(),
      message: z.object({ content: text, reasoning_content: text, reasoning: text }).optional(),
      finish_reason: z.string().optional(),
      answer: z.string().nullable().optional(),
      reward: z.number().nullable().optional(),
      step_rewards: z.object({ thinking: rewards, response: rewards }).optional(),
      error: z.object({ message: z.string() }).optional(),
    }),
  ),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).partial().optional(),
});

type RecordLine = z.output<typeof recordLineSchema>;

export function fromRecordLine(r: RecordLine, id: string): Inspection {
  const candidates: InspectedCandidate[] = r.candidates.map((c) => ({
    index: c.index,
    thinking: c.message?.reasoning_content ?? c.message?.reasoning ?? null,
    content: c.message?.content ?? null,
    answer: c.answer ?? null,
    reward: c.reward ?? null,
    steps: stepsOf(c.message ?? undefined, c.step_rewards, true),
    finish_reason: c.finish_reason ?? null,
    ...(c.error ? { error: c.error.message } : {}),
  }));
  const turns = r.request.messages.map((m) => ({
    role: m.role,
    content: typeof m.content === 'string' ? m.content : null,
  }));
  return {
    id: r.id ?? id,
    time: r.time,
    source: 'record',
    key: null,
    model: r.request.model,
    prompt: r.problem ?? problemOf(turns),
    n: r.options.n,
    k: r.options.k,
    scorer: r.scorer,
    select: r.options.select,
    aggregate: r.options.aggregate,
    combined: null,
    decided_by: decidedBy(r.options.select, undefined, undefined),
    selected: r.selected,
    ...(r.fallback ? { fallback: r.fallback } : {}),
    agreement: agreementOf(candidates, r.selected[0]),
    tokens: { prompt: r.usage?.prompt_tokens ?? 0, completion: r.usage?.completion_tokens ?? 0 },
    latency_ms: null,
    early_stops: candidates.filter((c) => isEarlyStop(c.stopped)).length,
    deadline_hit: false,
    candidates,
  };
}
