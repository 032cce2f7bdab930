import type { Config } from '../config';
import type { AccessOptions } from './access-control';
import { createKeyRing } from './api-keys';
import { KeyLimiter, type KeyLimit } from './key-limits';

/** Access control from config, or undefined when no gateway keys are set (loopback-only serving). */
export async function buildAccess(config: Config, overrides: readonly Partial<KeyLimit>[] = []): Promise<AccessOptions | undefined> {
  const keys = (config.GATEWAY_API_KEYS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  if (keys.length === 0) return undefined;
  const defaults: KeyLimit = { rpm: config.KEY_RPM, concurrency: config.KEY_CONCURRENCY, maxN: Math.min(config.KEY_MAX_N ?? config.BESTOFN_MAX_N, config.BESTOFN_MAX_N) };
  return { keys: await createKeyRing(keys), limitOf: (i) => ({ ...defaults, ...overrides[i] }), limiter: new KeyLimiter() };
}
