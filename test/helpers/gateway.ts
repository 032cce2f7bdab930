import OpenAI from 'openai';
import { parseConfig } from '../../src/config';
import { loadConfigFile } from '../../src/config-loader';
import { createLogger } from '../../src/log';
import { startGateway, type RunningGateway } from '../../src/node';
import type { Scorer } from '../../src/scorer/types';
import { startFakeUpstream, type FakeUpstream, type FakeUpstreamOptions } from './fake-upstream';

export interface TestGateway {
  upstream: FakeUpstream;
  gateway: RunningGateway;
  /** The official client, pointed at the gateway. */
  client: OpenAI;
  url: string;
  close(): Promise<void>;
}

/** A fake upstream and a real gateway on loopback ports, served by the real Node adapter. */
export async function startTestGateway(
  env: Record<string, string> = {},
  upstreamOptions: FakeUpstreamOptions = {},
  scorer?: Scorer,
): Promise<TestGateway> {
  const upstream = await startFakeUpstream(upstreamOptions);
  // Retries are on, as in production, with a short backoff so failing-upstream tests stay fast.
  const config = parseConfig(
    { UPSTREAM_BASE_URL: upstream.url, PORT: '0', LOG_LEVEL: 'silent', UPSTREAM_RETRY_BASE_MS: '1', ...env },
    [],
    loadConfigFile,
  );
  const gateway = await startGateway(config, createLogger(config.LOG_LEVEL), scorer);
  const url = `${gateway.url}/v1`;
  return {
    upstream,
    gateway,
    url,
    client: new OpenAI({ baseURL: url, apiKey: 'test', maxRetries: 0 }),
    close: async () => {
      await gateway.close();
      await upstream.close();
    },
  };
}

export const MATH = [{ role: 'user' as const, content: 'What is 40 + 2?' }];
