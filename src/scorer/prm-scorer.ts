/**
 * The generic PRM scorer: turns candidates into sequences (thinking, response), scores each distinct
 * sequence once — deduplicated within the call and looked up in the cache across calls — and hands back
 * raw step rewards per part. Aggregation and the thinking/response weighting belong to the proxy.
 * Runtime-neutral: the model half (in-process ONNX, remote server) is the injected SequenceScorer.
 */
import { partSteps, splitSteps, type StepSplit } from '../core/steps';
import type { Aggregate, CandidateParts, StepRewards } from '../core/types';
import type { Combine } from '../core/aggregate';
import type { ScoreCache } from './score-cache';
import { scoreCacheKey } from './score-cache';
import type { SharedScoreTier } from './shared-score-tier';
import { assertStepRewards, outOfUnitRange } from './reward-range';
import type { PrmSequence, Scorer, ScoreRequest, ScoreResult, SequenceScore, SequenceScorer } from './types';

export interface PrmScorerOptions {
  cache?: ScoreCache | null;
  /** A second cache tier shared by replicas (Redis), asked for what the in-process cache misses. */
  shared?: SharedScoreTier | null;
  /** Static facts merged into every ScoreResult.info, e.g. { provider: 'cpu' }. */
  info?: Record<string, unknown>;
  /**
   * The model's own step rule. Candidates arrive split by the reference rule; 'merge' re-splits their
   * text (never steps a client gave).
   */
  split?: StepSplit;
  rewardDefaults?: { aggregate?: Aggregate; combine?: Combine };
}

export function createPrmScorer(sequenceScorer: SequenceScorer, opts: PrmScorerOptions = {}): Scorer {
  const cache = opts.cache ?? null;
  const modelId = sequenceScorer.modelId;
  const shared = opts.shared ?? null;

  async function score(request: ScoreRequest): Promise<ScoreResult> {
    // Distinct sequences in first-seen order, and for each candidate part the index of its sequence.
    const distinct = new Map<string, { seq: PrmSequence; score?: SequenceScore }>();
    const refer = (steps: readonly string[] | null): string | null => {
      if (steps === null) return null;
      references++;
      const seq = { problem: request.problem, steps };
      const key = scoreCacheKey(modelId, seq);
      if (!distinct.has(key)) distinct.set(key, { seq });
      return key;
    };
    let references = 0;
    const resplit =
      opts.split === 'merge'
        ? (text: string, steps: readonly string[], c: CandidateParts) =>
            c.presplit ? steps : splitSteps(text, { split: 'merge' })
        : null;
    const stepsOf = (text: string, steps: readonly string[], c: CandidateParts) =>
      partSteps(resplit ? resplit(text, steps, c) : steps, text);
    const parts = request.candidates.map((c: CandidateParts) => ({
      thinking: refer(stepsOf(c.thinking, c.thinkingSteps, c)),
      response: refer(stepsOf(c.response, c.responseSteps, c)),
    }));

    let cacheHits = 0;
    let misses: { seq: PrmSequence; key: string }[] = [];
    for (const [key, entry] of distinct) {
      const hit = cache?.get(modelId, entry.seq);
      if (hit) {
        entry.score = hit;
        cacheHits++;
      } else misses.push({ seq: entry.seq, key });
    }
    const memoryHits = cacheHits;
    if (shared && misses.length) {
      const found = await shared.getMany(
        sequenceScorer.name,
        modelId,
        misses.map((m) => m.seq),
      );
      misses = misses.filter((m, i) => {
        const hit = found[i];
        // A shared entry out of range (written by another version, or tampered with) is scored again.
        if (!hit || outOfUnitRange(hit.stepRewards) !== undefined) return true;
        distinct.get(m.key)!.score = hit;
        cache?.set(modelId, m.seq, hit);
        cacheHits++;
        return false;
      });
    }

    const fresh = misses.length
      ? await sequenceScorer.scoreSequences(
          misses.map((m) => m.seq),
          request.signal,
        )
      : [];
    // Checked before anything is cached: a model's wrong number must not outlive its request.
    for (const s of fresh) assertStepRewards(sequenceScorer.name, s.stepRewards);
    let tokens = 0;
    misses.forEach((m, i) => {
      const s = fresh[i]!;
      distinct.get(m.key)!.score = s;
      tokens += s.tokens;
      cache?.set(modelId, m.seq, s);
    });
    if (shared && misses.length)
      shared.setMany(
        sequenceScorer.name,
        modelId,
        misses.map((m, i) => ({ seq: m.seq, score: fresh[i]! })),
      );

    const lookup = (key: string | null) => (key === null ? null : distinct.get(key)!.score!);
    const rewards: StepRewards[] = parts.map((p) => {
      const thinking = lookup(p.thinking);
      const response = lookup(p.response);
      // Copies: duplicate candidates share one score object, and callers may sort or mutate arrays.
      const out: StepRewards = {
        thinking: thinking ? [...thinking.stepRewards] : null,
        response: response ? [...response.stepRewards] : null,
      };
      if (thinking?.windowed || response?.windowed) out.windowed = true;
      return out;
    });
    return {
      rewards,
      scorer: sequenceScorer.name,
      info: {
        ...opts.info,
        cache_hits: cacheHits,
        ...(shared ? { cache_hits_by_tier: { memory: memoryHits, [shared.name]: cacheHits - memoryHits } } : {}),
        duplicates: references - distinct.size,
        sequences_scored: misses.length,
        tokens,
      },
    };
  }

  return {
    name: sequenceScorer.name,
    ...(opts.rewardDefaults ? { rewardDefaults: opts.rewardDefaults } : {}),
    score,
    async health() {
      const inner = (await sequenceScorer.health?.()) ?? {};
      return { ...opts.info, ...inner, model: modelId, ...(cache ? { cache: cache.stats() } : {}) };
    },
    close: async () => sequenceScorer.close?.(),
  };
}
