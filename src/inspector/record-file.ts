/**
 * Inspections read from a RECORD file (Node only: it reads the disk). The gateway reads only the file's
 * tail, on each page view, so a large file costs one bounded read; `bestofn inspect` reads it whole.
 */
import fs from 'node:fs';
import { describeIssue } from '../core/zod-issue';
import { readJsonlSync } from '../files/jsonl-read';
import { fromRecordLine, recordLineSchema } from './from-record';
import type { Inspection } from './inspection';
import { parseJson } from '../core/parse-json';

/** Bytes read from the end of a RECORD file per page view: a few hundred records of a typical size. */
const TAIL_BYTES = 8 * 1024 * 1024;

function parseLine(text: string, label: string): Inspection | null {
  const row = parseJson(text);
  if (!row.ok) return null; // the first line of a tail is usually cut; a torn last line is the recorder's to repair
  const parsed = recordLineSchema.safeParse(row.value);
  return parsed.success ? fromRecordLine(parsed.data, label) : null;
}

/** The newest `max` records of FILE, newest first; none when the file does not exist yet. */
export function readRecordTail(file: string, max: number): Inspection[] {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return [];
  }
  try {
    const size = fs.fstatSync(fd).size;
    const start = Math.max(0, size - TAIL_BYTES);
    const buf = Buffer.alloc(size - start);
    fs.readSync(fd, buf, 0, buf.length, start);
    const lines = buf.toString('utf8').split('\n');
    if (start > 0) lines.shift();
    const out: Inspection[] = [];
    for (let i = lines.length - 1; i >= 0 && out.length < max; i--) {
      const text = lines[i]!;
      if (text.trim() === '') continue;
      const item = parseLine(text, `record-${Math.round(start / 1e3)}-${i}`);
      if (item) out.push(item);
    }
    return out;
  } finally {
    fs.closeSync(fd);
  }
}

/** Every record of FILE, newest first; skipped lines are reported. */
export function readRecordFile(file: string, onSkip?: (message: string) => void): Inspection[] {
  const out: Inspection[] = [];
  for (const { row, line } of readJsonlSync(file, { onSkip })) {
    const parsed = recordLineSchema.safeParse(row);
    if (parsed.success) out.push(fromRecordLine(parsed.data, `line-${line}`));
    else onSkip?.(`${file}:${line}: not a record (${describeIssue(parsed.error)}); skipped`);
  }
  return out.reverse();
}
