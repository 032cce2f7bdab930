import type { CandidateParts, StepRewards } from '../core/types';

export interface ScoreRequest {
  /** The problem: the last user turn of the client request. */
  problem: string;
  candidates: CandidateParts[];
  /** Model the candidates came from; part of cache keys. */
  model?: string;
  signal?: AbortSignal;
}

export interface ScoreResult {
  /** One entry per request candidate, same order. */
  rewards: StepRewards[];
  /** Name of the scorer that actually produced the rewards (differs from the configured one after a fallback). */
  scorer: string;
  /** Set when the configured scorer failed and another one answered instead. */
  fallback?: { from: string; reason: string };
  /** Extra facts worth surfacing in the response metadata (execution provider, reward method, cache hits…). */
  info?: Record<string, unknown>;
}

/**
 * A reward model behind one method. Implementations must be safe to call concurrently and must
 * honour `signal`. The proxy never knows which kind it holds.
 */
export interface Scorer {
  readonly name: string;
  score(request: ScoreRequest): Promise<ScoreResult>;
  /** Readiness and facts for /healthz. */
  health?(): Promise<Record<string, unknown>> | Record<string, unknown>;
  close?(): Promise<void>;
}
