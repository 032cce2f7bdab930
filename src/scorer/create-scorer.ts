import type { ChatTemplate } from '../core/prm-prompt';
import type { Upstream } from '../http/upstream-client';
import { buildJudge, withJudgeOnRequest } from './judge/index';
import { scorerEntry, type ScorerName } from './registry';
import type { ScorerSettings } from './scorer-options';
import type { SharedScoreTier } from './shared-score-tier';
import type { Scorer, ScorerLog } from './types';
import { createVoteScorer } from './vote';

export type { ScorerLog } from './types';

/**
 * With JUDGE_MODEL set and another scorer configured, requests may still ask for the judge (`bestofn.judge`).
 */
export function withRequestJudge(
  config: ScorerSettings & { SCORER: ScorerName },
  scorer: Scorer,
  upstream: Pick<Upstream, 'http'>,
  log: ScorerLog,
): Scorer {
  if (!config.JUDGE_MODEL || config.SCORER === 'judge') return scorer;
  return withJudgeOnRequest(
    scorer,
    buildJudge(config, upstream.http, createVoteScorer(), (m) => log.warn(m)),
  );
}

/**
 * Builds the configured scorer from its portable registry entry (registry.ts), so the Workers entry can use
 * this file; the Node entry (create-node-scorer.ts) also builds the Node-only ones.
 */
export function createPortableScorer(
  config: ScorerSettings & { SCORER: ScorerName },
  log: ScorerLog,
  upstream: Pick<Upstream, 'http'>,
  chatTemplate?: ChatTemplate,
  shared?: SharedScoreTier,
): Scorer {
  const entry = scorerEntry(config.SCORER);
  if (!entry.portable) throw new Error(`SCORER=${config.SCORER} is not available in this runtime`);
  return withRequestJudge(config, entry.create({ config, log, upstream, chatTemplate, shared }), upstream, log);
}
