/**
 * Whether Redis is answering, seen separately by each use of it (limits, cache): a use that fails logs
 * once when its outage starts and once when it ends, however many calls fail in between, and every
 * failed call is counted. Runtime-neutral: the log and the counters are injected.
 */
export type RedisUse = 'limits' | 'cache';

export interface RedisHealthHooks {
  warn(msg: string, err: unknown): void;
  info(msg: string): void;
  /** Every failed call. */
  failed?(use: RedisUse): void;
  /** Every transition; up=false starts an outage. */
  changed?(use: RedisUse, up: boolean): void;
}

export interface RedisUseStatus {
  up: boolean;
  /** Failed calls since start. */
  failures: number;
  /** When the current outage began (ms since epoch), or null. */
  down_since: number | null;
  last_error: string | null;
}

export class RedisHealth {
  private readonly state = new Map<RedisUse, RedisUseStatus>();

  constructor(
    private readonly hooks: RedisHealthHooks,
    /** What each use does while Redis is down, for the log line. */
    private readonly fallbackOf: Record<RedisUse, string>,
    private readonly now: () => number = Date.now,
  ) {}

  private of(use: RedisUse): RedisUseStatus {
    let s = this.state.get(use);
    if (!s) this.state.set(use, (s = { up: true, failures: 0, down_since: null, last_error: null }));
    return s;
  }

  fail(use: RedisUse, err: unknown): void {
    const s = this.of(use);
    s.failures++;
    s.last_error = err instanceof Error ? err.message : String(err);
    this.hooks.failed?.(use);
    if (!s.up) return;
    s.up = false;
    s.down_since = this.now();
    this.hooks.warn(`redis unavailable for ${use}: ${this.fallbackOf[use]} until it answers again`, err);
    this.hooks.changed?.(use, false);
  }

  ok(use: RedisUse): void {
    const s = this.of(use);
    if (s.up) return;
    const seconds = ((this.now() - (s.down_since ?? this.now())) / 1000).toFixed(1);
    s.up = true;
    s.down_since = null;
    this.hooks.info(`redis answers again for ${use} after ${seconds} s: shared again`);
    this.hooks.changed?.(use, true);
  }

  status(use: RedisUse): RedisUseStatus {
    return { ...this.of(use) };
  }
}
