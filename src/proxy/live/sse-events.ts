/**
 * The JSON events of an OpenAI-style SSE body, in order. Stops at `[DONE]`; an `{error}` event or a
 * payload that is not JSON throws, as the official clients do.
 */
export async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<Record<string, unknown>> {
  const reader = body.pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>).getReader();
  let buffer = '';
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) return;
      buffer += chunk.value.replaceAll('\r\n', '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = event
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trim())
          .join('\n');
        if (data === '') continue;
        if (data === '[DONE]') return;
        const parsed = JSON.parse(data) as Record<string, unknown>;
        if (parsed.error) throw new Error(`upstream stream error: ${JSON.stringify(parsed.error).slice(0, 200)}`);
        yield parsed;
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}
