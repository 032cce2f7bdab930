import fs from 'node:fs';
import type { Recorder } from './record-entry';

/** Appends records to a JSONL file (Node only). One line per answered request; never throws into a request. */
export function createJsonlRecorder(file: string, onError: (err: Error) => void): { record: Recorder; close(): Promise<void> } {
  const out = fs.createWriteStream(file, { flags: 'a' });
  out.on('error', onError);
  return {
    record: (entry) => {
      out.write(JSON.stringify(entry) + '\n');
    },
    close: () => new Promise<void>((resolve) => out.end(resolve)),
  };
}
