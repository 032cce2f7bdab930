/**
 * Relays an upstream SSE body event by event, and ends it cleanly when the upstream misbehaves: a data
 * payload that is neither JSON nor `[DONE]`, or a connection that breaks mid-stream, becomes one OpenAI
 * `{error}` event (which the official clients raise) and the end of the stream, instead of garbage or
 * a cut connection.
 */
const encoder = new TextEncoder();

function errorEvent(message: string): Uint8Array {
  return encoder.encode(`data: ${JSON.stringify({ error: { message, type: 'upstream_error', param: null, code: 'bad_upstream_response' } })}\n\n`);
}

function validEvent(event: string): boolean {
  for (const line of event.split('\n')) {
    if (!line.startsWith('data:')) continue;
    const data = line.slice(5).trim();
    if (data === '[DONE]') continue;
    try {
      JSON.parse(data);
    } catch {
      return false;
    }
  }
  return true;
}

/** `scrub` is applied to error events only (an upstream may quote its request headers there), never to content. */
export function guardSse(body: ReadableStream<Uint8Array>, scrub: (text: string) => string = (t) => t): ReadableStream<Uint8Array> {
  const reader = body.pipeThrough(new TextDecoderStream() as unknown as TransformStream<Uint8Array, string>).getReader();
  let buffer = '';
  let finished = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (finished) return;
      try {
        const chunk = await reader.read();
        if (chunk.done) {
          finished = true;
          if (buffer.trim() !== '' && !validEvent(buffer)) controller.enqueue(errorEvent('upstream stream ended inside an invalid event'));
          else if (buffer !== '') controller.enqueue(encoder.encode(buffer));
          controller.close();
          return;
        }
        buffer += chunk.value.replaceAll('\r\n', '\n');
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!validEvent(event)) {
            finished = true;
            controller.enqueue(errorEvent('upstream sent an event that is not JSON'));
            controller.close();
            await reader.cancel();
            return;
          }
          controller.enqueue(encoder.encode(`${event.includes('"error"') ? scrub(event) : event}\n\n`));
        }
      } catch {
        finished = true;
        controller.enqueue(errorEvent('upstream connection broke mid-stream'));
        controller.close();
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}
