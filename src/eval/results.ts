/**
 * DIR/results.jsonl: one line per finished problem, appended as each finishes, so an interrupted run
 * loses at most the problems in flight. DIR/run.json pins what the results were produced with, so a rerun
 * resumes only a run it can extend without mixing settings.
 */
import fs from 'node:fs';
import path from 'node:path';

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
export function readResults(dir: string): Map<string, ProblemResult> {
  const out = new Map<string, ProblemResult>();
  const file = resultsFile(dir);
  if (!fs.existsSync(file)) return out;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const r = JSON.parse(line) as ProblemResult;
      out.set(r.id, r);
    } catch {
      // A line cut short by a crash mid-write: that problem simply runs again.
    }
  }
  return out;
}

export function appendResult(dir: string, result: ProblemResult): void {
  fs.appendFileSync(resultsFile(dir), JSON.stringify(result) + '\n');
}

/** Creates DIR and run.json, or checks that an existing run.json matches; returns a reason to refuse, or null. */
export function claimRunDir(dir: string, identity: RunIdentity): string | null {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'run.json');
  if (fs.existsSync(file)) {
    const prior = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<RunIdentity>;
    const diff = (Object.keys(identity) as (keyof RunIdentity)[]).filter((k) => prior[k] !== identity[k]);
    if (diff.length > 0) return `${dir} holds a run with other settings (${diff.map((k) => `${k}: ${String(prior[k])} → ${String(identity[k])}`).join(', ')}); use another --out`;
    return null;
  }
  fs.writeFileSync(file, JSON.stringify(identity, null, 2) + '\n');
  return null;
}
