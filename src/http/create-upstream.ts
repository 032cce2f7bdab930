import type { HttpClient } from './http-client';
import type { Upstream } from './upstream-client';
import { fairLimit } from './fair-limit';

/** The timeouts, retries and byte cap every generating server shares: the upstreams and the verifier. */
export interface UpstreamSettings {
  UPSTREAM_TIMEOUT_MS: number;
  UPSTREAM_FIRST_BYTE_TIMEOUT_MS: number;
  UPSTREAM_RETRIES: number;
  UPSTREAM_RETRY_BASE_MS: number;
  UPSTREAM_MAX_ANSWER_MB: number;
}

/** What differs between servers: where it is, its key, whether it takes `n`, and its own concurrency cap. */
export interface UpstreamServer {
  name?: string;
  baseUrl: string;
  apiKey?: string | undefined;
  supportsN: boolean;
  concurrency: number;
}

/**
 * One OpenAI-compatible server to generate from, built the one way: the upstream router builds each
 * configured upstream with it, the verifier scorer its judge.
 */
export function createUpstream(
  server: UpstreamServer,
  settings: UpstreamSettings,
  http: HttpClient,
  hooks: Pick<Upstream, 'observe' | 'warn'> = {},
): Upstream {
  return {
    ...(server.name === undefined ? {} : { name: server.name }),
    baseUrl: server.baseUrl,
    apiKey: server.apiKey,
    supportsN: server.supportsN,
    timeoutMs: settings.UPSTREAM_TIMEOUT_MS,
    firstByteTimeoutMs: settings.UPSTREAM_FIRST_BYTE_TIMEOUT_MS,
    retries: settings.UPSTREAM_RETRIES,
    retryBaseMs: settings.UPSTREAM_RETRY_BASE_MS,
    limit: fairLimit(server.concurrency),
    http,
    ...hooks,
    maxAnswerBytes: settings.UPSTREAM_MAX_ANSWER_MB * 1024 * 1024,
  };
}
