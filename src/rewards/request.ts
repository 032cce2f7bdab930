/**
 * The body of POST /v1/rewards: its zod schema, and the step from a valid body to what a Scorer reads.
 * Shape errors are 400s naming the offending param (`candidates[2].content`); size limits are 413s.
 */
import { z } from 'zod';
import { toCandidateParts } from '../core/anatomy';
import { extractAnswer } from '../core/answer';
import type { RewardRecipe } from '../core/aggregate';
import { resolveRecipe, type RewardDefaults } from '../core/reward-recipe';
import { AGGREGATES, type CandidateParts } from '../core/types';
import { GatewayError, InvalidRequestError } from '../errors';
import { chatMessage } from '../proxy/chat-request';
import { problemOf } from '../core/problem';
import { issueToError } from '../proxy/request-issue';

export interface RewardsLimits {
  /** REWARDS_MAX_CANDIDATES */
  REWARDS_MAX_CANDIDATES: number;
  /** REWARDS_MAX_CHARS: problem plus every candidate's text, all parts. */
  REWARDS_MAX_CHARS: number;
  /** REWARDS_MAX_STEPS: thinking plus response steps of one candidate. */
  REWARDS_MAX_STEPS: number;
  /** REWARDS_MAX_CANDIDATE_CHARS: one candidate's text, all parts; bounds the per-candidate answer and step work. */
  REWARDS_MAX_CANDIDATE_CHARS: number;
}

const Steps = z.array(z.string().refine((s) => s.trim() !== '', 'a step must not be blank'));

// Unknown keys are ignored, so a whole assistant message ({role, content, reasoning_content}) is accepted.
const Candidate = z
  .object({
    content: z.string().nullable().optional(),
    reasoning: z.string().nullable().optional(),
    reasoning_content: z.string().nullable().optional(),
    steps_thinking: Steps.optional(),
    steps_response: Steps.optional(),
  })
  .superRefine((c, ctx) => {
    const split = c.steps_thinking !== undefined || c.steps_response !== undefined;
    const text = c.content != null || c.reasoning != null || c.reasoning_content != null;
    if (split && text) {
      ctx.addIssue({
        code: 'custom',
        path: [c.steps_response !== undefined ? 'steps_response' : 'steps_thinking'],
        message: 'give either text (content, reasoning) or pre-split steps (steps_thinking, steps_response), not both',
      });
    } else if (!split && c.content === undefined) {
      ctx.addIssue({ code: 'custom', path: ['content'], message: "is required (or pre-split 'steps_response')" });
    }
  });

export const RewardsRequest = z
  .object({
    model: z.string().optional(),
    problem: z.string().optional(),
    messages: z.array(chatMessage).min(1).optional(),
    candidates: z.array(Candidate).min(1),
    aggregate: z.enum(AGGREGATES).optional(),
    thinking_weight: z.number().min(0).max(1).optional(),
  })
  .superRefine((r, ctx) => {
    if ((r.problem === undefined) === (r.messages === undefined))
      ctx.addIssue({ code: 'custom', path: ['problem'], message: "give exactly one of 'problem' or 'messages'" });
  });
export type RewardsRequest = z.infer<typeof RewardsRequest>;

export interface ParsedRewardsRequest {
  model: string | undefined;
  problem: string;
  candidates: CandidateParts[];
  /** The server's and model's recipe with the request's `aggregate` and `thinking_weight` (core/reward-recipe.ts). */
  recipe: RewardRecipe;
}

type RequestCandidate = RewardsRequest['candidates'][number];

function textChars(c: RequestCandidate): number {
  const steps = [...(c.steps_thinking ?? []), ...(c.steps_response ?? [])];
  return (
    (c.content?.length ?? 0) +
    (c.reasoning?.length ?? 0) +
    (c.reasoning_content?.length ?? 0) +
    steps.reduce((n, s) => n + s.length, 0)
  );
}

/** Pre-split steps are taken as given; text is split exactly as the gateway splits sampled candidates. */
function toParts(c: RequestCandidate): CandidateParts {
  if (c.steps_thinking !== undefined || c.steps_response !== undefined) {
    const thinkingSteps = c.steps_thinking ?? [];
    const responseSteps = c.steps_response ?? [];
    const thinking = thinkingSteps.join('\n\n');
    const response = responseSteps.join('\n\n');
    return {
      thinking,
      response,
      thinkingSteps,
      responseSteps,
      answer: extractAnswer(response) ?? extractAnswer(thinking),
      presplit: true,
    };
  }
  return toCandidateParts({
    content: c.content ?? null,
    reasoning_content: c.reasoning_content ?? null,
    reasoning: c.reasoning ?? null,
  });
}

const tooLarge = (message: string, param: string | null) =>
  new GatewayError(413, message, 'invalid_request_error', param, 'request_too_large');

export function parseRewardsRequest(
  body: unknown,
  limits: RewardsLimits,
  defaults: RewardDefaults,
): ParsedRewardsRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new InvalidRequestError('Request body must be a JSON object', null, 'invalid_json');
  // The count first: no point validating ten thousand candidates only to refuse them.
  const count = (body as { candidates?: unknown }).candidates;
  if (Array.isArray(count) && count.length > limits.REWARDS_MAX_CANDIDATES) {
    throw tooLarge(
      `${count.length} candidates is more than the ${limits.REWARDS_MAX_CANDIDATES} allowed in one request (REWARDS_MAX_CANDIDATES); split them over several requests`,
      'candidates',
    );
  }
  const parsed = RewardsRequest.safeParse(body);
  if (!parsed.success) throw issueToError(parsed.error);
  const r = parsed.data;

  const problem = r.problem ?? problemOf(r.messages!);
  if (r.messages && !r.messages.some((m) => m.role === 'user'))
    throw new InvalidRequestError("'messages' holds no user message to take the problem from", 'messages');
  if (problem.trim() === '')
    throw new InvalidRequestError(
      'the problem is empty: a PRM judges steps against the problem they solve',
      r.problem === undefined ? 'messages' : 'problem',
    );

  // Per candidate first: answer extraction and step splitting work on one candidate's text at a time.
  r.candidates.forEach((c, i) => {
    const chars = textChars(c);
    if (chars > limits.REWARDS_MAX_CANDIDATE_CHARS)
      throw tooLarge(
        `candidate ${i} holds ${chars} characters of text, more than the ${limits.REWARDS_MAX_CANDIDATE_CHARS} allowed per candidate (REWARDS_MAX_CANDIDATE_CHARS)`,
        `candidates[${i}]`,
      );
  });
  const chars = problem.length + r.candidates.reduce((n, c) => n + textChars(c), 0);
  if (chars > limits.REWARDS_MAX_CHARS)
    throw tooLarge(
      `the request holds ${chars} characters of text, more than the ${limits.REWARDS_MAX_CHARS} allowed (REWARDS_MAX_CHARS)`,
      null,
    );

  const candidates = r.candidates.map((c, i) => {
    const parts = toParts(c);
    const steps = parts.thinkingSteps.length + parts.responseSteps.length;
    if (steps > limits.REWARDS_MAX_STEPS)
      throw tooLarge(
        `candidate ${i} has ${steps} steps, more than the ${limits.REWARDS_MAX_STEPS} allowed per candidate (REWARDS_MAX_STEPS)`,
        `candidates[${i}]`,
      );
    return parts;
  });
  return {
    model: r.model,
    problem,
    candidates,
    recipe: resolveRecipe(defaults, { aggregate: r.aggregate, thinkingWeight: r.thinking_weight }),
  };
}
