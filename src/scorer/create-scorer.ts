import type { Config } from '../config';
import { createPrmScorer } from './prm-scorer';
import { createRemoteVllmSequenceScorer } from './remote-vllm';
import { createScoreCache } from './score-cache';
import type { Scorer } from './types';
import { createVoteScorer } from './vote';
import { withFallback } from './with-fallback';

export interface ScorerLog {
  info(msg: string): void;
  warn(msg: string): void;
}

/**
 * Builds the scorers that need no native code (vote, remote PRM), so the Workers entry can use this
 * file; the Node entry adds the in-process ONNX scorer in create-node-scorer.ts.
 */
export function createPortableScorer(config: Config, log: ScorerLog): Scorer {
  const vote = createVoteScorer();
  switch (config.SCORER) {
    case 'vote':
      return vote;
    case 'remote': {
      const remote = createRemoteVllmSequenceScorer({ baseUrl: config.SCORER_URL!, model: config.SCORER_MODEL, apiKey: config.SCORER_API_KEY, timeoutMs: config.SCORER_TIMEOUT_MS });
      const cache = createScoreCache({ entries: config.SCORER_CACHE_ENTRIES, maxBytes: config.SCORER_CACHE_MB * 1024 * 1024 });
      return withFallback(createPrmScorer(remote, { cache }), vote, config.SCORER_FALLBACK, (m) => log.warn(m));
    }
    default:
      throw new Error(`SCORER=${config.SCORER} is not available in this runtime`);
  }
}
