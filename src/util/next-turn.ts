/**
 * Lets the event loop run the work that waits (health probes, other requests' bytes) before going on.
 * A timer, not setImmediate: the same code runs on Workers.
 */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Text above this many characters takes long enough to read that the loop gets a turn after it. */
export const LONG_TEXT_CHARS = 64 * 1024;
