import { JsonlAppender } from '../files/jsonl-append';
import type { Recorder } from './record-entry';
import { boundRecord } from './record-bounds';

export interface RecorderOptions {
  /** Rotate the file at this size (RECORD_MAX_MB). */
  maxBytes?: number;
  /** Rotated files kept (RECORD_KEEP). */
  keep?: number;
  /** Candidate text one line may hold, in characters (RECORD_MAX_TEXT_MB); longer texts are cut and marked. */
  maxTextChars?: number;
  onNotice?: (message: string) => void;
}

/**
 * Appends records to a JSONL file (Node only), one whole line per answered request in one write, so a
 * crash can tear at most the line being written, and the next start repairs that. The file holds prompts
 * and completions: it is created 0600. Never throws into a request.
 */
export function createJsonlRecorder(
  file: string,
  onError: (err: Error) => void,
  o: RecorderOptions = {},
): { record: Recorder; close(): Promise<void> } {
  const out = new JsonlAppender(file, { mode: 0o600, ...o });
  let open = true;
  return {
    record: (entry) => {
      if (!open) return;
      try {
        out.append(o.maxTextChars === undefined ? entry : boundRecord(entry, o.maxTextChars));
      } catch (err) {
        onError(err as Error);
      }
    },
    close: async () => {
      if (open) out.close();
      open = false;
    },
  };
}
