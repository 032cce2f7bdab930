import { fairCap } from '../core/fair-cap';
import type { RecordEntry } from './record-entry';

/** The message fields that hold a candidate's text: what can make a record line hundreds of MiB. */
const TEXT_FIELDS = ['content', 'reasoning_content', 'reasoning', 'refusal'] as const;

/** What a cut text ends with, so a reader of the file (and a replay) sees it is not the whole answer. */
export const cutMark = (length: number) => `\n[bestofn: cut, ${length} characters in all]`;

/**
 * The entry with its candidates' texts cut to `maxChars` in all (RECORD_MAX_TEXT_MB): each cut text is
 * marked at its end and its candidate lists the full lengths under `cut`, so the line stays one valid
 * JSON object however large the answers were. An entry within the bound is returned as it is.
 */
export function boundRecord(entry: RecordEntry, maxChars: number): RecordEntry {
  const lengths: number[] = [];
  for (const c of entry.candidates)
    for (const field of TEXT_FIELDS) {
      const text = c.message?.[field];
      if (typeof text === 'string') lengths.push(text.length);
    }
  if (lengths.reduce((a, b) => a + b, 0) <= maxChars) return entry;
  const cap = fairCap(lengths, maxChars);
  return {
    ...entry,
    candidates: entry.candidates.map((c) => {
      if (!c.message) return c;
      const message = { ...c.message };
      const cut: Record<string, number> = {};
      for (const field of TEXT_FIELDS) {
        const text = message[field];
        if (typeof text !== 'string' || text.length <= cap) continue;
        message[field] = text.slice(0, cap) + cutMark(text.length);
        cut[field] = text.length;
      }
      return Object.keys(cut).length === 0 ? c : { ...c, message, cut };
    }),
  };
}
