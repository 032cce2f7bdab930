import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { UpstreamError } from '../../errors';
import type { BestOfNOutcome } from '../best-of-n';
import { chunkBuilder, envelopeOf, type Chunk } from '../chunks';
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
): AsyncGenerator<Chunk> {
  // The upstream's id and model, as on the plain path; a stream that sent no chunk yet has none to give.
  const envelope = candidate.envelope;
  const build = chunkBuilder(
    envelopeOf(
      {
        ...candidate.fingerprint,
        id: envelope?.id,
        ...(envelope ? { model: envelope.model, created: envelope.created } : {}),
      },
      model,
    ),
    includeUsage,
  );
  const chunk = (delta: Record<string, unknown>, finish: ChatCompletionChunk.Choice['finish_reason'] = null) =>
    build.chunk(0, delta, finish);
  yield chunk({ role: 'assistant', content: '' });
  let reasoningSent = 0;
  let contentSent = 0;
  let logprobsSent = 0;
  for (;;) {
    // Read before emitting: a change after this point wakes the wait below.
    const changed = candidate.changed();
    const stopped = candidate.stopped;
    // Take the text before yielding: more arrives while the consumer holds the generator suspended.
    const { reasoning, content } = candidate;
    // Logprobs arrive in the same upstream events as the content they describe, so these match it.
    const tokens = candidate.logprobs?.content ?? [];
    const newTokens = tokens.length;
    if (reasoning.length > reasoningSent) {
      const delta = reasoning.slice(reasoningSent);
      reasoningSent = reasoning.length;
      yield chunk({ [candidate.reasoningField ?? 'reasoning_content']: delta });
    }
    if (content.length > contentSent) {
      const delta = content.slice(contentSent);
      contentSent = content.length;
      const logprobs = candidate.logprobs ? { content: tokens.slice(logprobsSent, newTokens), refusal: null } : null;
      logprobsSent = newTokens;
      yield build.chunk(0, { content: delta }, null, logprobs);
    }
    if (stopped) break;
    await changed;
  }
  // Its text is already with the client: another candidate cannot take its place now.
  if (candidate.stopped !== 'finished') {
    const e = candidate.error;
    throw new UpstreamError(
      e?.status ?? 502,
      `the committed candidate stopped early (${candidate.stopped})${e ? `: ${e.message}` : ''}`,
      'upstream_error',
      e?.code ?? null,
    );
  }
  const { outcome, metadata } = await settled;
  const finish = (outcome.ranked[0]?.sample.finishReason ??
    candidate.finishReason ??
    'stop') as ChatCompletionChunk.Choice['finish_reason'];
  yield { ...chunk({}, finish), ...(metadata ? { bestofn: metadata } : {}) };
  if (includeUsage) yield build.usage(outcome.fan.usage);
}
