import { cachedCheck, type ReadyCheck } from '../observability/readiness';
import { AbortScope } from '../util/abort-scope';
import { getUpstream } from '../http/upstream-client';
import type { UpstreamRouter } from './upstream-router';

/** How long one probe may take; a model server that cannot list its models in this time is not ready. */
const PROBE_TIMEOUT_MS = 3_000;

/** Ready while at least one upstream answered its last probe (GET /models), kept for `ttlMs`. */
export function upstreamCheck(upstreams: UpstreamRouter, ttlMs: number, now?: () => number): ReadyCheck {
  return cachedCheck(
    'upstreams',
    ttlMs,
    async () => {
      const scope = new AbortScope();
      scope.timeout(PROBE_TIMEOUT_MS, () => new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`));
      try {
        const results = await Promise.allSettled(upstreams.all.map((u) => getUpstream(u, '/models', scope.signal)));
        const up = results.filter((r) => r.status === 'fulfilled').length;
        // Names only: /readyz is unauthenticated, and an error message can carry the upstream's address.
        const failed = results.flatMap((r, i) =>
          r.status === 'rejected' ? [upstreams.all[i]!.name ?? String(i)] : [],
        );
        return {
          ok: up > 0,
          detail: `${up} of ${results.length} upstreams answered${failed.length ? ` (not: ${failed.join(', ')})` : ''}`,
        };
      } finally {
        scope.dispose();
      }
    },
    now,
  );
}
