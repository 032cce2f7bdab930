/**
 * What the gateway reports about itself. The interface is runtime-agnostic; the Node entry implements
 * it with prom-client (prom-metrics.ts), and a Worker or a test can pass the no-op.
 */
export interface GatewayMetrics {
  request(route: string, status: number, seconds: number): void;
  candidates(requested: number, received: number): void;
  upstream(status: number | 'error', seconds: number): void;
  upstreamTokens(prompt: number, completion: number): void;
  scoring(scorer: string, seconds: number, info: Record<string, unknown> | undefined, fallback: boolean): void;
  scorerBatch(rows: number, tokens: number): void;
  rejected(count: number): void;
}

export const noopMetrics: GatewayMetrics = {
  request() {},
  candidates() {},
  upstream() {},
  upstreamTokens() {},
  scoring() {},
  scorerBatch() {},
  rejected() {},
};
