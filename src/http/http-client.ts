/**
 * The little the gateway needs from an HTTP client to talk to an upstream. On Workers (and anywhere
 * else) that is fetch. On Node it is undici's request(), which skips fetch's Request, Response and
 * web-stream machinery: that machinery was the largest single cost of a pass-through request (see
 * docs/benchmarks.md).
 */
export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

export interface HttpReply {
  status: number;
  /**
   * A response header by its lower-case name, or null. Bodies come decoded (gzip, deflate, br): a
   * content-encoding is reported only when the client could not decode it.
   */
  header(name: string): string | null;
  /** The whole body as text. Read the body once, with text(), textUpTo() or stream(). */
  text(): Promise<string>;
  /** The whole body as text, or null as soon as more than maxBytes have come (the rest is dropped). */
  textUpTo(maxBytes: number): Promise<string | null>;
  /**
   * The body as bytes as they arrive (SSE). A relayed stream holds nothing in memory, so it may go
   * past the answer cap (`relay: true`); one the gateway keeps (a live candidate) may not.
   */
  stream(options?: { relay?: boolean }): ReadableStream<Uint8Array>;
  /** Drops an unread body and frees the connection. */
  discard(): Promise<void>;
}

export type HttpClient = (request: HttpRequest) => Promise<HttpReply>;

const empty = () => new ReadableStream<Uint8Array>({ start: (c) => c.close() });

const FETCH_DECODES = new Set(['gzip', 'x-gzip', 'deflate', 'br']);

/** An HttpClient over a fetch function: the platform's on Workers, any fetch in tests. */
export function fetchClient(fetchFn: typeof fetch): HttpClient {
  return async ({ method, url, headers, body, signal }) => {
    const response = await fetchFn(url, { method, headers, body, signal });
    // fetch decodes these itself but keeps the headers, which then describe bytes no reader sees.
    const decoded = FETCH_DECODES.has(response.headers.get('content-encoding')?.trim().toLowerCase() ?? '');
    return {
      status: response.status,
      header: (name) =>
        decoded && (name === 'content-encoding' || name === 'content-length') ? null : response.headers.get(name),
      text: () => response.text(),
      textUpTo: (maxBytes) => streamText(response.body, maxBytes),
      stream: () => response.body ?? empty(),
      discard: async () => void (await response.body?.cancel().catch(() => {})),
    };
  };
}

/** A web stream read whole as UTF-8 text; with maxBytes, null once more than that has come (the rest is dropped). */
export function streamText(body: ReadableStream<Uint8Array> | null): Promise<string>;
export function streamText(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<string | null>;
export async function streamText(body: ReadableStream<Uint8Array> | null, maxBytes = Infinity): Promise<string | null> {
  if (!body) return '';
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let text = '';
  let seen = 0;
  for (;;) {
    const next = await reader.read();
    if (next.done) return text + decoder.decode();
    seen += next.value.byteLength;
    if (seen > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    text += decoder.decode(next.value, { stream: true });
  }
}

// Called unbound, the platform fetch throws 'Illegal invocation' on Workers: always call it through a wrapper.
export const platformHttp: HttpClient = fetchClient((input, init) => fetch(input, init));
