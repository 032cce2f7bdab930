import type { Config } from '../config';
import type { Upstream } from '../proxy/upstream';
import { createPrmScorer } from './prm-scorer';
import { createRemoteVllmSequenceScorer } from './remote-vllm';
import { createScoreCache } from './score-cache';
import type { SharedScoreTier } from './shared-score-tier';
import type { Scorer } from './types';
import { createVerifierScorer } from './verifier';
import { createVoteScorer } from './vote';
import { withFallback } from './with-fallback';

export interface ScorerLog {
  info(msg: string): void;
  warn(msg: string): void;
  /** Told the size of every batch an in-process model runs, for metrics. */
  onBatch?: (rows: number, paddedTokens: number) => void;
}

/**
 * Builds the scorers that need no native code (vote, remote PRM, verifier), so the Workers entry can use this
 * file; the Node entry adds the in-process ONNX scorer in create-node-scorer.ts.
 */
export function createPortableScorer(config: Config, log: ScorerLog, upstream: Pick<Upstream, 'limit' | 'http'>, shared?: SharedScoreTier): Scorer {
  const vote = createVoteScorer();
  switch (config.SCORER) {
    case 'vote':
      return vote;
    case 'remote': {
      const remote = createRemoteVllmSequenceScorer({ baseUrl: config.SCORER_URL!, model: config.SCORER_MODEL, apiKey: config.SCORER_API_KEY, timeoutMs: config.SCORER_TIMEOUT_MS });
      const cache = createScoreCache({ entries: config.SCORER_CACHE_ENTRIES, maxBytes: config.SCORER_CACHE_MB * 1024 * 1024 });
      return withFallback(createPrmScorer(remote, { cache, shared }), vote, config.SCORER_FALLBACK, (m) => log.warn(m));
    }
    case 'verifier': {
      // The verifier is a generator like the upstream, so it shares the upstream's concurrency cap, timeouts and HTTP client.
      const verifier = createVerifierScorer({
        upstream: {
          baseUrl: config.VERIFIER_BASE_URL!.replace(/\/+$/, ''),
          apiKey: config.VERIFIER_API_KEY,
          supportsN: true,
          timeoutMs: config.UPSTREAM_TIMEOUT_MS,
          firstByteTimeoutMs: config.UPSTREAM_FIRST_BYTE_TIMEOUT_MS,
          retries: config.UPSTREAM_RETRIES,
          retryBaseMs: config.UPSTREAM_RETRY_BASE_MS,
          limit: upstream.limit,
          http: upstream.http,
        },
        model: config.VERIFIER_MODEL!,
        chains: config.VERIFIER_CHAINS,
        verifyThinking: config.VERIFIER_THINKING,
        maxTokens: config.VERIFIER_MAX_TOKENS,
      });
      return withFallback(verifier, vote, config.SCORER_FALLBACK, (m) => log.warn(m));
    }
    default:
      throw new Error(`SCORER=${config.SCORER} is not available in this runtime`);
  }
}
