/**
 * What an OpenAI-compatible server answers, narrowed to the fields the gateway reads (as vercel/ai
 * does) and checked once, at the edge. A choice is checked on its own, so one malformed choice fails
 * that candidate only.
 */
import { z } from 'zod';
import { UpstreamError } from '../errors';
import { describeIssue } from '../core/zod-issue';
import { parseJson } from '../core/parse-json';

const text = z.string().nullish();

const count = z.number().nonnegative().optional();
const Usage = z.looseObject({ prompt_tokens: count, completion_tokens: count, total_tokens: count });
export type UpstreamUsage = z.infer<typeof Usage>;

/** Token logprobs as the verifier reads them; a choice keeps its logprobs unparsed for whoever passes them on. */
export const TopLogprobs = z.object({
  content: z.array(z.object({ top_logprobs: z.array(z.object({ token: z.string(), logprob: z.number() })) })).nullish(),
});

// Loose: a call's or message's other fields (annotations, audio, a vendor's own) reach the client as sent.
const ToolCall = z.looseObject({
  id: z.string(),
  type: z.literal('function'),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

const Message = z.looseObject({
  content: text,
  refusal: text,
  reasoning_content: text,
  reasoning: text,
  tool_calls: z.array(ToolCall).nullish(),
  function_call: z.looseObject({ name: z.string(), arguments: z.string() }).nullish(),
});

export const UpstreamChoice = z.object({
  index: z.number().int().nonnegative(),
  message: Message,
  finish_reason: text,
  logprobs: z.unknown().optional(),
});
export type UpstreamChoice = z.infer<typeof UpstreamChoice>;

const Envelope = {
  id: z.string().optional(),
  model: z.string().optional(),
  created: z.number().optional(),
  system_fingerprint: text,
  service_tier: text,
  usage: Usage.nullish(),
};

const CompletionShape = z.object({ ...Envelope, choices: z.array(z.unknown()) });

/** A choice that passed its check, or the short reason it did not. */
export type CheckedChoice = { ok: true; choice: UpstreamChoice } | { ok: false; position: number; reason: string };

export type UpstreamCompletion = Omit<z.infer<typeof CompletionShape>, 'choices'> & { choices: CheckedChoice[] };

export const badUpstream = (reason: string) =>
  new UpstreamError(502, `upstream: ${reason}`, 'upstream_error', 'bad_upstream_response', {}, false);

/** An upstream body or event as JSON; `what` names it in the bad_upstream_response when it is not JSON. */
export function upstreamJson(text: string, what: string): unknown {
  const parsed = parseJson(text);
  if (!parsed.ok) throw badUpstream(`${what} that is not JSON`);
  return parsed.value;
}

/**
 * A non-streamed chat completion; a wrong envelope throws, a wrong choice is kept as its reason. Only the
 * first `wanted` choices (the `n` asked for) are checked and kept: an upstream that sends 100,000 choices
 * to an n=1 request costs one check, not a stalled event loop.
 */
export function parseCompletion(json: unknown, wanted = Number.POSITIVE_INFINITY): UpstreamCompletion {
  const shape = CompletionShape.safeParse(json);
  if (!shape.success) throw badUpstream(`malformed chat completion (${describeIssue(shape.error)})`);
  const kept = shape.data.choices.length > wanted ? shape.data.choices.slice(0, wanted) : shape.data.choices;
  const choices = kept.map((raw, position): CheckedChoice => {
    const choice = UpstreamChoice.safeParse(raw);
    return choice.success
      ? { ok: true, choice: choice.data }
      : { ok: false, position, reason: describeIssue(choice.error, ['choices', position]).slice(0, 200) };
  });
  return { ...shape.data, choices };
}

/** A streamed call: its first piece names it (id, type, function name), the next ones add to its arguments. */
const ToolCallDelta = z.looseObject({
  index: z.number().int().nonnegative(),
  id: z.string().nullish(),
  type: z.string().nullish(),
  function: z.looseObject({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
});
const Delta = z.object({
  content: text,
  reasoning_content: text,
  reasoning: text,
  refusal: text,
  tool_calls: z.array(ToolCallDelta).nullish(),
  function_call: z.looseObject({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
});

const Chunk = z.object({
  ...Envelope,
  choices: z
    .array(
      z.object({
        index: z.number().int().nonnegative().optional(),
        delta: Delta.nullish(),
        finish_reason: text,
        logprobs: z.unknown().optional(),
      }),
    )
    .optional(),
});
export type UpstreamChunk = z.infer<typeof Chunk>;

// OpenAI sends {error:{message,type,param,code}}; vLLM puts the HTTP status in `code` as a number.
const ErrorDetail = z.object({
  message: z.string(),
  type: z.string().nullish(),
  code: z.union([z.string(), z.number()]).nullish(),
  param: z.string().nullish(),
  status: z.number().optional(),
});
const ErrorBody = z.object({ error: z.union([z.string(), ErrorDetail]).optional(), message: z.string().optional() });

const isErrorStatus = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 400 && n <= 599;

/**
 * An upstream error body (HTTP answer or `{error}` event) as an UpstreamError keeping its status, type,
 * code and message, as openai-node's APIError does; null when the body is not an error body.
 */
export function errorFromBody(
  json: unknown,
  status: number | undefined,
  headers: Record<string, string> = {},
): UpstreamError | null {
  const parsed = ErrorBody.safeParse(json);
  if (!parsed.success || (parsed.data.error === undefined && parsed.data.message === undefined)) return null;
  const e = parsed.data.error;
  const detail = typeof e === 'object' ? e : undefined;
  const message = typeof e === 'string' ? e : (detail?.message ?? parsed.data.message ?? 'error');
  const code = detail?.code;
  const finalStatus = status ?? (isErrorStatus(detail?.status) ? detail.status : isErrorStatus(code) ? code : 502);
  return new UpstreamError(
    finalStatus,
    `upstream: ${message}`,
    detail?.type ?? 'upstream_error',
    code === undefined || code === null ? null : String(code),
    headers,
    finalStatus === 408 || finalStatus === 409 || finalStatus === 429 || finalStatus >= 500,
    detail?.param ?? null,
  );
}

/** One streamed chunk: an `{error}` event throws as the upstream's error, a malformed one as bad_upstream_response. */
export function parseChunk(json: unknown): UpstreamChunk {
  if (typeof json === 'object' && json !== null && 'error' in json) {
    throw errorFromBody(json, undefined) ?? badUpstream('stream sent an unreadable error event');
  }
  const chunk = Chunk.safeParse(json);
  if (!chunk.success) throw badUpstream(`malformed stream chunk (${describeIssue(chunk.error)})`);
  return chunk.data;
}

const TokenLogprob = z.object({
  token: z.string(),
  logprob: z.number(),
  bytes: z.array(z.number()).nullable().default(null),
  top_logprobs: z
    .array(z.object({ token: z.string(), logprob: z.number(), bytes: z.array(z.number()).nullable().default(null) }))
    .default([]),
});
const ChoiceLogprobs = z.object({
  content: z.array(TokenLogprob).nullable().default(null),
  refusal: z.array(TokenLogprob).nullable().default(null),
});
export type ChoiceLogprobs = z.infer<typeof ChoiceLogprobs>;

/** A choice's logprobs as the client may receive them, or undefined when absent or not in OpenAI's shape. */
export function choiceLogprobs(raw: unknown): ChoiceLogprobs | undefined {
  if (raw == null) return undefined;
  const parsed = ChoiceLogprobs.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}
