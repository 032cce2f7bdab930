/**
 * The one SSE codec of the repo: reading goes through eventsource-parser (which handles LF, CRLF and CR
 * line ends, comments, multi-line `data:` and lines split anywhere between chunks), writing through
 * the encoders below. Nothing else parses or writes SSE by hand.
 */
import { createParser } from 'eventsource-parser';
import { UpstreamError } from '../errors';

/**
 * Longest upstream event the gateway buffers. A chunk carries one token's delta (a few hundred bytes
 * with logprobs); an event this long is a broken or hostile stream, not a chunk.
 */
export const MAX_EVENT_CHARS = 1024 * 1024;

export type SseItem = { kind: 'event'; data: string; event?: string; id?: string } | { kind: 'comment'; text: string };

export interface SseDecodeOptions {
  /** Longest event (or unterminated line) buffered, in characters; past it the stream errors. */
  maxEventChars?: number;
}

/**
 * Bytes of an SSE body in, its events and comments out. A UTF-8 character split between chunks is
 * joined by the streaming TextDecoder. A last event without its closing blank line still counts: an
 * upstream that ends `data: [DONE]` without a newline meant it.
 */
export class SseDecoderStream extends TransformStream<Uint8Array, SseItem> {
  constructor(options: SseDecodeOptions = {}) {
    const decoder = new TextDecoder();
    let out: TransformStreamDefaultController<SseItem> | undefined;
    let failure: Error | undefined;
    const parser = createParser({
      maxBufferSize: options.maxEventChars,
      onEvent: (e) =>
        out?.enqueue({
          kind: 'event',
          data: e.data,
          ...(e.event ? { event: e.event } : {}),
          ...(e.id ? { id: e.id } : {}),
        }),
      onComment: (text) => out?.enqueue({ kind: 'comment', text }),
      onError: (err) => {
        // Unknown fields and bad `retry:` values are ignored, as browsers do; only the size cap is fatal.
        if (err.type === 'max-buffer-size-exceeded') {
          failure = new UpstreamError(
            502,
            `upstream: an SSE event is longer than ${options.maxEventChars} characters`,
            'upstream_error',
            'bad_upstream_response',
            {},
            false,
          );
        }
      },
    });
    const feed = (text: string, controller: TransformStreamDefaultController<SseItem>) => {
      out = controller;
      if (text !== '') parser.feed(text);
      if (failure) throw failure;
    };
    super({
      transform: (chunk, controller) => feed(decoder.decode(chunk, { stream: true }), controller),
      flush: (controller) => feed(`${decoder.decode()}\n\n`, controller),
    });
  }
}

/** The items of an SSE body, read one by one; leaving the loop early cancels the body. */
export async function* sseItems(
  body: ReadableStream<Uint8Array>,
  options: SseDecodeOptions = {},
): AsyncGenerator<SseItem> {
  const reader = body.pipeThrough(new SseDecoderStream(options)).getReader();
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** The data payloads of an SSE body's events, comments skipped. */
export async function* sseData(
  body: ReadableStream<Uint8Array>,
  options: SseDecodeOptions = {},
): AsyncGenerator<string> {
  for await (const item of sseItems(body, options)) if (item.kind === 'event') yield item.data;
}

/** Every data payload of a whole SSE text (tests, benchmarks). */
export async function sseDataOf(text: string): Promise<string[]> {
  const out: string[] = [];
  for await (const data of sseData(new Response(text).body!)) out.push(data);
  return out;
}

/** One event on the wire; a payload with newlines becomes several `data:` lines, which readers join back. */
export function encodeSseEvent(data: string, fields: { event?: string; id?: string } = {}): string {
  const head = `${fields.event ? `event: ${fields.event}\n` : ''}${fields.id ? `id: ${fields.id}\n` : ''}`;
  return `${head}data: ${data.split(/\r\n|\r|\n/).join('\ndata: ')}\n\n`;
}

export const encodeSseJson = (value: unknown): string => encodeSseEvent(JSON.stringify(value));

export const encodeSseComment = (text: string): string => `: ${text.replace(/\r\n|\r|\n/g, ' ')}\n\n`;

export const SSE_DONE = '[DONE]';

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
} as const;
