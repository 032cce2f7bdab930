import { jsonOrUndefined } from './parse-json';

/**
 * The rows of a JSONL text, with 1-based line numbers, skipping blank lines. A line that is not a JSON
 * object is an error naming `source:line`, so a bad file is reported where it is bad.
 */
export function* jsonlRows(text: string, source: string): Generator<{ row: Record<string, unknown>; line: number }> {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    const row = jsonOrUndefined(raw);
    if (row === undefined) throw new Error(`${source}:${i + 1}: not JSON`);
    if (typeof row !== 'object' || row === null || Array.isArray(row))
      throw new Error(`${source}:${i + 1}: not a JSON object`);
    yield { row: row as Record<string, unknown>, line: i + 1 };
  }
}
