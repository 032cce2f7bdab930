import { serve, type ServerType } from '@hono/node-server';
import pLimit from 'p-limit';
import { createApp } from './app';
import type { Config } from './config';
import type { Logger } from './log';
import type { Upstream } from './proxy/upstream';
import { createScorer } from './scorer/create-scorer';
import type { Scorer } from './scorer/types';

export interface RunningGateway {
  url: string;
  server: ServerType;
  scorer: Scorer;
  close(): Promise<void>;
}

export function upstreamFromConfig(config: Config): Upstream {
  return {
    baseUrl: config.UPSTREAM_BASE_URL.replace(/\/+$/, ''),
    apiKey: config.UPSTREAM_API_KEY,
    supportsN: config.UPSTREAM_SUPPORTS_N,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    limit: pLimit(config.UPSTREAM_CONCURRENCY),
    fetch: globalThis.fetch,
  };
}

/** Builds the scorer and serves the app on Node. Resolves once the port is bound. */
export async function startGateway(config: Config, log: Logger, scorer?: Scorer): Promise<RunningGateway> {
  const activeScorer =
    scorer ??
    (await createScorer(config, {
      info: (m) => log.info(m),
      warn: (m) => log.warn(m),
    }));
  const app = createApp({ config, upstream: upstreamFromConfig(config), scorer: activeScorer, log });
  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: config.HOST, port: config.PORT }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  return {
    url: `http://${host}:${port}`,
    server,
    scorer: activeScorer,
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      }).then(() => activeScorer.close?.()),
  };
}
