/**
 * What happens when the configured reward model cannot score: rank by another scorer (vote) and say so
 * in the result, or answer 503. Overload and client aborts are not scorer failures and pass through.
 */
import { GatewayError, ScorerError } from '../errors';
import type { Scorer, ScoreRequest, ScoreResult } from './types';

export type FallbackMode = 'vote' | 'error';

const NETWORK_CODE = /^(E[A-Z]+|UND_ERR_[A-Z_]+)$/; // ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET…

/** A failure to reach a model server that a scorer let escape without wrapping it in ScorerError. */
function isNetworkError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'TimeoutError') return true;
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODE.test(code)) return true;
  }
  // undici's network failures are a bare TypeError('fetch failed').
  return err instanceof TypeError && /fetch failed|network/i.test(err.message);
}

const isAbort = (err: unknown) => err instanceof Error && err.name === 'AbortError';

/** Whether err is a scorer failure that the fallback mode decides about, rather than something to pass on. */
export function isScorerFailure(err: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted || isAbort(err)) return false;
  if (err instanceof ScorerError) return true;
  // Other gateway errors (overloaded, invalid request) already mean what they should to the client.
  if (err instanceof GatewayError) return false;
  return isNetworkError(err);
}

export function withFallback(
  primary: Scorer,
  fallback: Scorer,
  mode: FallbackMode,
  log?: (message: string) => void,
): Scorer {
  return {
    name: primary.name,
    ...(primary.rewardDefaults ? { rewardDefaults: primary.rewardDefaults } : {}),

    async score(request: ScoreRequest): Promise<ScoreResult> {
      try {
        return await primary.score(request);
      } catch (err) {
        if (!isScorerFailure(err, request.signal)) throw err;
        const reason = err instanceof Error ? err.message : String(err);
        if (mode === 'error') {
          log?.(`scorer '${primary.name}' failed, answering 503: ${reason}`);
          throw err instanceof ScorerError ? err : new ScorerError(`scorer '${primary.name}' failed: ${reason}`);
        }
        log?.(`scorer '${primary.name}' failed, ranking by '${fallback.name}' instead: ${reason}`);
        const result = await fallback.score(request);
        // Calls the failed scorer already made are paid for: they stay in usage and the metadata.
        const spent = err instanceof ScorerError ? err.spent : undefined;
        return {
          ...result,
          fallback: { from: primary.name, reason },
          ...(spent ? { usage: spent.usage, info: { ...result.info, ...spent.info } } : {}),
        };
      }
    },

    async health() {
      const [own, other] = await Promise.all([primary.health?.() ?? {}, fallback.health?.() ?? {}]);
      return { ...own, fallback: mode === 'vote' ? { scorer: fallback.name, ...other } : 'error' };
    },

    async close() {
      await Promise.all([primary.close?.(), fallback.close?.()]);
    },
  };
}
