import { createApp } from '../../src/app';
import { buildAccess } from '../../src/access/build-access';
import { parseConfig } from '../../src/config';
import type { HttpClient, HttpRequest } from '../../src/http/http-client';
import { upstreamsFromConfig } from '../../src/proxy/upstream-router';
import { createPortableScorer } from '../../src/scorer/create-scorer';

const silent = { info() {}, warn() {}, error() {} };

export interface TestApp {
  /** Hono's portless entry: the whole app, middleware included, without a socket. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Every request the gateway tried to send to an upstream. */
  upstreamCalls: HttpRequest[];
}

/**
 * The gateway as the Node entry builds it (config, access, the portable scorer factory), answered through
 * app.request(): for validation and routing tables, where a socket adds seconds and tests nothing. The upstream
 * records what reached it and fails; tests that need answers, streams or aborts use startTestGateway.
 */
export async function startTestApp(env: Record<string, string> = {}, http?: HttpClient): Promise<TestApp> {
  const upstreamCalls: HttpRequest[] = [];
  const refuse: HttpClient = async (request) => {
    upstreamCalls.push(request);
    throw new Error('this test has no upstream');
  };
  const config = parseConfig({ UPSTREAM_BASE_URL: 'http://upstream.test/v1', LOG_LEVEL: 'silent', ...env });
  const upstreams = upstreamsFromConfig(config, http ?? refuse);
  const scorer = createPortableScorer(config, { info() {}, warn() {} }, upstreams.all[0]!);
  const app = createApp({ config, upstreams, scorer, log: silent, access: await buildAccess(config) });
  return { request: (path, init) => Promise.resolve(app.request(`http://localhost${path}`, init)), upstreamCalls };
}
