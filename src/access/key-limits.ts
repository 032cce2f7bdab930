/**
 * Per-key request-rate and concurrency limits. Rate is a token bucket refilled continuously, so a key may
 * burst up to its per-minute allowance and then proceeds at the steady rate. KeyLimiter keeps them in
 * this replica's memory; with REDIS_URL, redis-limiter.ts keeps the same rules in Redis for all replicas.
 */
export interface KeyLimit {
  rpm: number;
  concurrency: number;
  maxN: number;
}

export type Admission = { ok: true; release: () => void } | { ok: false; reason: string; retryAfterSeconds: number };

/** What the access middleware calls; the refusal is the same 429 whichever implementation answers. */
export interface Limiter {
  admit(key: number, limit: KeyLimit): Admission | Promise<Admission>;
}

export const rateRefusal = (rpm: number, tokens: number): Admission => ({
  ok: false,
  reason: `rate limit of ${rpm} requests per minute reached`,
  retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / (rpm / 60_000) / 1000)),
});
export const concurrencyRefusal = (concurrency: number): Admission => ({
  ok: false,
  reason: `limit of ${concurrency} concurrent requests reached`,
  retryAfterSeconds: 1,
});

/** An admitted request: its slot is given back once, however often the caller releases it (stream end, abort, error). */
export function admitted(giveBack: () => void): Admission {
  let released = false;
  return {
    ok: true,
    release: () => {
      if (released) return;
      released = true;
      giveBack();
    },
  };
}

export class KeyLimiter implements Limiter {
  private readonly buckets = new Map<number, { tokens: number; at: number }>();
  private readonly active = new Map<number, number>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  admit(key: number, limit: KeyLimit): Admission {
    const t = this.now();
    const perMs = limit.rpm / 60_000;
    const b = this.buckets.get(key) ?? { tokens: limit.rpm, at: t };
    b.tokens = Math.min(limit.rpm, b.tokens + (t - b.at) * perMs);
    b.at = t;
    this.buckets.set(key, b);
    if (b.tokens < 1) return rateRefusal(limit.rpm, b.tokens);
    const running = this.active.get(key) ?? 0;
    if (running >= limit.concurrency) return concurrencyRefusal(limit.concurrency);
    b.tokens -= 1;
    this.active.set(key, running + 1);
    return admitted(() => {
      const left = (this.active.get(key) ?? 1) - 1;
      if (left > 0) this.active.set(key, left);
      else this.active.delete(key);
    });
  }
}
