/**
 * JSONL rows of a file, streamed. A torn line (cut short by a crash, or a fragment a later append ran
 * onto), a line that is not a JSON object, and a line over the size cap are skipped and reported as
 * `file:line: why`, so one bad line never costs the rest of the file.
 */
import { fileLines, fileLinesSync, MAX_LINE_BYTES, type LineEvent } from './lines';
import { jsonOrUndefined } from '../core/parse-json';

export interface JsonlRow {
  row: Record<string, unknown>;
  line: number;
  /** Byte offset just past the row's line. */
  end: number;
}

export interface ReadOptions {
  maxLineBytes?: number;
  /** Told about each skipped line, as `file:line: reason`. */
  onSkip?: (message: string) => void;
}

function toRow(event: LineEvent, file: string, cap: number, onSkip: (message: string) => void): JsonlRow | null {
  if (event.kind === 'oversized') {
    onSkip(`${file}:${event.line}: line of ${event.bytes} bytes is over the ${cap}-byte limit; skipped`);
    return null;
  }
  if (event.text.trim() === '') return null;
  const row = jsonOrUndefined(event.text);
  if (row === undefined) {
    onSkip(
      `${file}:${event.line}: ${event.terminated ? 'not JSON (a torn write?)' : 'torn last line (no newline, not JSON)'}; skipped`,
    );
    return null;
  }
  if (typeof row !== 'object' || row === null || Array.isArray(row)) {
    onSkip(`${file}:${event.line}: not a JSON object; skipped`);
    return null;
  }
  return { row: row as Record<string, unknown>, line: event.line, end: event.end };
}

export function* readJsonlSync(file: string, o: ReadOptions = {}): Generator<JsonlRow> {
  const onSkip = o.onSkip ?? (() => {});
  for (const event of fileLinesSync(file, o.maxLineBytes)) {
    const row = toRow(event, file, o.maxLineBytes ?? MAX_LINE_BYTES, onSkip);
    if (row) yield row;
  }
}

export async function* readJsonl(file: string, o: ReadOptions = {}): AsyncGenerator<JsonlRow> {
  const onSkip = o.onSkip ?? (() => {});
  for await (const event of fileLines(file, o.maxLineBytes)) {
    const row = toRow(event, file, o.maxLineBytes ?? MAX_LINE_BYTES, onSkip);
    if (row) yield row;
  }
}
