/**
 * The side file of `bestofn select` (`<out>.scores.jsonl`): a header naming the input and scorer, then one
 * entry per non-blank input row, in input order, appended as rows are scored. It is the checkpoint: a run
 * resumes after the last complete entry, and a finished one can be re-selected (another --keep, --by,
 * --aggregate) without scoring again, since it keeps raw step rewards.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { fileLines, type LineEvent } from '../files/lines';
import { jsonOrUndefined, parseJson } from '../core/parse-json';

export interface ScoresHeader {
  bestofn_scores: 1;
  input: string;
  /** Identifies the reward model; another one must not resume these scores. */
  scorer: string;
  map: Record<string, string>;
  /** `i/k` in a shard's side file (`--shard`); absent in a whole run's and a merged one's. */
  shard?: string;
}

export type ScoreEntry =
  | {
      line: number;
      /** Hash of the input line, checked when rows are written, so an edited input is noticed. */
      h: string;
      /** Hash of the problem text: the group of --by problem. */
      g: string;
      source: string | null;
      thinking: number[] | null;
      response: number[] | null;
      answer: string | null;
      windowed?: true;
    }
  /**
   * A row with no reward: malformed (not JSON, no problem…), or with `failed` a well-formed row the scorer
   * could not score (its answer over the size cap or unusable, its problem longer than the context).
   */
  | { line: number; h: string; error: string; failed?: true };

export const lineHash = (line: string) => createHash('sha1').update(line).digest('base64url').slice(0, 12);

/** The hash an input line is checked by; a line over the size cap was never read, so its length stands in. */
export const eventHash = (e: LineEvent) => (e.kind === 'line' ? lineHash(e.text) : `oversized:${e.bytes}`);

const parse = (e: LineEvent): unknown => (e.kind === 'line' ? jsonOrUndefined(e.text) : undefined);

/** An entry's input line number; undefined for anything that is not a whole entry. */
const entryLine = (row: unknown): number | undefined =>
  typeof row === 'object' && row !== null && 'line' in row && typeof row.line === 'number' ? row.line : undefined;

function lastByte(path: string, size: number): number {
  const fd = fs.openSync(path, 'r');
  try {
    const b = Buffer.alloc(1);
    return size > 0 && fs.readSync(fd, b, 0, 1, size - 1) === 1 ? b[0]! : -1;
  } finally {
    fs.closeSync(fd);
  }
}

const sameHeader = (a: unknown, b: ScoresHeader) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Prepares the side file and returns the last input line already scored (0 for a fresh start).
 * An entry cut short by a kill is truncated away; a header for another input or scorer is an error
 * unless `restart`.
 */
export async function openScores(
  path: string,
  header: ScoresHeader,
  restart: boolean,
  onNotice: (message: string) => void = () => {},
): Promise<number> {
  if (restart || !fs.existsSync(path) || fs.statSync(path).size === 0) {
    fs.writeFileSync(path, JSON.stringify(header) + '\n');
    return 0;
  }
  let good = 0; // bytes up to the end of the last complete, parseable line
  let last = 0;
  let first = true;
  const size = fs.statSync(path).size;
  for await (const e of fileLines(path)) {
    const parsed = parse(e);
    if (first) {
      if (!sameHeader(parsed, header)) {
        const shown = e.kind === 'line' ? e.text.slice(0, 200) : `a line of ${e.bytes} bytes`;
        throw new Error(
          `${path} holds scores for another input, scorer or --map (${shown}); pass --restart to score from scratch, or delete it`,
        );
      }
      first = false;
    } else {
      const line = entryLine(parsed);
      if (line === undefined) break; // only the last entry can be incomplete: we append whole lines
      last = line;
    }
    good = e.end;
  }
  if (good < size)
    onNotice(
      `${path}: ${size - good} bytes after the last whole entry (a run killed mid-write) truncated away; resuming after it`,
    );
  fs.truncateSync(path, good);
  // A complete last entry whose newline was lost: put it back before appending.
  if (lastByte(path, good) !== 0x0a) fs.appendFileSync(path, '\n');
  return last;
}

/** Score entries in file order, the header skipped. */
export async function* readEntries(path: string): AsyncGenerator<ScoreEntry> {
  for await (const e of fileLines(path)) {
    if (e.line === 1 || e.kind !== 'line' || e.text === '') continue;
    const entry = parseJson(e.text);
    // Whole lines only: openScores cut a torn tail away before anything reads the file.
    if (!entry.ok || entryLine(entry.value) === undefined)
      throw new Error(`${path}:${e.line}: not a score entry (the side file was edited?); run again with --restart`);
    yield entry.value as ScoreEntry; // written by this module (score-pass.ts), checked for its line number
  }
}
