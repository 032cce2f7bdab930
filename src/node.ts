import { setMaxListeners } from 'node:events';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from './app';
import type { Config } from './config';
import type { Logger } from './log';
import { upstreamsFromConfig } from './proxy/upstream-router';
import { createJsonlRecorder } from './record/jsonl-recorder';
import { createPromMetrics } from './observability/prom-metrics';
import { buildAccess } from './access/build-access';
import { nodeHttpClient } from './http/node-http-client';
import { createNodeScorer } from './scorer/create-node-scorer';
import type { Scorer } from './scorer/types';

export interface RunningGateway {
  url: string;
  server: ServerType;
  scorer: Scorer;
  /** Stops the server; in-flight requests get up to graceMs to finish. */
  close(graceMs?: number): Promise<void>;
}

/** Builds the scorer and serves the app on Node. Resolves once the port is bound. */
export async function startGateway(config: Config, log: Logger, scorer?: Scorer): Promise<RunningGateway> {
  // One fan-out legitimately listens on its abort signal once per candidate; Node's warning at 10 would
  // cry leak at every N > 10. (Listeners are removed when each request ends; bench/soak.ts checks.)
  setMaxListeners(Math.max(10, config.BESTOFN_MAX_N * 2 + 8));
  const metrics = createPromMetrics();
  const redisUrl = config.REDIS_URL;
  // Loaded only with REDIS_URL, so a gateway without Redis never loads the client.
  const shared = redisUrl ? await (await import('./redis/redis-shared')).createRedisShared({ ...config, REDIS_URL: redisUrl }, log, metrics.registry) : undefined;
  const upstreams = upstreamsFromConfig(config, nodeHttpClient(config.UPSTREAM_CONNECT_TIMEOUT_MS), metrics.upstream);
  const activeScorer =
    scorer ??
    (await createNodeScorer(config, { info: (m) => log.info(m), warn: (m) => log.warn(m), onBatch: metrics.scorerBatch }, upstreams.all[0]!, shared?.scoreTier).catch(async (err: unknown) => {
      await shared?.close();
      throw err;
    }));
  const recorder = config.RECORD ? createJsonlRecorder(config.RECORD, (err) => log.error({ err }, 'cannot write the record file')) : undefined;
  const app = createApp({
    config,
    upstreams,
    scorer: activeScorer,
    log,
    record: recorder?.record,
    metrics,
    metricsText: () => metrics.registry.metrics(),
    access: await buildAccess(config, shared?.limiter),
    readiness: shared ? [shared.ready] : [],
  });
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: config.HOST, port: config.PORT }, () => resolve(s));
    s.once('error', reject);
  }).catch(async (err: unknown) => {
    // An open Redis connection would keep a process that failed to start alive.
    await shared?.close();
    throw err;
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  return {
    url: `http://${host}:${port}`,
    server,
    scorer: activeScorer,
    close: (graceMs = 0) =>
      new Promise<void>((resolve) => {
        // Stop accepting, let in-flight answers finish for up to graceMs, then cut what is left.
        server.close(() => resolve());
        if ('closeIdleConnections' in server) server.closeIdleConnections();
        const cut = () => 'closeAllConnections' in server && server.closeAllConnections();
        if (graceMs <= 0) cut();
        else setTimeout(cut, graceMs).unref();
      })
        .then(() => recorder?.close())
        .then(() => activeScorer.close?.())
        .then(() => shared?.close()),
  };
}
