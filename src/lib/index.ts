/**
 * `bestofn`: the gateway as a library, on any runtime that has `fetch` (Node, Workers, Deno, Bun). Build the
 * Hono app with `createApp` and serve `app.fetch` however you like; `bestofn/node` starts it on a port with
 * the ONNX scorer, Redis and metrics, `bestofn/worker` is the Cloudflare Workers handler. Everything of
 * `bestofn/core` is re-exported here too.
 */
export * from './core';
export { createApp, type AppDeps } from '../app';
export { parseConfig, ConfigError, OPTIONS, type Config } from '../config';
export {
  GatewayError,
  InvalidRequestError,
  UpstreamError,
  OverloadedError,
  ScorerError,
  toErrorResponse,
  type OpenAIErrorBody,
} from '../errors';
export { upstreamsFromConfig, type UpstreamRouter } from '../proxy/upstream-router';
export type { Scorer, ScoreRequest, ScoreResult } from '../scorer/types';
