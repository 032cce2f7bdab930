/**
 * Per-key request-rate and concurrency limits, kept in this replica's memory (see deploy/README.md for
 * what that means behind a load balancer). Rate is a token bucket refilled continuously, so a key may
 * burst up to its per-minute allowance and then proceeds at the steady rate.
 */
export interface KeyLimit {
  rpm: number;
  concurrency: number;
  maxN: number;
}

export type Admission = { ok: true; release: () => void } | { ok: false; reason: string; retryAfterSeconds: number };

export class KeyLimiter {
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
    if (b.tokens < 1) return { ok: false, reason: `rate limit of ${limit.rpm} requests per minute reached`, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000)) };
    const running = this.active.get(key) ?? 0;
    if (running >= limit.concurrency) return { ok: false, reason: `limit of ${limit.concurrency} concurrent requests reached`, retryAfterSeconds: 1 };
    b.tokens -= 1;
    this.active.set(key, running + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        const left = (this.active.get(key) ?? 1) - 1;
        if (left > 0) this.active.set(key, left);
        else this.active.delete(key);
      },
    };
  }
}
