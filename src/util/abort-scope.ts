/**
 * An AbortController that follows parent signals and its own timers, and lets go of all of them on
 * dispose().
 *
 * Why not AbortSignal.any / AbortSignal.timeout: on Node 20 a composite or timeout signal that has an
 * abort listener is kept in a process-wide set until it aborts, and one that never aborts (every request
 * that ends normally) is never collected, with everything its listeners close over. A plain
 * controller whose links are undone is ordinary garbage.
 */
export class AbortScope {
  private readonly controller = new AbortController();
  private cleanups: (() => void)[] = [];

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.controller.signal.aborted;
  }

  follow(parent: AbortSignal | undefined): this {
    if (!parent) return this;
    if (parent.aborted) {
      this.abort(parent.reason);
      return this;
    }
    const onAbort = () => this.abort(parent.reason);
    parent.addEventListener('abort', onAbort, { once: true });
    this.cleanups.push(() => parent.removeEventListener('abort', onAbort));
    return this;
  }

  /** Aborts with reason() after ms; returns a function that cancels this timer alone. */
  timeout(ms: number, reason: () => unknown): () => void {
    const timer = setTimeout(() => this.abort(reason()), ms);
    const cancel = () => clearTimeout(timer);
    this.cleanups.push(cancel);
    return cancel;
  }

  abort(reason?: unknown): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  dispose(): void {
    for (const cleanup of this.cleanups) cleanup();
    this.cleanups = [];
  }
}

/** The same body, calling `done` once it has been read to the end, has failed, or was cancelled (the reader went away). */
export function untilSettled(
  body: ReadableStream<Uint8Array>,
  done: (how: 'end' | 'error' | 'cancelled') => void,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const chunk = await reader.read();
        if (chunk.done) {
          done('end');
          controller.close();
        } else controller.enqueue(chunk.value);
      } catch (err) {
        done('error');
        controller.error(err);
      }
    },
    cancel(reason) {
      done('cancelled');
      return reader.cancel(reason);
    },
  });
}
