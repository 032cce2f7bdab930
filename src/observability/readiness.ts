/** A check's answer: ready or not, a short reason, and any facts worth showing (Redis: its connection). */
export type ReadyStatus = { ok: boolean; detail?: string } & Record<string, unknown>;

/**
 * One named dependency /readyz waits for: the upstreams, shared state (Redis) or a model. The replica
 * is ready when every check is ok.
 */
export interface ReadyCheck {
  name: string;
  /** May reject, which counts as not ready. */
  check(signal: AbortSignal): Promise<ReadyStatus> | ReadyStatus;
}

export interface Readiness {
  ok: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

/** Runs every check at once; ready only when all are. */
export async function readiness(checks: ReadyCheck[], signal: AbortSignal): Promise<Readiness> {
  const results = await Promise.all(
    checks.map(async (c) => {
      try {
        return [c.name, await c.check(signal)] as const;
      } catch (err) {
        return [c.name, { ok: false, detail: err instanceof Error ? err.message : String(err) }] as const;
      }
    }),
  );
  return { ok: results.every(([, r]) => r.ok), checks: Object.fromEntries(results) };
}

/**
 * `probe`'s answer kept for `ttlMs`, concurrent callers sharing the one in flight: for /healthz, whose
 * scorer facts come from the PRM's own /health, so fifty probes cost the PRM one call, not fifty.
 */
export function cachedProbe<T>(probe: () => Promise<T>, ttlMs: number, now: () => number = Date.now): () => Promise<T> {
  let last: { at: number; result: Promise<T> } | undefined;
  return () => {
    if (!last || now() - last.at >= ttlMs) {
      const result = probe();
      // A failure is not kept: the next probe asks again.
      result.catch(() => (last = undefined));
      last = { at: now(), result };
    }
    return last.result;
  };
}

/**
 * A check whose answer is kept for `ttlMs`, so a probe every second from each of several load balancers
 * costs the upstream one request per ttl. Concurrent callers share one probe in flight.
 */
export function cachedCheck(
  name: string,
  ttlMs: number,
  probe: () => Promise<{ ok: boolean; detail?: string }>,
  now: () => number = Date.now,
): ReadyCheck {
  let last: { at: number; result: Promise<{ ok: boolean; detail?: string }> } | undefined;
  return {
    name,
    check() {
      if (!last || now() - last.at >= ttlMs) {
        const result = probe().catch((err: unknown) => ({
          ok: false,
          detail: err instanceof Error ? err.message : String(err),
        }));
        last = { at: now(), result };
      }
      return last.result;
    },
  };
}
