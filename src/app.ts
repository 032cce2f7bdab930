import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { accessControl, hasValidKey, type AccessOptions, type AccessVars } from './access/access-control';
import { GatewayError, toErrorResponse } from './errors';
import { bodyLimit, WEB_DECODERS, type BodyDecoders } from './http/body-limit';
import { jsonOnly, ownHostsOnly } from './http/cross-site';
import { noopMetrics } from './observability/metrics';
import { cachedProbe, readiness, type ReadyCheck } from './observability/readiness';
import { requestContext, type RequestVars } from './observability/request-id';
import { upstreamCheck } from './proxy/upstream-probe';
import { proxyRoutes, type ProxyDeps } from './proxy/routes';
import { responsesRoutes } from './responses/routes';
import { completionsRoutes } from './completions/routes';
import { rewardsRoutes } from './rewards/routes';
import { clientScrubber } from './secrets';
import { gatewayInspector } from './inspector/mount';
import type { Inspection } from './inspector/inspection';

export type AppDeps = ProxyDeps & {
  /** Prometheus text for GET /metrics; absent where there is no registry (Workers). */
  metricsText?: () => Promise<string>;
  /** Gateway keys and their limits; absent means no authentication (config allows that on loopback only). */
  access?: AccessOptions;
  /** More named checks for /readyz beside the upstream probe (shared state, …). */
  readyChecks?: ReadyCheck[];
  /** The newest records of the RECORD file, for the inspector (Node, where RECORD is set). */
  recorded?: (max: number) => Inspection[];
  /** Request Content-Encodings beyond gzip and deflate that this runtime decodes (Node: br). */
  bodyDecoders?: BodyDecoders;
  /** Whether the server is cutting the connections left at shutdown (Node): a request cut then is logged as 503. */
  shutdownCut?: () => boolean;
};

/** How long /readyz trusts an upstream probe: a few seconds, so frequent health checks cost the upstream little. */
const READY_PROBE_TTL_MS = 5_000;

/** Headers a browser app may read from an answer. */
const EXPOSED = ['x-request-id', 'retry-after', 'x-should-retry', 'x-bestofn-bypass'];

/** The POST routes whose body is JSON. */
const JSON_ENDPOINTS = ['/v1/chat/completions', '/v1/completions', '/v1/responses', '/v1/rewards'];

const listOf = (text: string | undefined): string[] =>
  (text ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);

/** The whole gateway as a runtime-agnostic Hono app; entries (Node, Workers) build the deps and serve it. */
export function createApp(deps: AppDeps) {
  const app = new Hono<{ Variables: RequestVars & AccessVars }>();
  const metrics = deps.metrics ?? noopMetrics;
  const scrub = deps.scrub ?? clientScrubber(deps.config);
  const ui = deps.config.UI ? gatewayInspector(deps) : undefined;

  app.use('*', requestContext(deps.log, metrics.request, deps.shutdownCut));
  // A keyless gateway is reachable from this machine only, so from its browser too: see src/http/cross-site.ts.
  if (!deps.access && !deps.config.ALLOW_UNAUTHENTICATED)
    app.use('*', ownHostsOnly([deps.config.HOST, ...listOf(deps.config.ALLOWED_HOSTS)]));
  // Before auth: a browser's preflight carries no Authorization header.
  const origins = listOf(deps.config.CORS_ORIGINS);
  if (origins.length)
    app.use('*', cors({ origin: origins.includes('*') ? '*' : origins, exposeHeaders: EXPOSED, maxAge: 600 }));

  if (deps.access) app.use('/v1/*', accessControl(deps.access));
  // On the JSON endpoints only: an unknown route stays a 404 whatever it is sent.
  for (const path of JSON_ENDPOINTS) app.use(path, jsonOnly());
  const maxBytes = deps.config.BESTOFN_MAX_BODY_BYTES;
  app.use(
    '/v1/*',
    bodyLimit(
      maxBytes,
      () =>
        new GatewayError(
          413,
          `Request body is larger than ${maxBytes} bytes`,
          'invalid_request_error',
          null,
          'request_too_large',
        ),
      { ...WEB_DECODERS, ...deps.bodyDecoders },
    ),
  );

  // Without keys configured the gateway is loopback-only, and everyone who can reach it may read these.
  const trusted = async (headers: Headers) => !deps.access || (await hasValidKey(deps.access, headers));

  // Anyone may learn ok / not ok; which scorer, device and model only a key holder.
  const scorerHealth = cachedProbe(async () => (await deps.scorer.health?.()) ?? {}, READY_PROBE_TTL_MS);
  app.get('/healthz', async (c) => {
    const demo = deps.config.demo ? { demo: true } : {};
    let scorer: Record<string, unknown>;
    try {
      scorer = await scorerHealth();
    } catch {
      return c.json({ status: 'error' }, 503);
    }
    return c.json(
      (await trusted(c.req.raw.headers))
        ? { status: 'ok', ...demo, scorer: { name: deps.scorer.name, ...scorer } }
        : { status: 'ok', ...demo },
    );
  });

  const checks = [upstreamCheck(deps.upstreams, READY_PROBE_TTL_MS), ...(deps.readyChecks ?? [])];
  app.get('/readyz', async (c) => {
    const ready = await readiness(checks, c.req.raw.signal);
    return c.json({ status: ready.ok ? 'ready' : 'not ready', checks: ready.checks }, ready.ok ? 200 : 503);
  });

  if (deps.metricsText) {
    const text = deps.metricsText;
    app.get('/metrics', async (c) => {
      if (!(await trusted(c.req.raw.headers)))
        throw new GatewayError(
          401,
          'GET /metrics needs a gateway key (or set METRICS_PORT to serve it on its own listener)',
          'invalid_request_error',
          null,
          'invalid_api_key',
          { 'www-authenticate': 'Bearer' },
        );
      return c.text(await text(), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    });
  }

  const inspect = ui ? { inspect: ui.inspect } : {};
  app.route('/v1', proxyRoutes({ ...deps, scrub, ...inspect }));
  app.route('/v1', completionsRoutes({ ...deps, scrub }));
  app.route('/v1', responsesRoutes({ ...deps, scrub, ...inspect }));
  if (ui) app.route('/ui', ui.routes);
  app.route('/v1', rewardsRoutes(deps));

  app.notFound((c) =>
    c.json(
      new GatewayError(
        404,
        `No route for ${c.req.method} ${c.req.path}`,
        'invalid_request_error',
        null,
        'not_found',
      ).toBody(),
      404,
    ),
  );

  app.onError((err, c) => {
    // The client went away: nobody reads this answer, and it is not the gateway's fault.
    if (c.req.raw.signal.aborted) return c.body(null, 499 as 400);
    const { status, body, headers } = toErrorResponse(err, scrub);
    if (status >= 500 && !(err instanceof GatewayError))
      deps.log.error({ err, reqId: c.get('requestId') }, 'unhandled error');
    else if (status >= 500)
      deps.log.warn(
        { reqId: c.get('requestId'), status, code: body.error.code, message: body.error.message },
        'request failed',
      );
    return c.json(body, status as 500, headers);
  });

  return app;
}
