/**
 * One GET …/models per upstream when `bestofn serve` starts, so a wrong base URL is a warning in the first
 * log lines rather than a 404 on every request that only /readyz knew about. It never blocks or fails the
 * start: the model server may simply come up later.
 */
import { getUpstream, type Upstream } from '../http/upstream-client';
import { AbortScope } from '../util/abort-scope';
import type { UpstreamRouter } from './upstream-router';

const PROBE_TIMEOUT_MS = 5_000;

/** Whether the base URL's path has a /v1 segment, where vLLM, SGLang, OpenAI and most others serve the API. */
function hasV1(baseUrl: string): boolean {
  try {
    return new URL(baseUrl).pathname.split('/').includes('v1');
  } catch {
    return true;
  }
}

async function reachable(upstream: Upstream, path: string, signal: AbortSignal): Promise<string | undefined> {
  try {
    await getUpstream(upstream, path, signal);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** The warnings for upstreams whose model list does not answer, each naming the likely fix. */
export async function probeUpstreams(upstreams: UpstreamRouter, signal?: AbortSignal): Promise<string[]> {
  const scope = new AbortScope();
  if (signal) scope.follow(signal);
  scope.timeout(PROBE_TIMEOUT_MS, () => new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`));
  try {
    const warnings = await Promise.all(
      upstreams.all.map(async (u): Promise<string | undefined> => {
        const failure = await reachable(u, '/models', scope.signal);
        if (failure === undefined) return undefined;
        const which = `upstream '${u.name}' (${u.baseUrl})`;
        if (!hasV1(u.baseUrl)) {
          const withV1 = `${u.baseUrl.replace(/\/+$/, '')}/v1`;
          const fixed = (await reachable({ ...u, baseUrl: withV1 }, '/models', scope.signal)) === undefined;
          return fixed
            ? `${which}: GET /models failed (${failure}), but ${withV1}/models answers: set its base URL to ${withV1}`
            : `${which}: GET /models failed (${failure}); the base URL has no /v1 — OpenAI-compatible servers (vLLM, SGLang, OpenAI) serve under /v1, e.g. ${withV1}`;
        }
        return `${which}: GET /models failed (${failure}); requests will fail until it answers — check the base URL, its key and that the server is up`;
      }),
    );
    return warnings.filter((w): w is string => w !== undefined);
  } finally {
    scope.dispose();
  }
}
