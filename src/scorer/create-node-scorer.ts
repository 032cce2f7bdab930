import type { Upstream } from '../http/upstream-client';
import type { ScorerOptions } from '../config';
import { createPortableScorer, withRequestJudge, type ScorerLog } from './create-scorer';
import type { SharedScoreTier } from './shared-score-tier';
import type { Scorer } from './types';
import { createVoteScorer } from './vote';
import { withFallback } from './with-fallback';
import { importOnnxScorer } from './onnx-module';

/** The Node entry's scorer: everything portable, plus the in-process ONNX PRM (loaded only when used). */
export async function createNodeScorer(
  config: ScorerOptions,
  log: ScorerLog,
  upstream: Pick<Upstream, 'http'>,
  shared?: SharedScoreTier,
): Promise<Scorer> {
  if (config.SCORER === 'remote' && config.SCORER_REQUEST_FORM === 'text') {
    const { readChatTemplate } = await import('./chat-template-file');
    return createPortableScorer(config, log, upstream, readChatTemplate(config.SCORER_CHAT_TEMPLATE!), shared);
  }
  if (config.SCORER !== 'onnx') return createPortableScorer(config, log, upstream, undefined, shared);
  const { createOnnxScorer } = await importOnnxScorer();
  const onnx = await createOnnxScorer({
    modelDir: config.PRM_MODEL_DIR!,
    device: config.SCORER_DEVICE,
    batchTokens: config.SCORER_BATCH_TOKENS,
    queueLimit: config.SCORER_QUEUE_LIMIT,
    cacheEntries: config.SCORER_CACHE_ENTRIES,
    cacheMB: config.SCORER_CACHE_MB,
    systemPrompt: config.SCORER_SYSTEM_PROMPT,
    log: (m: string) => log.warn(m),
    info: (m: string) => log.info(m),
    onBatch: log.onBatch,
    shared,
  });
  return withRequestJudge(
    config,
    withFallback(onnx, createVoteScorer(), config.SCORER_FALLBACK, (m) => log.warn(m)),
    upstream,
    log,
  );
}
