/**
 * What the inspector shows about one Best-of-N request, whatever it came from: the gateway's memory of a
 * request it just answered, a line of a RECORD file, or a problem of an eval run. Pure data, no I/O.
 */
import type { LiveMetadata } from '../core/bestofn-metadata';
import { toCandidateParts, type CandidateMessage } from '../core/anatomy';
import type { LiveTimeline } from '../proxy/live/timeline';

export interface InspectedStep {
  /** Null when the text was not kept (UI_PROMPTS=false) or is not known (an eval result). */
  text: string | null;
  reward: number | null;
}

export interface InspectedCandidate {
  index: number;
  /** The whole thinking and answer texts; null when not kept. */
  thinking: string | null;
  content: string | null;
  /** The extracted final answer. */
  answer: string | null;
  reward: number | null;
  steps: { thinking: InspectedStep[]; response: InspectedStep[] };
  /** Vote cluster, when a vote ran. */
  group?: number | null;
  confidence?: number | null;
  /** Group confidence along the trace (SCORER=confidence), thinned to a few hundred points. */
  confidence_curve?: number[];
  /** What the judge or verifier said of it (SCORER=verifier: method and per-step verdicts). */
  verdict?: Record<string, unknown>;
  /** Graded against the reference answer (eval results only). */
  correct?: boolean;
  finish_reason: string | null;
  error?: string;
  tokens?: number;
  stopped?: string;
  invalid?: string;
  upstream?: string;
  windowed?: boolean;
}

export interface Inspection {
  id: string;
  /** ISO time the answer was sent. */
  time: string;
  source: 'memory' | 'record' | 'eval';
  /** Which gateway key asked (`key 1`…), never the key. */
  key: string | null;
  model: string;
  /** The problem as the reward model saw it; null when prompts are not kept. */
  prompt: string | null;
  n: number;
  k: number;
  scorer: string;
  select: string;
  aggregate: string;
  /** How thinking and answer rewards became one (combine, α, thinking weight), as words. */
  combined: string | null;
  /** The rule that decided, in words: the selection rule and any tie-break. */
  decided_by: string;
  selected: number[];
  fallback?: { from: string; reason: string };
  vote?: { clusters: number; merged: number; timed_out?: true; tie?: { groups: number; broken_by: string } };
  /** Share of answered candidates whose answer is the winner's (cluster when a vote ran, else equal text). */
  agreement: number | null;
  tokens: { prompt: number; completion: number };
  latency_ms: number | null;
  /** Candidates stopped before they finished (rejected, not committed, confidence stop). */
  early_stops: number;
  deadline_hit: boolean;
  scorer_info?: Record<string, unknown>;
  live?: LiveMetadata;
  timeline?: LiveTimeline;
  /** Eval results: the reference answer and whether the returned one matched it. */
  reference?: { answer: string; correct: boolean };
  candidates: InspectedCandidate[];
}

/** The steps of a message with their rewards; the texts split the way the scorer split them. */
export function stepsOf(
  message: CandidateMessage | undefined,
  rewards: { thinking: (number | null)[] | null; response: (number | null)[] | null } | undefined,
  keepText: boolean,
): InspectedCandidate['steps'] {
  const parts = message ? toCandidateParts(message, { complete: true }) : undefined;
  const zip = (texts: string[] | undefined, rs: (number | null)[] | null | undefined): InspectedStep[] => {
    const n = Math.max(texts?.length ?? 0, rs?.length ?? 0);
    return Array.from({ length: n }, (_, i) => ({
      text: keepText ? (texts?.[i] ?? null) : null,
      reward: rs?.[i] ?? null,
    }));
  };
  return {
    thinking: zip(parts?.thinkingSteps, rewards?.thinking),
    response: zip(parts?.responseSteps, rewards?.response),
  };
}

/** Share of answered candidates that agree with the winner: same vote group, else the same answer text. */
export function agreementOf(candidates: readonly InspectedCandidate[], winner: number | undefined): number | null {
  const w = candidates.find((c) => c.index === winner);
  const answered = candidates.filter((c) => c.answer !== null);
  if (!w || w.answer === null || answered.length === 0) return null;
  const same = (c: InspectedCandidate) =>
    w.group != null && c.group != null ? c.group === w.group : c.answer === w.answer;
  return answered.filter(same).length / answered.length;
}

/** A stop before the end that the gateway chose (not a failure, not the client leaving). */
export const isEarlyStop = (stopped: string | undefined): boolean =>
  stopped !== undefined &&
  (stopped.startsWith('rejected') || stopped === 'not-committed' || stopped.startsWith('low-confidence'));

export const keyLabel = (keyIndex: number | undefined): string | null =>
  keyIndex === undefined ? null : `key ${keyIndex + 1}`;
