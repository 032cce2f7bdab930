import pLimit from 'p-limit';
import type { Config } from '../config';
import { GatewayError } from '../errors';
import { platformHttp, type HttpClient } from '../http/http-client';
import type { Upstream } from '../http/upstream-client';

/** The configured upstreams: which one serves a model, and which one stands in when it fails. */
export interface UpstreamRouter {
  all: Upstream[];
  /** The upstream that names this model, else the first catch-all ('*'). */
  route(model: string): Upstream;
  fallback?: Upstream;
}

export function upstreamsFromConfig(
  config: Config,
  http: HttpClient = platformHttp,
  observe?: Upstream['observe'],
  warn?: Upstream['warn'],
): UpstreamRouter {
  const all: Upstream[] = config.upstreams.map((u) => ({
    name: u.name,
    baseUrl: u.baseUrl,
    apiKey: u.apiKey,
    supportsN: u.supportsN,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    firstByteTimeoutMs: config.UPSTREAM_FIRST_BYTE_TIMEOUT_MS,
    retries: config.UPSTREAM_RETRIES,
    retryBaseMs: config.UPSTREAM_RETRY_BASE_MS,
    limit: pLimit(u.concurrency ?? config.UPSTREAM_CONCURRENCY),
    http,
    observe,
    warn,
    maxAnswerBytes: config.UPSTREAM_MAX_ANSWER_MB * 1024 * 1024,
  }));
  const byModel = new Map<string, Upstream>();
  config.upstreams.forEach((u, i) => u.models.forEach((m) => byModel.has(m) || byModel.set(m, all[i]!)));
  const catchAll = byModel.get('*');
  return {
    all,
    fallback: config.FALLBACK_UPSTREAM ? all.find((u) => u.name === config.FALLBACK_UPSTREAM) : undefined,
    route(model) {
      const upstream = byModel.get(model) ?? catchAll;
      if (!upstream)
        throw new GatewayError(
          404,
          `The model '${model}' is not served by this gateway`,
          'invalid_request_error',
          'model',
          'model_not_found',
        );
      return upstream;
    },
  };
}
