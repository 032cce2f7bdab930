/**
 * Pass 1 of `bestofn select`: stream the input, score each row with the PRM, append an entry per row to
 * the side file. Rows are scored `concurrency` at a time so the scorer's micro-batcher can fill batches;
 * entries are written in input order, one write per chunk, so a kill loses at most the chunk in flight.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { fileLines, type LineEvent } from '../files/lines';
import { toCandidateParts } from '../core/anatomy';
import type { Scorer } from '../scorer/types';
import { extractTrace, RowError, type FieldMap, type TraceRow } from './fields';
import type { RowProgress } from './progress';
import { eventHash, type ScoreEntry } from './scores-file';
import { parseJson } from '../core/parse-json';
import { ScorerError } from '../errors';

export interface ScorePassOptions {
  input: string;
  scoresPath: string;
  scorer: Scorer;
  map: FieldMap;
  /** Input lines up to this one were scored by an earlier run. */
  resumeAfter: number;
  /** Rows of other shards are left out (`--shard i/k`); every line is this run's without it. */
  includes?: (line: number) => boolean;
  concurrency: number;
  /** Stop after this many rows in this run (working in slices, or testing a resume). */
  maxRows?: number;
  maxLineBytes?: number;
  signal?: AbortSignal;
  progress: RowProgress;
  /** Told about each malformed row, and each row the scorer failed on (`failed`), as it is met. */
  onMalformed?: (line: number, error: string, failed: boolean) => void;
}

export interface ScorePassResult {
  /** The whole input has entries now. */
  finished: boolean;
  /** Rows given an entry by this run, malformed ones included. */
  rows: number;
  lastLine: number;
}

type Pending = { line: number; h: string; trace: TraceRow } | { line: number; h: string; error: string };

const problemHash = (problem: string) => createHash('sha1').update(problem).digest('base64url').slice(0, 16);

/**
 * Failures that belong to the row, not to the scorer: its answer over the size cap or unusable, its problem
 * longer than the model's context. Scoring it again would fail the same way, so the row is marked failed and
 * the run goes on. Any other failure (the scorer down, or too slow) stops the run, which a rerun resumes.
 */
const ROW_FAILURES: ReadonlySet<string | null> = new Set(['scorer_bad_response', 'prompt_too_long']);

async function scoreRow(
  scorer: Scorer,
  p: { line: number; h: string; trace: TraceRow },
  signal?: AbortSignal,
): Promise<ScoreEntry> {
  const parts = toCandidateParts({ content: p.trace.response, reasoning_content: p.trace.reasoning });
  let result;
  try {
    result = await scorer.score({ problem: p.trace.problem, candidates: [parts], signal });
  } catch (err) {
    if (signal?.aborted || !(err instanceof ScorerError) || !ROW_FAILURES.has(err.code)) throw err;
    return { line: p.line, h: p.h, error: `scoring failed: ${err.message}`, failed: true };
  }
  const r = result.rewards[0]!;
  const entry: ScoreEntry = {
    line: p.line,
    h: p.h,
    g: problemHash(p.trace.problem),
    source: p.trace.source,
    thinking: r.thinking,
    response: r.response,
    answer: parts.answer,
  };
  if (r.windowed) entry.windowed = true;
  return entry;
}

function parseRow(e: LineEvent, map: FieldMap): Pending {
  const { line } = e;
  const h = eventHash(e);
  if (e.kind === 'oversized') return { line, h, error: `line of ${e.bytes} bytes is over the line size limit` };
  const row = parseJson(e.text);
  if (!row.ok) return { line, h, error: `invalid JSON: ${row.error}` };
  try {
    return { line, h, trace: extractTrace(row.value, map) };
  } catch (err) {
    if (err instanceof RowError) return { line, h, error: err.message };
    throw err;
  }
}

/**
 * Failed rows in a row, with no scored one between, that stop the run: so many is the scorer or its
 * settings (a step tag the served tokenizer splits, say), not the rows.
 */
export const FAILURES_BEFORE_STOP = 32;

export async function scorePass(o: ScorePassOptions): Promise<ScorePassResult> {
  const lines = fileLines(o.input, o.maxLineBytes);
  const out = fs.openSync(o.scoresPath, 'a');
  let bytes = 0; // consumed so far, for the progress bar
  let rows = 0;
  let lastLine = o.resumeAfter;
  let chunk: Pending[] = [];
  // Rows the scorer failed on wait here (with any malformed rows after them, to keep input order) until a
  // row is scored: only a scorer seen to work makes a failure the row's own. An earlier run's entries count.
  let held: ScoreEntry[] = [];
  let scoredAny = o.resumeAfter > 0;
  const failedHeld = () => held.filter((e) => 'failed' in e);

  const write = (entries: ScoreEntry[]) => {
    if (entries.length === 0) return;
    fs.writeSync(out, entries.map((e) => JSON.stringify(e)).join('\n') + '\n');
    rows += entries.length;
    lastLine = entries.at(-1)!.line;
  };

  const stopOnScorer = () => {
    const failed = failedHeld();
    const last = failed.at(-1)!;
    return new Error(
      `the scorer failed on ${failed.length} rows in a row (lines ${failed[0]!.line}–${last.line}) and scored none between them: ` +
        `the scorer or its settings, not the rows; nothing from line ${held[0]!.line} on was saved, run again to resume. ` +
        `Line ${last.line}: ${'error' in last ? last.error : ''}`,
    );
  };

  const flush = async () => {
    const entries = await Promise.all(chunk.map((p) => ('error' in p ? p : scoreRow(o.scorer, p, o.signal))));
    chunk = [];
    const ready: ScoreEntry[] = [];
    for (const e of entries) {
      if ('error' in e) o.onMalformed?.(e.line, e.error, 'failed' in e);
      if (!('error' in e)) {
        ready.push(...held, e);
        held = [];
        scoredAny = true;
      } else if (held.length > 0 || 'failed' in e) held.push(e);
      else ready.push(e);
    }
    write(ready); // one write per chunk: a kill loses at most the chunk in flight
    if (failedHeld().length >= FAILURES_BEFORE_STOP) throw stopOnScorer();
    o.progress.update(bytes, rows + held.length);
  };

  /** The held rows at the end of the input or of a --max-rows slice: the rows' own failures once a row was scored. */
  const release = (atEnd: boolean) => {
    if (failedHeld().length === 0 || scoredAny) write(held);
    else if (atEnd) throw stopOnScorer();
    held = [];
  };

  try {
    for await (const e of lines) {
      bytes = e.end;
      if (e.line <= o.resumeAfter || (e.kind === 'line' && e.text.trim() === '') || (o.includes && !o.includes(e.line)))
        continue;
      if (o.signal?.aborted || (o.maxRows !== undefined && rows + held.length + chunk.length >= o.maxRows)) {
        await flush();
        release(false);
        return { finished: false, rows, lastLine };
      }
      chunk.push(parseRow(e, o.map));
      if (chunk.length >= o.concurrency) await flush();
    }
    await flush();
    release(true);
    return { finished: true, rows, lastLine };
  } catch (err) {
    // Stopped by the caller: the chunk in flight is dropped, everything before it is saved.
    if (o.signal?.aborted) return { finished: false, rows, lastLine };
    throw err;
  } finally {
    await lines.return(undefined);
    fs.closeSync(out);
    o.progress.done();
  }
}
