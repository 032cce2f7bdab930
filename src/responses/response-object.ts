import type { ChatCompletion } from 'openai/resources/chat/completions';
import type { SampledMessage } from '../proxy/fan-out';
import type { TokenLogprob } from '../proxy/response';
import type { Usage } from '../proxy/usage';
import type { ResponsesRequest } from './request';

/** What a Responses answer is made of, whether Best-of-N chose it or a tool request passed through once. */
export interface Answer {
  message: SampledMessage;
  finishReason: string;
  logprobs?: ChatCompletion.Choice['logprobs'];
  usage: Usage;
  serviceTier?: string | null;
  /** The `bestofn` extension object, as on chat completions. */
  bestofn?: Record<string, unknown>;
}

export interface ResponseContext {
  id: string;
  createdAt: number;
  req: ResponsesRequest;
}

const suffix = () => crypto.randomUUID().replaceAll('-', '');
/** An output item's id: `rs_…` reasoning, `msg_…` message, `fc_…` function call. */
export const itemId = (prefix: 'rs' | 'msg' | 'fc') => `${prefix}_${suffix()}`;
export const newResponseContext = (req: ResponsesRequest): ResponseContext => ({
  id: `resp_bon_${suffix()}`,
  createdAt: Math.floor(Date.now() / 1000),
  req,
});

/** A Responses logprob needs bytes, which chat servers may send as null. */
export function toResponseLogprob(l: TokenLogprob) {
  return {
    token: l.token,
    logprob: l.logprob,
    bytes: l.bytes ?? [...new TextEncoder().encode(l.token)],
    top_logprobs: (Array.isArray(l.top_logprobs) ? l.top_logprobs : []).map((t) => ({
      token: t.token,
      logprob: t.logprob,
      bytes: t.bytes ?? [...new TextEncoder().encode(t.token)],
    })),
  };
}

/** The response envelope before any output: what `response.created` carries, and the base of the final one. */
export function responseShell(ctx: ResponseContext, status: 'in_progress' | 'completed' | 'incomplete' | 'failed') {
  const { req } = ctx;
  return {
    id: ctx.id,
    object: 'response' as const,
    created_at: ctx.createdAt,
    status,
    completed_at: null as number | null,
    error: null,
    incomplete_details: null as { reason: 'max_output_tokens' | 'content_filter' } | null,
    instructions: req.instructions ?? null,
    model: req.model,
    output: [] as unknown[],
    parallel_tool_calls: req.parallel_tool_calls ?? true,
    metadata: req.metadata ?? {},
    tool_choice: req.tool_choice ?? 'auto',
    tools: req.tools ?? [],
    temperature: req.temperature ?? null,
    top_p: req.top_p ?? null,
    max_output_tokens: req.max_output_tokens ?? null,
    text: { format: req.text?.format ?? { type: 'text' } },
    reasoning: { effort: req.reasoning?.effort ?? null, summary: null },
    store: false,
    truncation: 'disabled' as const,
  };
}

export type OutputItem =
  | {
      type: 'reasoning';
      id: string;
      summary: never[];
      content: { type: 'reasoning_text'; text: string }[];
      status: 'completed';
    }
  | {
      type: 'message';
      id: string;
      role: 'assistant';
      status: 'completed' | 'incomplete';
      content: (
        | { type: 'output_text'; text: string; annotations: never[]; logprobs: ReturnType<typeof toResponseLogprob>[] }
        | { type: 'refusal'; refusal: string }
      )[];
    }
  | { type: 'function_call'; id: string; call_id: string; name: string; arguments: string; status: 'completed' };

/** The answer's output items in order: its reasoning, its message, its tool calls. */
export function outputItems(answer: Answer): OutputItem[] {
  const m = answer.message;
  const items: OutputItem[] = [];
  const thinking = m.reasoning_content ?? m.reasoning;
  if (thinking)
    items.push({
      type: 'reasoning',
      id: itemId('rs'),
      summary: [],
      content: [{ type: 'reasoning_text', text: thinking }],
      status: 'completed',
    });
  if (m.content || m.refusal || !m.tool_calls?.length) {
    const content: Extract<OutputItem, { type: 'message' }>['content'] = [];
    const logprobs = Array.isArray(answer.logprobs?.content) ? answer.logprobs.content : [];
    if (m.content || !m.refusal)
      content.push({
        type: 'output_text',
        text: m.content ?? '',
        annotations: [],
        logprobs: logprobs.map(toResponseLogprob),
      });
    if (m.refusal) content.push({ type: 'refusal', refusal: m.refusal });
    items.push({
      type: 'message',
      id: itemId('msg'),
      role: 'assistant',
      status: answer.finishReason === 'length' ? 'incomplete' : 'completed',
      content,
    });
  }
  for (const call of m.tool_calls ?? []) {
    if (call.type !== 'function') continue;
    items.push({
      type: 'function_call',
      id: itemId('fc'),
      call_id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
      status: 'completed',
    });
  }
  return items;
}

/** Chat usage in the Responses shape. */
export function responseUsage(u: Usage) {
  const prompt = (u.prompt_tokens_details ?? {}) as { cached_tokens?: number };
  const completion = (u.completion_tokens_details ?? {}) as { reasoning_tokens?: number };
  return {
    input_tokens: u.prompt_tokens,
    // Chat usage has no cache-write count; the spec requires the field, and chat servers report none.
    input_tokens_details: { cached_tokens: prompt.cached_tokens ?? 0, cache_write_tokens: 0 },
    output_tokens: u.completion_tokens,
    output_tokens_details: { reasoning_tokens: completion.reasoning_tokens ?? 0 },
    total_tokens: u.total_tokens,
  };
}

/** The finished response object, as `POST /v1/responses` returns it and `response.completed` carries it. */
export function completedResponse(ctx: ResponseContext, answer: Answer, output: OutputItem[] = outputItems(answer)) {
  const incomplete =
    answer.finishReason === 'length'
      ? 'max_output_tokens'
      : answer.finishReason === 'content_filter'
        ? 'content_filter'
        : null;
  return {
    ...responseShell(ctx, incomplete ? 'incomplete' : 'completed'),
    completed_at: Math.floor(Date.now() / 1000),
    incomplete_details: incomplete ? { reason: incomplete } : null,
    output,
    usage: responseUsage(answer.usage),
    ...(answer.serviceTier ? { service_tier: answer.serviceTier } : {}),
    ...(answer.bestofn ? { bestofn: answer.bestofn } : {}),
  };
}

/**
 * The response that `response.failed` carries when the upstream failed after its answer began: the items
 * finished so far, and the error. The spec's error codes are the model's; a broken upstream is `server_error`.
 */
export function failedResponse(ctx: ResponseContext, output: OutputItem[], message: string) {
  return { ...responseShell(ctx, 'failed'), error: { code: 'server_error' as const, message }, output };
}
