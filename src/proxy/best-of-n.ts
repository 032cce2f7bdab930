import type { LiveTimeline } from './live/timeline';
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import { tieDecider, type Decider, type LiveMetadata } from '../core/bestofn-metadata';
import { toCandidateParts } from '../core/anatomy';
import { rankWithVotes, type VoteReport } from '../core/rank';
import type { CandidateParts, StepRewards } from '../core/types';
import { GatewayError, UpstreamError } from '../errors';
import type { Scorer, ScoreResult } from '../scorer/types';
import { fanOut, refill, requestShare, type FanOutResult, type Sample } from './fan-out';
import type { BestOfNOptions } from './options';
import { problemOf } from '../core/problem';
import type { Upstream } from '../http/upstream-client';
import { resolveRecipe, type RewardDefaults } from '../core/reward-recipe';
import { selectionRule } from '../core/selection-rules';
import { scoreCandidates } from './score-candidates';
import { choicesFor, extractChoice } from '../core/choice-answer';
import { addUsage } from './usage';
import { answerRulesOf, type AnswerRules } from './answer-rules';
import { checkCandidate, type CandidateCheck } from './candidate-check';
import { LONG_TEXT_CHARS, nextTurn } from '../util/next-turn';

export interface RankedCandidate {
  sample: Sample & { message: NonNullable<Sample['message']> };
  parts: CandidateParts;
  rewards: StepRewards;
  reward: number | null;
  /** Why the candidate was demoted below every valid one, e.g. content that is not the JSON asked for. */
  invalid?: string;
  /** It refused; chosen only when no candidate is valid. */
  refused?: true;
}

/** What held the candidates to the request's tools or response_format, for the metadata. */
export interface RuleReport {
  /** Which rule decided: the tool-call vote or schema validity (absent when neither did). */
  decidedBy?: Extract<Decider, 'tools' | 'schema' | 'reward' | 'tie'>;
  /** A request that offered tools: the decision groups, winner first, by sample index. */
  tools?: { mode: 'vote'; groups: { decision: string; candidates: number[] }[] };
  invalid: number;
}

export interface BestOfNOutcome {
  fan: FanOutResult;
  /** Successful candidates, best first. */
  ranked: RankedCandidate[];
  score?: ScoreResult;
  /** What a vote did (clusters, each candidate's group by sample index, ties); null for argmax. */
  vote?: VoteReport | null;
  timings: { upstream: number; scoring: number; total: number };
  /** What the live path did (rejections, waves, an early commit); absent on the plain path. */
  live?: LiveMetadata;
  /** The live path's tokens over time, for the inspector (not sent to clients). */
  timeline?: LiveTimeline;
  /** Present when the request offered tools or asked for JSON. */
  rules?: RuleReport;
}

/** What a Best-of-N run needs. */
export interface BestOfNDeps {
  /** How step rewards combine, before the request's `aggregate` (core/reward-recipe.ts). */
  reward: RewardDefaults;
  upstream: Upstream;
  /** Samples the candidates `upstream` failed to give (errors, not the deadline). */
  fallback?: Upstream;
  scorer: Scorer;
  /** Ask the upstream for this many top logprobs per token (SCORER=confidence); the client's response never carries them. */
  topLogprobs?: number;
  /** Live path, SCORER=confidence: stop traces whose group confidence falls below the warm-up threshold. */
  confidenceStop?: { window: number; eta: number };
  /** Time to merge equivalent answers in a vote (VOTE_CLUSTER_BUDGET_MS). */
  clusterBudgetMs?: number;
  /** Bytes of upstream answers one request may read across its candidates (UPSTREAM_MAX_REQUEST_MB). */
  maxRequestBytes?: number;
  now?: () => number;
  /** Told when an upstream call for a candidate has answered 2xx: a held stream may send its headers then. */
  onArrived?: () => void;
}

function noValidCandidate(candidates: RankedCandidate[]): GatewayError {
  const reasons = candidates.map((c) => `candidate ${c.sample.index}: ${c.invalid}`).join('; ');
  return new GatewayError(
    502,
    `No candidate met response_format (${reasons}). Send bestofn.json: "best_effort" to get the best candidate anyway.`,
    'server_error',
    'response_format',
    'no_valid_candidate',
  );
}

/** The body sent upstream: the client's, at the Best-of-N temperature (if any), without the gateway's own controls. */
export function upstreamBodyOf(
  body: ChatCompletionCreateParams & { best_of?: unknown; bestofn?: unknown },
  options: BestOfNOptions,
  topLogprobs?: number,
): ChatCompletionCreateParams {
  const { best_of: _bestOf, bestofn: _controls, stream_options: _streamOptions, ...rest } = body;
  const logprobs =
    topLogprobs === undefined ? {} : { logprobs: true, top_logprobs: Math.max(topLogprobs, body.top_logprobs ?? 0) };
  const temperature = options.temperature === undefined ? {} : { temperature: options.temperature };
  return { ...rest, ...logprobs, ...temperature, stream: false };
}

/** The request path after validation: sample N, score them all, rank. Throws when too few candidates arrived. */
export async function runBestOfN(
  deps: BestOfNDeps,
  body: ChatCompletionCreateParams,
  options: BestOfNOptions,
  signal: AbortSignal,
): Promise<BestOfNOutcome> {
  const now = deps.now ?? Date.now;
  const started = now();
  const upstreamBody = upstreamBodyOf(body, options, deps.topLogprobs);
  const share = requestShare(deps.maxRequestBytes);
  const fan = await fanOut(deps.upstream, upstreamBody, options.n, options.deadlineMs, signal, deps.onArrived, share);
  if (deps.fallback && deps.fallback !== deps.upstream)
    await refill(
      fan,
      deps.fallback,
      upstreamBody,
      options.deadlineMs - (now() - started),
      signal,
      deps.onArrived,
      share,
    );
  // Logprobs the gateway asked for itself (SCORER=confidence) are for scoring, not for a client that did not ask.
  if (body.logprobs !== true) for (const s of fan.samples) delete s.logprobs;
  return rankFan(deps, body, options, fan, started, signal);
}

/** Scores the candidates that arrived and ranks them; shared by the plain and the live paths. */
export async function rankFan(
  deps: BestOfNDeps,
  body: ChatCompletionCreateParams,
  options: BestOfNOptions,
  fan: FanOutResult,
  started: number,
  signal: AbortSignal,
  pin?: number,
): Promise<BestOfNOutcome> {
  const now = deps.now ?? Date.now;
  const sampled = now();
  const arrived = fan.samples.filter((s): s is RankedCandidate['sample'] => s.message !== undefined);
  if (arrived.length < options.minCandidates) {
    throw (
      fan.firstError ??
      new UpstreamError(
        504,
        `only ${arrived.length} of ${options.n} candidates arrived before the deadline of ${options.deadlineMs} ms (need ${options.minCandidates})`,
        'upstream_error',
        'deadline',
      )
    );
  }

  const problem = problemOf(body.messages);
  // A multiple-choice question votes on the letter chosen, however each candidate wrote it.
  const choices = choicesFor(problem, options.answer);
  const rules = answerRulesOf(body);
  const structured = rules.tools !== undefined || rules.json !== undefined;
  const parts: { parts: CandidateParts; check: CandidateCheck }[] = [];
  for (const s of arrived) {
    // A candidate cut at max_tokens stopped mid-thought: the last number it wrote is not an answer it gave.
    const read = toCandidateParts(s.message, { complete: s.finishReason !== 'length' });
    const p = {
      ...read,
      ...(choices ? { answer: extractChoice(read.response, choices) ?? extractChoice(read.thinking, choices) } : {}),
      ...(s.topLogprobs ? { topLogprobs: s.topLogprobs } : {}),
    };
    const check = checkCandidate(rules, s.message, p.answer, p.response);
    parts.push({ parts: check.key ? { ...p, answer: check.key } : p, check });
    // Reading N long candidates in one go would hold the loop for all of them: health probes and other
    // requests get a turn after each long one.
    if (read.thinking.length + read.response.length > LONG_TEXT_CHARS) await nextTurn();
  }
  const { score, rewards } = await scoreCandidates(
    deps.scorer,
    resolveRecipe(deps.reward, { aggregate: options.aggregate }),
    {
      problem,
      candidates: parts.map((p) => p.parts),
      model: body.model,
      ...(options.judge ? { judge: options.judge } : {}),
      signal,
    },
  );
  // The judge's calls are part of what the request cost.
  if (score.usage) addUsage(fan.usage, score.usage);
  const candidates: RankedCandidate[] = arrived.map((sample, i) => {
    const { invalid, refused } = parts[i]!.check;
    return {
      sample,
      parts: parts[i]!.parts,
      rewards: score.rewards[i]!,
      reward: invalid ? null : rewards[i]!,
      ...(invalid ? { invalid } : {}),
      ...(refused ? { refused } : {}),
    };
  });
  // Tool calls win by the largest group of the same decision (reward then breaks ties), whatever the
  // select; a decision or a JSON value is its own key, never merged as math answers are.
  const select = rules.tools && selectionRule(options.select).vote === 'none' ? 'majority' : options.select;
  const { ranked: order, vote } = rankWithVotes(
    candidates.map((c, i) => ({
      index: i,
      answer: c.invalid ? null : c.parts.answer,
      reward: c.reward,
      confidence: score.confidences?.[i] ?? null,
    })),
    select,
    {
      seed: typeof body.seed === 'number' ? body.seed : 0,
      ...(deps.clusterBudgetMs === undefined ? {} : { budgetMs: deps.clusterBudgetMs }),
      ...(structured ? { groupKey: (key: string) => key } : {}),
    },
  );
  const noneValid = candidates.length > 0 && candidates.every((c) => c.invalid);
  // Nothing valid but a refusal: the refusal is the answer, as OpenAI would return it.
  if (noneValid && candidates.some((c) => c.refused))
    order.sort((a, b) => Number(!candidates[a.index]!.refused) - Number(!candidates[b.index]!.refused));
  // A candidate already streamed to the client (early commit) is the answer, whatever came after.
  const pinned = pin === undefined ? -1 : order.findIndex((o) => candidates[o.index]!.sample.index === pin);
  if (pinned > 0) order.unshift(...order.splice(pinned, 1));
  // JSON mode promised JSON: content that is not JSON is no answer, unless the client asked for the best effort.
  if (rules.json && options.json === 'strict' && noneValid && !candidates.some((c) => c.refused))
    throw noValidCandidate(candidates);
  const scored = now();
  // The vote reports groups by sample index, as the metadata lists candidates.
  const byCandidate = vote && {
    ...vote,
    groups: Object.fromEntries(arrived.map((s, i) => [s.index, vote.groups[i] ?? null])),
  };
  return {
    fan,
    ranked: order.map((o) => candidates[o.index]!),
    score,
    vote: byCandidate,
    ...(structured
      ? {
          rules: ruleReport(
            rules,
            candidates,
            order.map((o) => o.index),
            byCandidate ?? null,
          ),
        }
      : {}),
    timings: { upstream: sampled - started, scoring: scored - sampled, total: scored - started },
  };
}

/** How the rules split the candidates and which one decided, for the metadata. */
function ruleReport(
  rules: AnswerRules,
  candidates: RankedCandidate[],
  order: number[],
  vote: VoteReport | null,
): RuleReport {
  const invalid = candidates.filter((c) => c.invalid).length;
  const valid = order.map((i) => candidates[i]!).filter((c) => !c.invalid);
  const groups = new Map<string, number[]>();
  for (const c of valid) {
    const key = c.parts.answer ?? '';
    groups.set(key, [...(groups.get(key) ?? []), c.sample.index]);
  }
  const tie = vote?.tie?.broken_by;
  const tieRule = tie === undefined ? undefined : tieDecider(tie, 'tools' as const, 'reward' as const);
  // Validity decided when it left one answer standing among several candidates.
  const bySchema = rules.json !== undefined && invalid > 0 && groups.size <= 1;
  const decidedBy = bySchema ? 'schema' : rules.tools ? (tieRule ?? 'tools') : undefined;
  return {
    ...(decidedBy ? { decidedBy } : {}),
    ...(rules.tools
      ? {
          tools: {
            mode: 'vote' as const,
            groups: [...groups].map(([decision, members]) => ({
              decision: decision.slice(0, 500),
              candidates: members,
            })),
          },
        }
      : {}),
    invalid,
  };
}
