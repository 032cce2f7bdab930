import type { Config } from '../config';
import type { AccessOptions } from './access-control';
import { createKeyRing } from './api-keys';
import { KeyLimiter, type KeyLimit, type Limiter } from './key-limits';

/**
 * Access control from config, or undefined when no gateway keys are set (loopback-only serving). The
 * limiter is this replica's own unless the entry passes a shared one (Redis, on Node).
 */
export async function buildAccess(
  config: Config,
  limiter: Limiter = new KeyLimiter(),
): Promise<AccessOptions | undefined> {
  if (config.keys.length === 0) return undefined;
  const defaults: KeyLimit = {
    rpm: config.KEY_RPM,
    cpm: config.KEY_CPM,
    concurrency: config.KEY_CONCURRENCY,
    maxN: config.KEY_MAX_N ?? config.BESTOFN_MAX_N,
  };
  const limits = config.keys.map((k) => ({
    rpm: k.rpm ?? defaults.rpm,
    cpm: k.cpm ?? defaults.cpm,
    concurrency: k.concurrency ?? defaults.concurrency,
    // A key never gets more than the server allows anyone.
    maxN: Math.min(k.maxN ?? defaults.maxN, config.BESTOFN_MAX_N),
  }));
  return { keys: await createKeyRing(config.keys.map((k) => k.key)), limitOf: (i) => limits[i]!, limiter };
}
