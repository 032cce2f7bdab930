import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { BestOfNOutcome } from './best-of-n';
import type { BestOfNOptions } from './options';

export type Metadata = Record<string, unknown> | undefined;

function envelope(outcome: BestOfNOutcome) {
  const first = outcome.fan.first;
  return {
    id: first?.id ? `${first.id}-bon` : `chatcmpl-bon-${Math.random().toString(36).slice(2, 14)}`,
    created: first?.created ?? Math.floor(Date.now() / 1000),
    model: first?.model ?? 'unknown',
    ...(first?.system_fingerprint ? { system_fingerprint: first.system_fingerprint } : {}),
  };
}

/** The winner (and runners-up when the client asked for n > 1) as an ordinary chat completion. */
export function buildCompletion(outcome: BestOfNOutcome, options: BestOfNOptions, metadata: Metadata): ChatCompletion & { bestofn?: unknown } {
  return {
    ...envelope(outcome),
    object: 'chat.completion',
    choices: outcome.ranked.slice(0, options.k).map((c, index) => ({
      index,
      message: { ...c.sample.message, role: 'assistant', content: c.sample.message.content ?? null, refusal: c.sample.message.refusal ?? null },
      logprobs: null,
      finish_reason: (c.sample.finishReason ?? 'stop') as ChatCompletion.Choice['finish_reason'],
    })),
    usage: outcome.fan.usage,
    ...(metadata ? { bestofn: metadata } : {}),
  };
}

/** Chosen so each delta is a few words, like a real token stream, without thousands of tiny events. */
const CHUNK_CHARS = 48;

function* pieces(text: string): Generator<string> {
  for (let i = 0; i < text.length; ) {
    let end = Math.min(text.length, i + CHUNK_CHARS);
    // Never split a UTF-16 surrogate pair across two deltas.
    if (end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end++;
    yield text.slice(i, end);
    i = end;
  }
}

/**
 * The winner as stream chunks in the order clients expect: role, reasoning_content deltas, content
 * deltas, finish_reason (carrying the metadata), then usage when asked for.
 */
export function* completionChunks(outcome: BestOfNOutcome, options: BestOfNOptions, metadata: Metadata, includeUsage: boolean): Generator<ChatCompletionChunk & { bestofn?: unknown }> {
  const base = { ...envelope(outcome), object: 'chat.completion.chunk' as const };
  const chunk = (index: number, delta: Record<string, unknown>, finish: ChatCompletionChunk.Choice['finish_reason'] = null) => ({
    ...base,
    choices: [{ index, delta, logprobs: null, finish_reason: finish }],
    ...(includeUsage ? { usage: null } : {}),
  });
  const winners = outcome.ranked.slice(0, options.k);
  for (const [index, c] of winners.entries()) {
    const m = c.sample.message;
    yield chunk(index, { role: 'assistant', content: '' });
    const thinking = m.reasoning_content ?? m.reasoning;
    if (thinking) for (const p of pieces(thinking)) yield chunk(index, { reasoning_content: p });
    if (m.content) for (const p of pieces(m.content)) yield chunk(index, { content: p });
    if (m.tool_calls?.length) yield chunk(index, { tool_calls: m.tool_calls.map((t, i) => ({ index: i, ...t })) });
  }
  for (const [index, c] of winners.entries()) {
    const last = index === winners.length - 1;
    yield { ...chunk(index, {}, (c.sample.finishReason ?? 'stop') as ChatCompletionChunk.Choice['finish_reason']), ...(last && metadata ? { bestofn: metadata } : {}) };
  }
  if (includeUsage) yield { ...base, choices: [], usage: outcome.fan.usage };
}
