/**
 * The Node-only scorers' factories: one line per `portable: false` entry of registry.ts (the type below
 * fails to compile while one is missing). Only the Node entry imports this file, and each factory loads
 * its native code on first use, so neither the Workers bundle nor a vote-only server pulls it in.
 */
import { importOnnxScorer } from './onnx-module';
import { SCORERS, type ScorerContext, type ScorerName } from './registry';
import type { Scorer } from './types';
import { createVoteScorer } from './vote';
import { withFallback } from './with-fallback';

type NodeOnlyName = { [K in ScorerName]: (typeof SCORERS)[K]['portable'] extends false ? K : never }[ScorerName];

type NodeFactory = (ctx: ScorerContext) => Promise<Scorer>;

export const NODE_SCORERS: Record<NodeOnlyName, NodeFactory> = {
  onnx: async ({ config: c, log, shared }) => {
    const { createOnnxScorer } = await importOnnxScorer();
    const onnx = await createOnnxScorer({
      modelDir: c.PRM_MODEL_DIR!,
      device: c.SCORER_DEVICE,
      batchTokens: c.SCORER_BATCH_TOKENS,
      queueLimit: c.SCORER_QUEUE_LIMIT,
      cacheEntries: c.SCORER_CACHE_ENTRIES,
      cacheMB: c.SCORER_CACHE_MB,
      systemPrompt: c.SCORER_SYSTEM_PROMPT,
      log: (m: string) => log.warn(m),
      info: (m: string) => log.info(m),
      onBatch: log.onBatch,
      shared,
    });
    return withFallback(onnx, createVoteScorer(), c.SCORER_FALLBACK, (m) => log.warn(m));
  },
};

const factories: Partial<Record<ScorerName, NodeFactory>> = NODE_SCORERS;

/** The Node-only factory of a `portable: false` entry. */
export function nodeFactory(name: ScorerName): NodeFactory {
  const create = factories[name];
  if (!create) throw new Error(`SCORER=${name} has no Node factory in node-registry.ts`);
  return create;
}
