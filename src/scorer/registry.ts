/**
 * Every scorer, one entry each: the SCORER names, the settings each reads and their checks, whether it runs
 * on Cloudflare Workers, what it needs from sampling, and how to build it. config.ts (the SCORER enum and
 * its checks), both factories (create-scorer.ts, create-node-scorer.ts), worker.ts, `bestofn select` and
 * the request path (proxy/answer-chat.ts) all read this table.
 *
 * To add a scorer: write it in its own folder `src/scorer/<name>/`, declare any new setting in
 * scorer-options.ts, and add one line here. A portable entry's `create` is here; a Node-only one (native code,
 * local files) is `portable: false` here and its `create` is its line in node-registry.ts, which the
 * Workers bundle never imports (`npm run build:worker` checks).
 */
import pLimit from 'p-limit';
import type { ChatTemplate } from '../core/prm-prompt';
import type { PartVerdict } from '../core/verifier-verdicts';
import { createUpstream } from '../http/create-upstream';
import type { Upstream } from '../http/upstream-client';
import { createConfidenceScorer } from './confidence';
import { buildJudge } from './judge/index';
import { createPrmScorer } from './prm-scorer';
import { createRemoteVllmSequenceScorer } from './remote-vllm';
import { createScoreCache, sequenceScoreBytes } from './score-cache';
import type { ScorerSettingName, ScorerSettings } from './scorer-options';
import type { SharedScoreTier } from './shared-score-tier';
import type { Scorer, ScorerLog } from './types';
import { createVerifierScorer } from './verifier';
import { createVoteScorer } from './vote';
import { withFallback } from './with-fallback';

/** What building a scorer gets: its settings, a log, the HTTP client, and (Node) what was read from files. */
export interface ScorerContext {
  config: ScorerSettings;
  log: ScorerLog;
  upstream: Pick<Upstream, 'http'>;
  /** SCORER_CHAT_TEMPLATE, read by the Node entry for an entry that reads that setting. */
  chatTemplate?: ChatTemplate;
  /** The Redis score tier shared by replicas, behind the in-process cache. */
  shared?: SharedScoreTier;
}

/** What a scorer asks of the upstream's sampling, on top of the client's request. */
export interface SamplingNeeds {
  /** Ask for this many top logprobs per token. */
  topLogprobs?: number;
  /** Live path: stop a candidate once its confidence drops out of the top η% (DeepConf online). */
  confidenceStop?: { window: number; eta: number };
}

/** A broken rule among a scorer's settings: config.ts reports it as `OPTION message`. */
export interface SettingIssue {
  option: ScorerSettingName;
  message: string;
}

interface EntryBase {
  /** The settings it reads (documentation, and which files the Node entry reads for it). */
  reads: readonly ScorerSettingName[];
  /** Rules between its settings (required ones), checked by parseConfig when SCORER names it. */
  check?(config: ScorerSettings): SettingIssue[];
  sampling?(config: ScorerSettings): SamplingNeeds;
}

/** Portable: no native code, no local files; runs on Node and Workers alike. */
export interface PortableScorerEntry extends EntryBase {
  portable: true;
  create(ctx: ScorerContext): Scorer;
}

/** Node only: built by its line in node-registry.ts. */
export interface NodeScorerEntry extends EntryBase {
  portable: false;
}

export type ScorerEntry = PortableScorerEntry | NodeScorerEntry;

const required = (config: ScorerSettings, option: ScorerSettingName, when: string): SettingIssue[] =>
  config[option] === undefined ? [{ option, message: `is required when ${when}` }] : [];

const scoreCacheLimits = (c: ScorerSettings) => ({
  entries: c.SCORER_CACHE_ENTRIES,
  maxBytes: c.SCORER_CACHE_MB * 1024 * 1024,
});

/** A model that can fail falls back to the vote (SCORER_FALLBACK=vote) or fails the request (error). */
const withVoteFallback = (scorer: Scorer, { config, log }: ScorerContext) =>
  withFallback(scorer, createVoteScorer(), config.SCORER_FALLBACK, (m) => log.warn(m));

/** Keys are the SCORER names, in the order `--help` lists them. */
export const SCORERS = {
  vote: { portable: true, reads: [], create: () => createVoteScorer() },

  onnx: {
    portable: false,
    reads: [
      'PRM_MODEL_DIR',
      'SCORER_DEVICE',
      'SCORER_BATCH_TOKENS',
      'SCORER_QUEUE_LIMIT',
      'SCORER_CACHE_ENTRIES',
      'SCORER_CACHE_MB',
      'SCORER_SYSTEM_PROMPT',
      'SCORER_FALLBACK',
    ],
    check: (c) => required(c, 'PRM_MODEL_DIR', 'SCORER=onnx'),
  },

  remote: {
    portable: true,
    reads: [
      'SCORER_URL',
      'SCORER_MODEL',
      'SCORER_API_KEY',
      'SCORER_TIMEOUT_MS',
      'SCORER_CONCURRENCY',
      'SCORER_SYSTEM_PROMPT',
      'SCORER_REQUEST_FORM',
      'SCORER_CHAT_TEMPLATE',
      'SCORER_CACHE_ENTRIES',
      'SCORER_CACHE_MB',
      'SCORER_FALLBACK',
    ],
    check: (c) => [
      ...required(c, 'SCORER_URL', 'SCORER=remote'),
      ...(c.SCORER_REQUEST_FORM === 'text' ? required(c, 'SCORER_CHAT_TEMPLATE', 'SCORER_REQUEST_FORM=text') : []),
    ],
    create: (ctx) => {
      const { config: c, chatTemplate } = ctx;
      if (c.SCORER_REQUEST_FORM === 'text' && !chatTemplate)
        throw new Error(
          'SCORER_REQUEST_FORM=text needs SCORER_CHAT_TEMPLATE, a file this runtime cannot read; use the messages form',
        );
      const remote = createRemoteVllmSequenceScorer({
        baseUrl: c.SCORER_URL!,
        model: c.SCORER_MODEL,
        apiKey: c.SCORER_API_KEY,
        timeoutMs: c.SCORER_TIMEOUT_MS,
        http: ctx.upstream.http,
        limit: pLimit(c.SCORER_CONCURRENCY),
        retries: c.UPSTREAM_RETRIES,
        retryBaseMs: c.UPSTREAM_RETRY_BASE_MS,
        maxAnswerBytes: c.UPSTREAM_MAX_ANSWER_MB * 1024 * 1024,
        systemPrompt: c.SCORER_SYSTEM_PROMPT ?? null,
        form: c.SCORER_REQUEST_FORM,
        template: chatTemplate,
      });
      const cache = createScoreCache(scoreCacheLimits(c), sequenceScoreBytes);
      return withVoteFallback(createPrmScorer(remote, { cache, shared: ctx.shared }), ctx);
    },
  },

  verifier: {
    portable: true,
    reads: [
      'VERIFIER_BASE_URL',
      'VERIFIER_MODEL',
      'VERIFIER_API_KEY',
      'VERIFIER_CHAINS',
      'VERIFIER_THINKING',
      'VERIFIER_CONCURRENCY',
      'VERIFIER_TEMPERATURE',
      'VERIFIER_MAX_TOKENS',
      'SCORER_CACHE_ENTRIES',
      'SCORER_CACHE_MB',
      'SCORER_FALLBACK',
    ],
    check: (c) => [
      ...required(c, 'VERIFIER_BASE_URL', 'SCORER=verifier'),
      ...required(c, 'VERIFIER_MODEL', 'SCORER=verifier'),
    ],
    create: (ctx) => {
      const c = ctx.config;
      // The verifier is a generator like the upstream: it shares its timeouts and HTTP client, but has its own
      // concurrency cap, so scoring never waits behind sampling for a slot.
      const verifier = createVerifierScorer({
        upstream: createUpstream(
          {
            baseUrl: c.VERIFIER_BASE_URL!.replace(/\/+$/, ''),
            apiKey: c.VERIFIER_API_KEY,
            supportsN: true,
            concurrency: c.VERIFIER_CONCURRENCY,
          },
          c,
          ctx.upstream.http,
        ),
        model: c.VERIFIER_MODEL!,
        chains: c.VERIFIER_CHAINS,
        verifyThinking: c.VERIFIER_THINKING,
        maxTokens: c.VERIFIER_MAX_TOKENS,
        temperature: c.VERIFIER_TEMPERATURE,
        cache: createScoreCache<PartVerdict>(scoreCacheLimits(c), (v) => 64 + v.steps.length * 8),
      });
      return withVoteFallback(verifier, ctx);
    },
  },

  confidence: {
    portable: true,
    reads: ['CONFIDENCE_TOP_LOGPROBS', 'CONFIDENCE_WINDOW', 'CONFIDENCE_MEASURE', 'CONFIDENCE_ETA'],
    // Its reward is the trace's confidence, measured from the token logprobs it asks the upstream for.
    sampling: (c) => ({
      topLogprobs: c.CONFIDENCE_TOP_LOGPROBS,
      confidenceStop: { window: c.CONFIDENCE_WINDOW, eta: c.CONFIDENCE_ETA },
    }),
    create: ({ config: c }) =>
      createConfidenceScorer({ measure: c.CONFIDENCE_MEASURE, window: c.CONFIDENCE_WINDOW, eta: c.CONFIDENCE_ETA }),
  },

  judge: {
    portable: true,
    reads: [
      'JUDGE_MODEL',
      'JUDGE_BASE_URL',
      'JUDGE_API_KEY',
      'JUDGE_MODE',
      'JUDGE_MAX_CHARS',
      'JUDGE_MAX_TOKENS',
      'JUDGE_CONCURRENCY',
      'SCORER_CACHE_ENTRIES',
      'SCORER_FALLBACK',
    ],
    check: (c) => required(c, 'JUDGE_MODEL', 'SCORER=judge'),
    create: ({ config, upstream, log }) => buildJudge(config, upstream.http, createVoteScorer(), (m) => log.warn(m)),
  },
} as const satisfies Record<string, ScorerEntry>;

export type ScorerName = keyof typeof SCORERS;

/** The SCORER names, for the config enum: the table's keys, so a new line is a new valid value. */
export const SCORER_NAMES = Object.keys(SCORERS) as [ScorerName, ...ScorerName[]];

export const scorerEntry = (name: ScorerName): ScorerEntry => SCORERS[name];

/** What the configured scorer asks of sampling; nothing for most. */
export const samplingNeeds = (config: ScorerSettings & { SCORER: ScorerName }): SamplingNeeds =>
  scorerEntry(config.SCORER).sampling?.(config) ?? {};

export const PORTABLE_SCORER_NAMES = SCORER_NAMES.filter((n) => SCORERS[n].portable);
