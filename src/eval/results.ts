/**
 * DIR/results.jsonl: one line per finished problem, appended as each finishes, so an interrupted run
 * loses at most the problems in flight. DIR/run.json pins what the results were produced with, so a rerun
 * resumes only a run it can extend without mixing settings.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../files/atomic-write';
import { JsonlAppender } from '../files/jsonl-append';
import { readJsonlSync } from '../files/jsonl-read';

export interface EvalCandidate {
  index: number;
  answer: string | null;
  /** answerKey(answer): what votes group on. */
  key: string | null;
  correct: boolean;
  /** The gateway's reward. */
  reward: number | null;
  /** Trace confidence, when the gateway measured one (SCORER=confidence). */
  confidence?: number | null;
  /** The recorded pool's own reward (replay of a pool with pred_score), as a probability. */
  pool_reward?: number | null;
  finish_reason?: string | null;
  error?: string;
}

export interface ProblemResult {
  id: string;
  gt: string;
  status: 'ok' | 'error';
  error?: string;
  /** Answer extracted from the returned choice. */
  answer: string | null;
  correct: boolean;
  /** Present when the endpoint is bestofn (its response carried `bestofn` metadata). */
  bestofn?: { scorer: string; select: string; n_requested: number; selected: number[]; candidates: EvalCandidate[]; scorer_tokens?: number };
  /** The returned choice's top logprobs per token, when the run asked for them (`--logprobs K`). */
  logprobs?: number[][];
  latency_ms: number;
  usage?: { prompt_tokens: number; completion_tokens: number };
  time: string;
}

/** The settings a run's results depend on; a rerun with different ones is refused. */
export interface RunIdentity {
  dataset: string;
  endpoint: string;
  model: string;
  max_n: number;
}

export const resultsFile = (dir: string) => path.join(dir, 'results.jsonl');

/** Finished problems by id; a later line for the same id (a retried failure) replaces the earlier one. */
export function readResults(dir: string, onSkip?: (message: string) => void): Map<string, ProblemResult> {
  const out = new Map<string, ProblemResult>();
  const file = resultsFile(dir);
  if (!fs.existsSync(file)) return out;
  // A line cut short by a crash mid-write is skipped (and reported): that problem simply runs again.
  for (const { row } of readJsonlSync(file, { onSkip })) {
    if (typeof row.id === 'string') out.set(row.id, row as unknown as ProblemResult);
  }
  return out;
}

/** The results file, opened for appending after its torn tail (if any) is moved aside. */
export function openResults(dir: string, onNotice?: (message: string) => void): JsonlAppender {
  return new JsonlAppender(resultsFile(dir), { onNotice });
}

/** Creates DIR and run.json, or checks that an existing run.json matches; returns a reason to refuse, or null. */
export function claimRunDir(dir: string, identity: RunIdentity): string | null {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'run.json');
  if (fs.existsSync(file)) {
    let prior: Partial<RunIdentity>;
    try {
      prior = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<RunIdentity>;
    } catch (err) {
      return `${file} is not readable JSON (${(err as Error).message}); it pins the run's settings: delete it to start the run afresh, or use another --out`;
    }
    const diff = (Object.keys(identity) as (keyof RunIdentity)[]).filter((k) => prior[k] !== identity[k]);
    if (diff.length > 0) return `${dir} holds a run with other settings (${diff.map((k) => `${k}: ${String(prior[k])} → ${String(identity[k])}`).join(', ')}); use another --out`;
    return null;
  }
  writeFileAtomic(file, JSON.stringify(identity, null, 2) + '\n');
  return null;
}
