/**
 * The offline evaluation target: recorded candidates served by the replay upstream, behind a real
 * gateway in this process. The gateway asks the upstream for all N at once (UPSTREAM_SUPPORTS_N), so
 * candidate i of a problem is recorded candidate i, which is how pool rewards are matched back.
 */
import { parseConfig } from '../config';
import { createLogger } from '../log';
import { startGateway } from '../node';
import { startReplayUpstream } from '../record/replay-upstream';
import { promptKey, type ReplayItem, type ReplaySource } from '../record/replay-source';
import type { EvalProblem } from './dataset';
import type { PoolProblem } from './pool-reference';

export interface ReplayTarget {
  /** The gateway's base URL including /v1. */
  url: string;
  close(): Promise<void>;
}

/**
 * Gateway settings come from `env` (SCORER, BESTOFN_SELECT…, as for `bestofn serve`) except those that
 * wire it to the replay: upstream, port, host, n support, recording. Logs are silent unless LOG_LEVEL says.
 */
export async function startReplayTarget(
  source: ReplaySource,
  maxN: number,
  env: Record<string, string | undefined>,
): Promise<ReplayTarget> {
  const upstream = await startReplayUpstream(source);
  try {
    const config = parseConfig({
      ...env,
      UPSTREAM_BASE_URL: upstream.url,
      UPSTREAM_SUPPORTS_N: 'true',
      HOST: '127.0.0.1',
      PORT: '0',
      RECORD: '',
      LOG_LEVEL: env.LOG_LEVEL || 'silent',
      BESTOFN_MAX_N: String(Math.max(maxN, Number(env.BESTOFN_MAX_N) || 0, 64)),
    });
    const gateway = await startGateway(config, createLogger(config.LOG_LEVEL));
    return {
      url: `${gateway.url}/v1`,
      close: async () => {
        await gateway.close();
        await upstream.close();
      },
    };
  } catch (err) {
    await upstream.close();
    throw err;
  }
}

export interface ReplayProblems {
  problems: EvalProblem[];
  /** Items in problem order. */
  items: ReplayItem[];
  /** Prompts of the dataset with no recorded candidates (left out). */
  unrecorded: number;
}

/**
 * The problems a replay can answer: the dataset's problems that were recorded, or, without a dataset,
 * every recorded prompt that carries a reference answer (pools do; gateway records do not).
 */
export function replayProblems(source: ReplaySource, dataset?: readonly EvalProblem[]): ReplayProblems {
  if (dataset) {
    const kept = dataset.filter((p) => source.items.has(promptKey(p.problem)));
    return {
      problems: kept,
      items: kept.map((p) => source.items.get(promptKey(p.problem))!),
      unrecorded: dataset.length - kept.length,
    };
  }
  const items = [...source.items.values()].filter((it) => it.gt !== undefined && it.candidates.length > 0);
  const problems = items.map((it, i) => ({ id: it.id ?? `replay-${i}`, problem: it.prompt, answer: it.gt! }));
  return { problems, items, unrecorded: 0 };
}

/** The pool's rewards by problem id, when every item is from a pool (its ORM's sigmoid(pred_score)). */
export function poolRewards(
  problems: readonly EvalProblem[],
  items: readonly ReplayItem[],
): Map<string, (number | null)[]> | undefined {
  if (items.length === 0 || !items.every((it) => it.pred !== undefined)) return undefined;
  return new Map(problems.map((p, i) => [p.id, items[i]!.candidates.map((c) => c.reward)]));
}

export function poolProblems(items: readonly ReplayItem[]): PoolProblem[] | undefined {
  if (items.length === 0 || !items.every((it) => it.pred !== undefined && it.score !== undefined)) return undefined;
  return items.map((it) => ({ pred: it.pred!, score: it.score!, reward: it.candidates.map((c) => c.reward) }));
}
