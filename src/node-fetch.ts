import { Agent, fetch as undiciFetch } from 'undici';

/**
 * fetch with a connect timeout, which the standard fetch API cannot express. Node-only: the Worker
 * uses the platform fetch. Keep-alive connections are pooled per origin by the agent.
 */
export function fetchWithConnectTimeout(connectTimeoutMs: number): typeof fetch {
  const dispatcher = new Agent({ connect: { timeout: connectTimeoutMs }, keepAliveTimeout: 30_000 });
  return ((input: string | URL | Request, init?: RequestInit) => undiciFetch(input as string, { ...(init as object), dispatcher })) as unknown as typeof fetch;
}
