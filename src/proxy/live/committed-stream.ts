import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { UpstreamError } from '../../errors';
import type { BestOfNOutcome } from '../best-of-n';
import type { LiveCandidate } from './candidate-stream';

/**
 * The chunks of a candidate committed to before it finished: what it has written so far, then its new
 * deltas as they arrive, then (once the race is settled) the finish chunk with the metadata and usage.
 */
export async function* committedChunks(
  candidate: LiveCandidate,
  settled: Promise<{ outcome: BestOfNOutcome; metadata?: Record<string, unknown> }>,
  model: string,
  includeUsage: boolean,
): AsyncGenerator<ChatCompletionChunk & { bestofn?: unknown }> {
  const base = { id: `chatcmpl-bon-${Math.random().toString(36).slice(2, 14)}`, object: 'chat.completion.chunk' as const, created: Math.floor(Date.now() / 1000), model };
  const chunk = (delta: Record<string, unknown>, finish: ChatCompletionChunk.Choice['finish_reason'] = null) => ({
    ...base,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(includeUsage ? { usage: null } : {}),
  });
  yield chunk({ role: 'assistant', content: '' });
  let reasoningSent = 0;
  let contentSent = 0;
  for (;;) {
    // Read before emitting: a change after this point wakes the wait below.
    const changed = candidate.changed();
    const stopped = candidate.stopped;
    if (candidate.reasoning.length > reasoningSent) {
      yield chunk({ reasoning_content: candidate.reasoning.slice(reasoningSent) });
      reasoningSent = candidate.reasoning.length;
    }
    if (candidate.content.length > contentSent) {
      yield chunk({ content: candidate.content.slice(contentSent) });
      contentSent = candidate.content.length;
    }
    if (stopped) break;
    await changed;
  }
  // Its text is already with the client: another candidate cannot take its place now.
  if (candidate.stopped !== 'finished') {
    const e = candidate.error;
    throw new UpstreamError(e?.status ?? 502, `the committed candidate stopped early (${candidate.stopped})${e ? `: ${e.message}` : ''}`, 'upstream_error', e?.code ?? null);
  }
  const { outcome, metadata } = await settled;
  const finish = (outcome.ranked[0]?.sample.finishReason ?? candidate.finishReason ?? 'stop') as ChatCompletionChunk.Choice['finish_reason'];
  yield { ...chunk({}, finish), ...(metadata ? { bestofn: metadata } : {}) };
  if (includeUsage) yield { ...base, choices: [], usage: outcome.fan.usage };
}
