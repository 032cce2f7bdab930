import { Hono } from 'hono';
import { accessControl, type AccessOptions, type AccessVars } from './access/access-control';
import { GatewayError, toErrorResponse } from './errors';
import { bodyLimit } from './http/body-limit';
import { noopMetrics } from './observability/metrics';
import type { ReadyCheck } from './observability/ready-check';
import { requestContext, type RequestVars } from './observability/request-id';
import { proxyRoutes, type ProxyDeps } from './proxy/routes';
import { rewardsRoutes } from './rewards/routes';

export type AppDeps = ProxyDeps & {
  /** Prometheus text for GET /metrics; absent where there is no registry (Workers). */
  metricsText?: () => Promise<string>;
  /** Gateway keys and their limits; absent means no authentication (config allows that on loopback only). */
  access?: AccessOptions;
  /** Dependencies GET /readyz reports on (Redis on Node with REDIS_URL). */
  readiness?: ReadyCheck[];
};

/** The whole gateway as a runtime-agnostic Hono app; entries (Node, Workers) build the deps and serve it. */
export function createApp(deps: AppDeps) {
  const app = new Hono<{ Variables: RequestVars & AccessVars }>();
  const metrics = deps.metrics ?? noopMetrics;

  app.use('*', requestContext(deps.log, metrics.request));

  if (deps.access) app.use('/v1/*', accessControl(deps.access));
  const maxBytes = deps.config.BESTOFN_MAX_BODY_BYTES;
  app.use('/v1/*', bodyLimit(maxBytes, () => new GatewayError(413, `Request body is larger than ${maxBytes} bytes`, 'invalid_request_error', null, 'request_too_large')));

  app.get('/healthz', async (c) => {
    const scorer = (await deps.scorer.health?.()) ?? {};
    return c.json({ status: 'ok', scorer: { name: deps.scorer.name, ...scorer } });
  });

  app.get('/readyz', async (c) => {
    const checks = Object.fromEntries(await Promise.all((deps.readiness ?? []).map(async (r) => [r.name, await r.check()] as const)));
    const ready = Object.values(checks).every((s) => s.ok);
    return c.json({ status: ready ? 'ready' : 'not_ready', checks }, ready ? 200 : 503);
  });

  if (deps.metricsText) {
    const text = deps.metricsText;
    app.get('/metrics', async (c) => c.text(await text(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }));
  }

  app.route('/v1', proxyRoutes(deps));
  app.route('/v1', rewardsRoutes(deps));

  app.notFound((c) => c.json(new GatewayError(404, `No route for ${c.req.method} ${c.req.path}`, 'invalid_request_error', null, 'not_found').toBody(), 404));

  app.onError((err, c) => {
    // The client went away: nobody reads this answer, and it is not the gateway's fault.
    if (c.req.raw.signal.aborted) return c.body(null, 499 as 400);
    const { status, body, headers } = toErrorResponse(err);
    if (status >= 500 && !(err instanceof GatewayError)) deps.log.error({ err, reqId: c.get('requestId') }, 'unhandled error');
    else if (status >= 500) deps.log.warn({ reqId: c.get('requestId'), status, code: body.error.code, message: body.error.message }, 'request failed');
    return c.json(body, status as 500, headers);
  });

  return app;
}
