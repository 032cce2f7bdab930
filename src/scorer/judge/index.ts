/**
 * The judge as the server builds it: from the JUDGE_* options, with the vote as its fallback, and — when the
 * configured scorer is another one — behind that scorer, answering only the requests that ask for it
 * (`bestofn.judge`).
 */
import { createUpstream } from '../../http/create-upstream';
import type { HttpClient } from '../../http/http-client';
import type { ScorerSettings } from '../scorer-options';
import type { Scorer, ScoreRequest } from '../types';
import { withFallback } from '../with-fallback';
import { createJudgeCache } from './judge-cache';
import { createJudgeScorer } from './judge-scorer';

export function buildJudge(config: ScorerSettings, http: HttpClient, vote: Scorer, warn: (m: string) => void): Scorer {
  const judge = createJudgeScorer({
    upstream: createUpstream(
      {
        baseUrl: (config.JUDGE_BASE_URL ?? config.UPSTREAM_BASE_URL)!.replace(/\/+$/, ''),
        // The upstream's key goes only to the upstream's own URL.
        apiKey: config.JUDGE_BASE_URL ? config.JUDGE_API_KEY : (config.JUDGE_API_KEY ?? config.UPSTREAM_API_KEY),
        supportsN: false,
        concurrency: config.JUDGE_CONCURRENCY,
      },
      config,
      http,
    ),
    model: config.JUDGE_MODEL!,
    mode: config.JUDGE_MODE,
    maxChars: config.JUDGE_MAX_CHARS,
    maxTokens: config.JUDGE_MAX_TOKENS,
    cache: createJudgeCache(config.SCORER_CACHE_ENTRIES),
  });
  return withFallback(judge, vote, config.SCORER_FALLBACK, warn);
}

/** The configured scorer, except for requests that name a judge mode: those go to the judge. */
export function withJudgeOnRequest(scorer: Scorer, judge: Scorer): Scorer {
  return {
    name: scorer.name,
    ...(scorer.rewardDefaults ? { rewardDefaults: scorer.rewardDefaults } : {}),
    score: (request: ScoreRequest) => (request.judge ? judge.score(request) : scorer.score(request)),
    async health() {
      return { ...((await scorer.health?.()) ?? {}), judge: (await judge.health?.()) ?? {} };
    },
    async close() {
      await Promise.all([scorer.close?.(), judge.close?.()]);
    },
  };
}
