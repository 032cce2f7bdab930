/**
 * Node-only entry of the in-process ONNX PRM scorer. Importing this pulls in onnxruntime-node and fs, so
 * only the Node entry may import it; the Worker bundle uses the remote scorer.
 */
import { createPrmScorer } from '../prm-scorer';
import { createScoreCache, sequenceScoreBytes } from '../score-cache';
import type { SharedScoreTier } from '../shared-score-tier';
import type { Scorer } from '../types';
import { loadModelDir } from './model-dir';
import { createOnnxSequenceScorer } from './onnx-sequence-scorer';
import type { Device } from '../../core/types';

export { ModelDirError } from './model-dir';
export type { Provider } from './session';

export interface OnnxScorerOptions {
  modelDir: string;
  device: Device;
  /** SCORER_BATCH_TOKENS */
  batchTokens: number;
  /** SCORER_QUEUE_LIMIT */
  queueLimit: number;
  /** SCORER_CACHE_ENTRIES; 0 disables the cache. */
  cacheEntries: number;
  /** SCORER_CACHE_MB; 0 disables the cache. */
  cacheMB: number;
  /** SCORER_SYSTEM_PROMPT; unset, the manifest's. */
  systemPrompt?: string;
  log?: (msg: string) => void;
  info?: (msg: string) => void;
  onBatch?: (rows: number, paddedTokens: number) => void;
  /** The Redis score tier, behind the in-process cache. */
  shared?: SharedScoreTier;
}

/** Loads and checks the model directory (ModelDirError on any problem), then returns a ready Scorer named 'onnx'. */
export async function createOnnxScorer(opts: OnnxScorerOptions): Promise<Scorer> {
  const prm = await loadModelDir(opts.modelDir, {
    device: opts.device,
    log: opts.log,
    info: opts.info,
    systemPrompt: opts.systemPrompt,
  });
  const sequences = createOnnxSequenceScorer(prm, {
    batchTokens: opts.batchTokens,
    queueLimit: opts.queueLimit,
    onBatch: opts.onBatch,
  });
  const cache = createScoreCache(
    { entries: opts.cacheEntries, maxBytes: opts.cacheMB * 1024 * 1024 },
    sequenceScoreBytes,
  );
  const { aggregate, combine, step_split: split } = prm.manifest;
  return createPrmScorer(sequences, {
    cache,
    shared: opts.shared,
    info: { provider: prm.provider },
    split,
    rewardDefaults: { aggregate, combine },
  });
}
