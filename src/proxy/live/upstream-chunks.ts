import { badUpstream, parseChunk, upstreamJson, type UpstreamChunk } from '../../http/openai-schemas';
import { MAX_EVENT_CHARS, SSE_DONE, sseData, type SseDecodeOptions } from '../../http/sse';

/**
 * The checked chat-completion chunks of an upstream SSE body, in order, through the shared codec.
 * Stops at `[DONE]`. An `{error}` event throws the upstream's own error; a payload that is not JSON or
 * not a chunk throws bad_upstream_response, and so does a body that ends with neither `[DONE]` nor a
 * finish_reason: a connection cut mid-answer, whose text is not an answer.
 */
export async function* upstreamChunks(
  body: ReadableStream<Uint8Array>,
  options: SseDecodeOptions = { maxEventChars: MAX_EVENT_CHARS },
): AsyncGenerator<UpstreamChunk> {
  let finished = false;
  for await (const data of sseData(body, options)) {
    if (data === SSE_DONE) return;
    const chunk = parseChunk(upstreamJson(data, 'stream sent an event'));
    if (chunk.choices?.some((c) => c.finish_reason)) finished = true;
    yield chunk;
  }
  if (!finished) throw badUpstream('stream ended without a finish_reason or [DONE]: the answer was cut off');
}
