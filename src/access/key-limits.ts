/**
 * Per-key request-rate, candidate-rate and concurrency limits. A rate is a token bucket refilled
 * continuously, so a key may burst up to its per-minute allowance and then proceeds at the steady rate.
 * KeyLimiter keeps them in this replica's memory; with REDIS_URL, redis-limiter.ts keeps the same rules
 * in Redis for all replicas.
 */
export interface KeyLimit {
  rpm: number;
  /** Candidates per minute: what a request costs the upstream, where rpm counts a best_of 64 as one. */
  cpm: number;
  concurrency: number;
  maxN: number;
}

export type Refusal = { ok: false; reason: string; retryAfterSeconds: number };
export type Admission = { ok: true; release: () => void } | Refusal;
export type Spending = { ok: true } | Refusal;

/** What the access middleware calls; the refusal is the same 429 whichever implementation answers. */
export interface Limiter {
  admit(key: number, limit: KeyLimit): Admission | Promise<Admission>;
  /** Takes a request's candidates from the key's candidate bucket, once its N is known. */
  spend(key: number, limit: KeyLimit, candidates: number): Spending | Promise<Spending>;
}

/** A request asks for N candidates; one for more than the whole allowance waits for a full bucket and takes it. */
export const candidateCost = (candidates: number, cpm: number) => Math.max(1, Math.min(candidates, cpm));

export const rateRefusal = (rpm: number, tokens: number): Admission => ({
  ok: false,
  reason: `rate limit of ${rpm} requests per minute reached`,
  retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / (rpm / 60_000) / 1000)),
});
export const candidateRefusal = (cpm: number, cost: number, tokens: number): Refusal => ({
  ok: false,
  reason: `limit of ${cpm} candidates per minute reached (this request asks for ${cost})`,
  retryAfterSeconds: Math.max(1, Math.ceil((cost - tokens) / (cpm / 60_000) / 1000)),
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
  private readonly candidateBuckets = new Map<number, { tokens: number; at: number }>();
  private readonly active = new Map<number, number>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  admit(key: number, limit: KeyLimit): Admission {
    const b = this.refill(this.buckets, key, limit.rpm);
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

  spend(key: number, limit: KeyLimit, candidates: number): Spending {
    const cost = candidateCost(candidates, limit.cpm);
    const b = this.refill(this.candidateBuckets, key, limit.cpm);
    if (b.tokens < cost) return candidateRefusal(limit.cpm, cost, b.tokens);
    b.tokens -= cost;
    return { ok: true };
  }

  /** The key's bucket of `perMinute` tokens, refilled for the time since it was last read. */
  private refill(buckets: Map<number, { tokens: number; at: number }>, key: number, perMinute: number) {
    const t = this.now();
    const b = buckets.get(key) ?? { tokens: perMinute, at: t };
    b.tokens = Math.min(perMinute, b.tokens + (t - b.at) * (perMinute / 60_000));
    b.at = t;
    buckets.set(key, b);
    return b;
  }
}
