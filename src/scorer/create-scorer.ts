import pLimit from 'p-limit';
import type { ScorerOptions } from '../config';
import type { ChatTemplate } from '../core/prm-prompt';
import type { PartVerdict } from '../core/verifier-verdicts';
import type { Upstream } from '../http/upstream-client';
import { createPrmScorer } from './prm-scorer';
import { createRemoteVllmSequenceScorer } from './remote-vllm';
import { createScoreCache, sequenceScoreBytes } from './score-cache';
import { createConfidenceScorer } from './confidence';
import type { SharedScoreTier } from './shared-score-tier';
import type { Scorer } from './types';
import { createVerifierScorer } from './verifier';
import { createVoteScorer } from './vote';
import { withFallback } from './with-fallback';
import { buildJudge, withJudgeOnRequest } from './judge/index';

export interface ScorerLog {
  info(msg: string): void;
  warn(msg: string): void;
  /** Told the size of every batch an in-process model runs, for metrics. */
  onBatch?: (rows: number, paddedTokens: number) => void;
}

/**
 * With JUDGE_MODEL set and another scorer configured, requests may still ask for the judge (`bestofn.judge`).
 */
export function withRequestJudge(
  config: ScorerOptions,
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
 * Builds the scorers that need no native code (vote, remote PRM, verifier, judge), so the Workers entry can use
 * this file; the Node entry adds the in-process ONNX scorer in create-node-scorer.ts.
 */
export function createPortableScorer(
  config: ScorerOptions,
  log: ScorerLog,
  upstream: Pick<Upstream, 'http'>,
  chatTemplate?: ChatTemplate,
  shared?: SharedScoreTier,
): Scorer {
  return withRequestJudge(config, portableScorer(config, log, upstream, chatTemplate, shared), upstream, log);
}

function portableScorer(
  config: ScorerOptions,
  log: ScorerLog,
  upstream: Pick<Upstream, 'http'>,
  chatTemplate?: ChatTemplate,
  shared?: SharedScoreTier,
): Scorer {
  const vote = createVoteScorer();
  switch (config.SCORER) {
    case 'judge':
      return buildJudge(config, upstream.http, vote, (m) => log.warn(m));
    case 'vote':
      return vote;
    case 'confidence':
      return createConfidenceScorer({
        measure: config.CONFIDENCE_MEASURE,
        window: config.CONFIDENCE_WINDOW,
        eta: config.CONFIDENCE_ETA,
      });
    case 'remote': {
      if (config.SCORER_REQUEST_FORM === 'text' && !chatTemplate)
        throw new Error(
          'SCORER_REQUEST_FORM=text needs SCORER_CHAT_TEMPLATE, a file this runtime cannot read; use the messages form',
        );
      const remote = createRemoteVllmSequenceScorer({
        baseUrl: config.SCORER_URL!,
        model: config.SCORER_MODEL,
        apiKey: config.SCORER_API_KEY,
        timeoutMs: config.SCORER_TIMEOUT_MS,
        http: upstream.http,
        limit: pLimit(config.SCORER_CONCURRENCY),
        retries: config.UPSTREAM_RETRIES,
        retryBaseMs: config.UPSTREAM_RETRY_BASE_MS,
        maxAnswerBytes: config.UPSTREAM_MAX_ANSWER_MB * 1024 * 1024,
        systemPrompt: config.SCORER_SYSTEM_PROMPT ?? null,
        form: config.SCORER_REQUEST_FORM,
        template: chatTemplate,
      });
      const cache = createScoreCache(
        { entries: config.SCORER_CACHE_ENTRIES, maxBytes: config.SCORER_CACHE_MB * 1024 * 1024 },
        sequenceScoreBytes,
      );
      return withFallback(createPrmScorer(remote, { cache, shared }), vote, config.SCORER_FALLBACK, (m) => log.warn(m));
    }
    case 'verifier': {
      // The verifier is a generator like the upstream: it shares its timeouts and HTTP client, but has its own
      // concurrency cap, so scoring never waits behind sampling for a slot.
      const verifier = createVerifierScorer({
        upstream: {
          baseUrl: config.VERIFIER_BASE_URL!.replace(/\/+$/, ''),
          apiKey: config.VERIFIER_API_KEY,
          supportsN: true,
          timeoutMs: config.UPSTREAM_TIMEOUT_MS,
          firstByteTimeoutMs: config.UPSTREAM_FIRST_BYTE_TIMEOUT_MS,
          retries: config.UPSTREAM_RETRIES,
          retryBaseMs: config.UPSTREAM_RETRY_BASE_MS,
          limit: pLimit(config.VERIFIER_CONCURRENCY),
          http: upstream.http,
          maxAnswerBytes: config.UPSTREAM_MAX_ANSWER_MB * 1024 * 1024,
        },
        model: config.VERIFIER_MODEL!,
        chains: config.VERIFIER_CHAINS,
        verifyThinking: config.VERIFIER_THINKING,
        maxTokens: config.VERIFIER_MAX_TOKENS,
        temperature: config.VERIFIER_TEMPERATURE,
        cache: createScoreCache<PartVerdict>(
          { entries: config.SCORER_CACHE_ENTRIES, maxBytes: config.SCORER_CACHE_MB * 1024 * 1024 },
          (v) => 64 + v.steps.length * 8,
        ),
      });
      return withFallback(verifier, vote, config.SCORER_FALLBACK, (m) => log.warn(m));
    }
    default:
      throw new Error(`SCORER=${config.SCORER} is not available in this runtime`);
  }
}
