import { setMaxListeners } from 'node:events';
import http from 'node:http';
import { serve, type ServerType } from '@hono/node-server';
import { createApp } from './app';
import { metricsNotLoopback, notLoopback, shortKeysWarning, type Config } from './config';
import { isLoopbackAddress } from './http/loopback';
import { limitConnections } from './http/connection-limits';
import { serverTimeouts } from './http/server-timeouts';
import { drainable } from './http/graceful-close';
import type { Logger } from './log';
import { upstreamsFromConfig } from './proxy/upstream-router';
import { createJsonlRecorder } from './record/jsonl-recorder';
import { readRecordTail } from './inspector/record-file';
import { createPromMetrics } from './observability/prom-metrics';
import { buildAccess } from './access/build-access';
import { nodeHttpClient } from './http/node-http-client';
import { brotliDecoder } from './http/brotli-decoder';
import { coverageWarning } from './scorer/coverage';
import { createNodeScorer } from './scorer/create-node-scorer';
import { demoHttpClient, loadDemoSet } from './record/demo-upstream';
import { withModelRecipe } from './core/reward-recipe';
import type { Scorer } from './scorer/types';

export interface RunningGateway {
  url: string;
  /** Where /metrics is served when METRICS_PORT is set. */
  metricsUrl?: string;
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
  const shared = redisUrl
    ? await (
        await import('./redis-shared')
      ).createRedisShared({ ...config, REDIS_URL: redisUrl }, log, metrics.registry)
    : undefined;
  // What start-up opened is closed again when a later step fails (a port in use, a refused HOST, a scorer
  // that cannot load): a failed start must not leave a Redis connection or a record file holding the process.
  const opened: (() => unknown)[] = shared ? [() => shared.close()] : [];
  const unwind = async (err: unknown): Promise<never> => {
    for (const close of opened.reverse()) await Promise.resolve(close()).catch(() => {});
    throw err;
  };
  try {
    const http = config.demo ? demoHttpClient(loadDemoSet()) : nodeHttpClient(config.UPSTREAM_CONNECT_TIMEOUT_MS);
    const upstreams = upstreamsFromConfig(config, http, metrics.upstream, (obj, msg) => log.warn(obj, msg));
    const activeScorer =
      scorer ??
      (await createNodeScorer(
        config,
        { info: (m) => log.info(m), warn: (m) => log.warn(m), onBatch: metrics.scorerBatch },
        upstreams.all[0]!,
        shared?.scoreTier,
      ));
    if (!scorer) opened.push(() => activeScorer.close?.());
    const uncovered = config.demo ? null : coverageWarning(config);
    if (uncovered) log.warn(uncovered);
    const shortKeys = shortKeysWarning(config);
    if (shortKeys) log.warn(shortKeys);
    const recorder = config.RECORD
      ? createJsonlRecorder(config.RECORD, (err) => log.error({ err }, 'cannot write the record file'), {
          maxBytes: config.RECORD_MAX_MB * 1024 * 1024,
          keep: config.RECORD_KEEP,
          maxTextChars: config.RECORD_MAX_TEXT_MB * 1024 * 1024,
          onNotice: (m) => log.warn(m),
        })
      : undefined;
    if (recorder) opened.push(() => recorder.close());
    const recordFile = config.RECORD;
    const metricsText = () => metrics.registry.metrics();
    // Whether the shutdown cut a request: known once the server listens (drainable), asked by the app.
    const shutdown = { cut: () => false };
    const separateMetrics = config.METRICS_PORT !== undefined;
    const app = createApp({
      config: withModelRecipe(config, activeScorer.rewardDefaults),
      upstreams,
      scorer: activeScorer,
      log,
      record: recorder?.record,
      ...(recordFile ? { recorded: (max: number) => readRecordTail(recordFile, max) } : {}),
      metrics,
      ...(separateMetrics ? {} : { metricsText }),
      access: await buildAccess(config, shared?.limiter),
      readyChecks: shared ? [shared.ready] : [],
      bodyDecoders: { br: brotliDecoder },
      shutdownCut: () => shutdown.cut(),
    });
    const server = (await listen(
      serve({
        fetch: app.fetch,
        hostname: config.HOST,
        port: config.PORT,
        serverOptions: serverTimeouts(config),
      }),
    )) as http.Server;
    limitConnections(server, { total: config.MAX_CONNECTIONS, perAddress: config.MAX_CONNECTIONS_PER_ADDRESS });
    const drain = drainable(server);
    shutdown.cut = () => drain.cut;
    opened.push(() => drain.close(0));
    const bound = server.address();
    const boundAddress = typeof bound === 'object' && bound ? bound.address : config.HOST;
    // The spelling of HOST proves nothing (127.evil.example is a name); the address it bound to does.
    if (!isLoopbackAddress(boundAddress) && config.keys.length === 0 && !config.ALLOW_UNAUTHENTICATED)
      throw notLoopback(config.HOST, boundAddress);
    const metricsServer = separateMetrics
      ? await serveMetrics(config.METRICS_HOST, config.METRICS_PORT!, metricsText)
      : undefined;
    if (metricsServer) {
      opened.push(() => new Promise((resolve) => metricsServer.close(resolve)));
      const at = metricsServer.address();
      const metricsAddress = typeof at === 'object' && at ? at.address : config.METRICS_HOST;
      // As for HOST: a name is judged by the address it bound to.
      if (!isLoopbackAddress(metricsAddress) && config.keys.length === 0 && !config.ALLOW_UNAUTHENTICATED)
        throw metricsNotLoopback(config.METRICS_HOST, metricsAddress);
    }
    return {
      url: urlOf(server, config.HOST),
      ...(metricsServer ? { metricsUrl: urlOf(metricsServer, config.METRICS_HOST) } : {}),
      server,
      scorer: activeScorer,
      close: (graceMs = 0) =>
        Promise.all([drain.close(graceMs), metricsServer && new Promise((resolve) => metricsServer.close(resolve))])
          .then(() => recorder?.close())
          .then(() => activeScorer.close?.())
          .then(() => shared?.close()),
    };
  } catch (err) {
    return unwind(err);
  }
}

function listen<T extends ServerType>(server: T): Promise<T> {
  return new Promise((resolve, reject) => {
    if (server.listening) return resolve(server);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

function urlOf(server: ServerType, configured: string): string {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return `http://${configured.includes(':') ? `[${configured}]` : configured}:${port}`;
}

/** GET /metrics on its own listener (loopback by default), for a scraper that holds no gateway key. */
function serveMetrics(host: string, port: number, text: () => Promise<string>): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') return void res.writeHead(404).end();
    text().then(
      (body) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  server.listen(port, host);
  return listen(server);
}
