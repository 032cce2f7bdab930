/**
 * Stops the gateway when the process that started it goes away. `npx bestofn serve` (and any wrapper that
 * runs a shell) forwards SIGTERM to that shell, not to node: the shell dies, node is re-parented and would
 * keep the port forever. Node has no parent-death signal, so the parent id is polled (cheap, unref'd).
 */
export interface ParentWatchOptions {
  intervalMs?: number;
  /** The current parent id (injected in tests). */
  ppid?: () => number;
}

/** Calls `onGone` once when the parent process changes; returns a function that stops watching. */
export function watchParent(onGone: () => void, opts: ParentWatchOptions = {}): () => void {
  const ppid = opts.ppid ?? (() => process.ppid);
  const first = ppid();
  // Already parented by init (a container's PID 1 child, a daemon): there is no wrapper to outlive.
  if (first <= 1) return () => undefined;
  const timer = setInterval(() => {
    if (ppid() === first) return;
    clearInterval(timer);
    onGone();
  }, opts.intervalMs ?? 500);
  timer.unref();
  return () => clearInterval(timer);
}
