import { z } from 'zod';
import { TIE_BREAKS, type TieBreak } from './rank';
import { SELECT_METHODS } from './selection-rules';
import { AGGREGATES, TOOL_MODES } from './types';

/** What chose the answer: the vote's count, the reward, a judge, the tool-call vote, schema validity, or a draw between tied groups. */
export const DECIDERS = ['vote', 'reward', 'judge', 'tools', 'schema', 'tie'] as const;
export type Decider = (typeof DECIDERS)[number];

/**
 * What decided when the top vote groups tied, by what broke the tie (rank.ts's TIE_BREAKS): the answers'
 * nearness is more agreement, so the vote (`counted`) still decided; a seeded draw is a tie; the rest are
 * the scorer's evidence (`rewards`).
 */
export function tieDecider<C extends Decider, R extends Decider>(
  broken: TieBreak,
  counted: C,
  rewards: R,
): C | R | 'tie' {
  switch (broken) {
    case 'similarity':
      return counted;
    case 'draw':
      return 'tie';
    case 'reward':
    case 'confidence':
    case 'best_reward':
      return rewards;
  }
}

/**
 * The `bestofn` object a Best-of-N answer carries (README, "The response"), declared once as a schema:
 * the gateway's builder is type-checked against it, and a consumer (bestofn eval, the tests) parses what
 * arrives over the wire with the same declaration instead of re-declaring or casting it. Objects are not
 * strict, so an older reader keeps working when a newer gateway adds a field.
 */
const stepRewards = z.object({
  thinking: z.array(z.number().nullable()).nullable(),
  response: z.array(z.number().nullable()).nullable(),
});

export const candidateMetadataSchema = z.object({
  index: z.number().int(),
  /** Aggregated reward, rounded to 6 digits; null when the candidate failed or was not scored. */
  reward: z.number().nullable(),
  answer: z.string().nullable(),
  /** Vote cluster of the answer (select=majority / weighted_vote); null without an answer. */
  group: z.number().int().nullable().optional(),
  /** SCORER=confidence: the trace's confidence. */
  confidence: z.number().nullable().optional(),
  steps: z.object({ thinking: z.number().int(), response: z.number().int() }).nullable(),
  step_rewards: stepRewards.optional(),
  /** Scored in windows of whole steps because it was longer than the PRM context. */
  windowed: z.boolean().optional(),
  finish_reason: z.string().nullable(),
  /** Why the candidate has no answer: the upstream's failure, the deadline, early rejection. */
  error: z.object({ status: z.number().int(), message: z.string(), code: z.string().nullable() }).optional(),
  /** The upstream that sampled it, when it was not the routed one (FALLBACK_UPSTREAM). */
  upstream: z.string().optional(),
  /** Live path: tokens generated, and why generation stopped. */
  tokens: z.number().int().optional(),
  stopped: z.string().optional(),
  /** Why it ranks below every valid candidate, e.g. content that is not the JSON asked for. */
  invalid: z.string().optional(),
});

export const confidenceStopSchema = z.object({
  threshold: z.number().nullable(),
  warmup: z.number().int(),
  stopped: z.number().int(),
  /** Why no threshold was set, when none was. */
  note: z.string().optional(),
});

export const liveMetadataSchema = z.object({
  /** The candidate streamed to the client before it finished, and at how many tokens. */
  committed: z.object({ index: z.number().int(), at_tokens: z.number().int(), because: z.string() }).optional(),
  drawn: z.number().int(),
  waves: z.array(z.number().int()),
  stopped_because: z.string(),
  checkpoints: z.number().int(),
  rejected: z.number().int(),
  upstream_tokens: z.number().int(),
  /** SCORER=confidence: the stop threshold the warm-up wave set, and how many traces fell below it. */
  confidence_stop: confidenceStopSchema.optional(),
});

export const bestOfNMetadataSchema = z.object({
  n_requested: z.number().int(),
  n_received: z.number().int(),
  select: z.enum(SELECT_METHODS),
  aggregate: z.enum(AGGREGATES),
  scorer: z.string(),
  /** The configured scorer failed and `scorer` stood in for it. */
  fallback: z.object({ from: z.string(), reason: z.string() }).optional(),
  scorer_info: z.record(z.string(), z.unknown()).optional(),
  /** null: one candidate, no temperature set by the client, so the upstream's default applied. */
  temperature: z.number().nullable(),
  temperature_source: z.enum(['client', 'bestofn']),
  /** Candidate indices returned as choices, best first. */
  selected: z.array(z.number().int()),
  /** The rule that chose `selected[0]` (a tie: only a fixed rule, the lowest index or a seeded draw, did). */
  decided_by: z.enum(DECIDERS),
  /** Said when nothing could compare the candidates (no answers to vote on, no scorer that ranks them). */
  decided_note: z.string().optional(),
  /** select=argmax: candidates that shared the top reward, and what picked among them. */
  argmax_tie: z.object({ candidates: z.array(z.number().int()), broken_by: z.string() }).optional(),
  deadline_hit: z.boolean(),
  candidates: z.array(candidateMetadataSchema),
  /** What a vote did: clusters of equivalent answers, how many merged, and a tie between groups if any. */
  vote: z
    .object({
      clusters: z.number().int(),
      merged: z.number().int(),
      timed_out: z.literal(true).optional(),
      tie: z.object({ groups: z.number().int(), broken_by: z.enum(TIE_BREAKS) }).optional(),
    })
    .optional(),
  /** A request that offered tools: which mode ran, and how the candidates' decisions (calls or text) split, winner first. */
  tools: z
    .object({
      mode: z.enum(TOOL_MODES),
      groups: z.array(z.object({ decision: z.string(), candidates: z.array(z.number().int()) })),
    })
    .optional(),
  /** With tools or a JSON response_format: candidates that broke the rules (each one's first reason is its `invalid`). */
  invalid_candidates: z.number().int().optional(),
  timings_ms: z.object({ upstream: z.number(), scoring: z.number(), total: z.number() }),
  live: liveMetadataSchema.optional(),
  /**
   * The request went to the upstream once and its answer came back live and unchanged: `single` (one
   * candidate asked for, so there is nothing to choose) or `tools` (tool calls are not judged).
   */
  bypass: z.enum(['single', 'tools']).optional(),
  /** Served from the recorded demo set (no upstream configured). */
  demo: z.literal(true).optional(),
});

export type BestOfNMetadata = z.output<typeof bestOfNMetadataSchema>;
export type CandidateMetadata = z.output<typeof candidateMetadataSchema>;
export type LiveMetadata = z.output<typeof liveMetadataSchema>;
export type ConfidenceStopInfo = z.output<typeof confidenceStopSchema>;
