import type { JudgeMode } from '../core/judge-prompt';
import type { ModelRecipe } from '../core/reward-recipe';
import type { CandidateParts, StepRewards } from '../core/types';

/** Where a scorer reports while it is built and runs. */
export interface ScorerLog {
  info(msg: string): void;
  warn(msg: string): void;
  /** Told the size of every batch an in-process model runs, for metrics. */
  onBatch?: (rows: number, paddedTokens: number) => void;
}

export interface ScoreRequest {
  /** The problem: the last user turn of the client request. */
  problem: string;
  candidates: CandidateParts[];
  /** Model the candidates came from; part of cache keys. */
  model?: string;
  /** The request's own judge mode (`bestofn.judge`); scorers other than the judge ignore it. */
  judge?: JudgeMode;
  signal?: AbortSignal;
}

/** Tokens a scorer spent on model calls the client pays for (the judge's), added to the response's usage. */
export interface ScorerUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface ScoreResult {
  /** One entry per request candidate, same order. */
  rewards: StepRewards[];
  /** Name of the scorer that actually produced the rewards (differs from the configured one after a fallback). */
  scorer: string;
  /** Set when the configured scorer failed and another one answered instead. */
  fallback?: { from: string; reason: string };
  /** Per candidate trace confidence (higher is surer), when the scorer measured one; votes break ties on it. */
  confidences?: (number | null)[];
  /** Extra facts worth surfacing in the response metadata (execution provider, reward method, cache hits…). */
  info?: Record<string, unknown>;
  /** Tokens spent on generative calls (the judge's), counted in the response's usage. */
  usage?: ScorerUsage;
}

/**
 * A reward model behind one method. Implementations must be safe to call concurrently and must
 * honour `signal`. The proxy never knows which kind it holds.
 */
export interface Scorer {
  readonly name: string;
  score(request: ScoreRequest): Promise<ScoreResult>;
  /** What the model was trained or evaluated with (its manifest); server defaults apply where absent. */
  readonly rewardDefaults?: ModelRecipe;
  /** Readiness and facts for /healthz. */
  health?(): Promise<Record<string, unknown>> | Record<string, unknown>;
  close?(): Promise<void>;
}

/** One sequence a PRM scores: a problem and the steps of one part (thinking or response) of a candidate. */
export interface PrmSequence {
  problem: string;
  steps: readonly string[];
}

export interface SequenceScore {
  /** One reward per step for step classifiers; a single reward for value-head models. */
  stepRewards: number[];
  /** The sequence exceeded the model context and was scored in windows of whole steps. */
  windowed: boolean;
  /** Tokens the model read for this sequence (all windows). */
  tokens: number;
}

/**
 * The model-facing half of a PRM scorer: in-process ONNX or a remote server. The generic PRM scorer
 * (src/scorer/prm-scorer.ts) turns candidates into sequences, deduplicates, caches, and calls this.
 */
export interface SequenceScorer {
  /** e.g. 'onnx' or 'remote'. */
  readonly name: string;
  /** Identifies the model in cache keys, so two models never share cached rewards. */
  readonly modelId: string;
  scoreSequences(sequences: readonly PrmSequence[], signal?: AbortSignal): Promise<SequenceScore[]>;
  health?(): Promise<Record<string, unknown>> | Record<string, unknown>;
  close?(): Promise<void>;
}
