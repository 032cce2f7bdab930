import { parseChunk, upstreamJson, type UpstreamChunk } from '../../http/openai-schemas';
import { MAX_EVENT_CHARS, SSE_DONE, sseData, type SseDecodeOptions } from '../../http/sse';

/**
 * The checked chat-completion chunks of an upstream SSE body, in order, through the shared codec.
 * Stops at `[DONE]`. An `{error}` event throws the upstream's own error; a payload that is not JSON or
 * not a chunk throws bad_upstream_response.
 */
export async function* upstreamChunks(
  body: ReadableStream<Uint8Array>,
  options: SseDecodeOptions = { maxEventChars: MAX_EVENT_CHARS },
): AsyncGenerator<UpstreamChunk> {
  for await (const data of sseData(body, options)) {
    if (data === SSE_DONE) return;
    yield parseChunk(upstreamJson(data, 'stream sent an event'));
  }
}
