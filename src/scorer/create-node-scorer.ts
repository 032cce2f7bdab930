import type { Upstream } from '../http/upstream-client';
import { withRequestJudge } from './create-scorer';
import { nodeFactory } from './node-registry';
import { scorerEntry, type ScorerName } from './registry';
import type { ScorerSettings } from './scorer-options';
import type { SharedScoreTier } from './shared-score-tier';
import type { Scorer, ScorerLog } from './types';

/** The Node entry's scorer: any registry entry, the Node-only ones (node-registry.ts) included. */
export async function createNodeScorer(
  config: ScorerSettings & { SCORER: ScorerName },
  log: ScorerLog,
  upstream: Pick<Upstream, 'http'>,
  shared?: SharedScoreTier,
): Promise<Scorer> {
  const entry = scorerEntry(config.SCORER);
  // Files are read here, where fs is allowed; a portable entry then builds from what was read.
  const chatTemplate =
    entry.reads.includes('SCORER_CHAT_TEMPLATE') && config.SCORER_REQUEST_FORM === 'text'
      ? (await import('./chat-template-file')).readChatTemplate(config.SCORER_CHAT_TEMPLATE!)
      : undefined;
  const ctx = { config, log, upstream, chatTemplate, shared };
  const scorer = entry.portable ? entry.create(ctx) : await nodeFactory(config.SCORER)(ctx);
  return withRequestJudge(config, scorer, upstream, log);
}
