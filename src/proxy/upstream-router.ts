import type { Config } from '../config';
import { GatewayError } from '../errors';
import { createUpstream } from '../http/create-upstream';
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
  const all: Upstream[] = config.upstreams.map((u) =>
    createUpstream({ ...u, concurrency: u.concurrency ?? config.UPSTREAM_CONCURRENCY }, config, http, {
      observe,
      warn,
    }),
  );
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
