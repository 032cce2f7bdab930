import type { ChatCompletionChunk } from 'openai/resources/chat/completions';

/** Our own id, for an answer whose upstream gave none to build on (a live stream, or every candidate failed). */
export const bonId = () => `chatcmpl-bon-${crypto.randomUUID().replaceAll('-', '').slice(0, 24)}`;

export interface ChunkEnvelope {
  id: string;
  created: number;
  model: string;
  system_fingerprint?: string;
  service_tier?: ChatCompletionChunk['service_tier'];
}

type First = {
  id?: string;
  created?: number;
  model?: string;
  system_fingerprint?: string | null;
  service_tier?: string | null;
};

/**
 * The answer's id, created, model, system_fingerprint and service_tier: the first upstream answer's,
 * so the client sees what served it; the id gets a suffix because the answer is not that completion.
 */
export function envelopeOf(first: First | undefined, model: string): ChunkEnvelope {
  return {
    id: first?.id && !first.id.startsWith('chatcmpl-bon-') ? `${first.id}-bon` : (first?.id ?? bonId()),
    created: first?.created ?? Math.floor(Date.now() / 1000),
    model: first?.model ?? model,
    ...(first?.system_fingerprint ? { system_fingerprint: first.system_fingerprint } : {}),
    // Passed through as the upstream named it; the SDK's type lists OpenAI's tiers only.
    ...(first?.service_tier ? { service_tier: first.service_tier as ChunkEnvelope['service_tier'] } : {}),
  };
}

export type Chunk = ChatCompletionChunk & { bestofn?: unknown };

/**
 * One builder for every stream chunk the gateway writes (buffered winner or committed live candidate),
 * so both paths send the same envelope: `usage: null` on each chunk when usage was asked for, as OpenAI does.
 */
export function chunkBuilder(envelope: ChunkEnvelope, includeUsage: boolean) {
  const base = { ...envelope, object: 'chat.completion.chunk' as const };
  return {
    chunk: (
      index: number,
      delta: Record<string, unknown>,
      finish: ChatCompletionChunk.Choice['finish_reason'] = null,
      logprobs: ChatCompletionChunk.Choice['logprobs'] = null,
    ): Chunk => ({
      ...base,
      choices: [{ index, delta, logprobs, finish_reason: finish }],
      ...(includeUsage ? { usage: null } : {}),
    }),
    usage: (usage: ChatCompletionChunk['usage']): Chunk => ({ ...base, choices: [], usage }),
  };
}
