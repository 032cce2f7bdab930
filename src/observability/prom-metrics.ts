import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { GatewayMetrics } from './metrics';

const LATENCY = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

/** Prometheus metrics on a private registry, so two gateways in one process (tests) never collide. */
export function createPromMetrics(): GatewayMetrics & { registry: Registry } {
  const registry = new Registry();
  // The event-loop lag monitor samples every 10 ms by default: 100 wake-ups a second, the larger part of an
  // idle gateway's CPU. Ten samples a second still give hundreds per scrape.
  collectDefaultMetrics({ register: registry, prefix: 'bestofn_process_', eventLoopMonitoringPrecision: 100 });
  const m = {
    requests: new Counter({
      name: 'bestofn_requests_total',
      help: 'Requests answered, by route and status',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'bestofn_request_duration_seconds',
      help: 'Time to answer, by route',
      labelNames: ['route'],
      buckets: LATENCY,
      registers: [registry],
    }),
    candidates: new Histogram({
      name: 'bestofn_candidates_per_request',
      help: 'Candidates received per Best-of-N request',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128],
      registers: [registry],
    }),
    missing: new Counter({
      name: 'bestofn_candidates_failed_total',
      help: 'Candidates asked for that did not arrive (error or deadline)',
      registers: [registry],
    }),
    upstream: new Histogram({
      name: 'bestofn_upstream_duration_seconds',
      help: 'Upstream request latency, by status',
      labelNames: ['status'],
      buckets: LATENCY,
      registers: [registry],
    }),
    tokens: new Counter({
      name: 'bestofn_upstream_tokens_total',
      help: 'Tokens reported by the upstream',
      labelNames: ['kind'],
      registers: [registry],
    }),
    scoring: new Histogram({
      name: 'bestofn_scoring_duration_seconds',
      help: 'Scoring latency per request, by scorer',
      labelNames: ['scorer'],
      buckets: LATENCY,
      registers: [registry],
    }),
    fallbacks: new Counter({
      name: 'bestofn_scorer_fallbacks_total',
      help: 'Requests scored by the fallback after the scorer failed',
      registers: [registry],
    }),
    cache: new Counter({
      name: 'bestofn_scorer_cache_total',
      help: 'Score cache lookups, by result',
      labelNames: ['result'],
      registers: [registry],
    }),
    batchRows: new Histogram({
      name: 'bestofn_scorer_batch_rows',
      help: 'Sequences per scorer batch',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers: [registry],
    }),
    batchTokens: new Histogram({
      name: 'bestofn_scorer_batch_tokens',
      help: 'Padded tokens per scorer batch',
      buckets: [256, 1024, 4096, 16384, 65536, 262144],
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'bestofn_candidates_rejected_total',
      help: 'Candidates cancelled early by the rejection policy',
      registers: [registry],
    }),
  };
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return {
    registry,
    request: (route, status, seconds) => {
      m.requests.inc({ route, status: String(status) });
      m.duration.observe({ route }, seconds);
    },
    candidates: (requested, received) => {
      m.candidates.observe(received);
      if (requested > received) m.missing.inc(requested - received);
    },
    upstream: (status, seconds) => m.upstream.observe({ status: String(status) }, seconds),
    upstreamTokens: (prompt, completion) => {
      m.tokens.inc({ kind: 'prompt' }, prompt);
      m.tokens.inc({ kind: 'completion' }, completion);
    },
    scoring: (scorer, seconds, info, fallback) => {
      m.scoring.observe({ scorer }, seconds);
      if (fallback) m.fallbacks.inc();
      const hits = num(info?.cache_hits);
      const misses = num(info?.sequences_scored);
      if (hits) m.cache.inc({ result: 'hit' }, hits);
      if (misses) m.cache.inc({ result: 'miss' }, misses);
    },
    scorerBatch: (rows, tokens) => {
      m.batchRows.observe(rows);
      m.batchTokens.observe(tokens);
    },
    rejected: (count) => m.rejected.inc(count),
  };
}
