/**
 * Lines of a file, split on `\n` only (a bare `\r` is JSON whitespace inside a row, not a line end),
 * streamed in chunks with a cap per line, so a file of any size, or one line of any length, is read in
 * bounded memory. One splitter; a synchronous and an asynchronous driver over it.
 */
import fs from 'node:fs';

/** Longest line a reader accepts by default; longer ones are skipped and reported, never assembled. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

export type LineEvent =
  /** A whole line (without its `\n`); `end` is the byte offset just past its `\n`, or the file end. */
  | { kind: 'line'; line: number; text: string; end: number; terminated: boolean }
  /** A line longer than the cap: its bytes were dropped as they came. */
  | { kind: 'oversized'; line: number; bytes: number; end: number };

const NL = 0x0a;
const BOM = '\uFEFF';

export class LineSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private dropping = false;
  private line = 0;
  private offset = 0;

  constructor(private readonly maxLineBytes = MAX_LINE_BYTES) {}

  push(chunk: Buffer): LineEvent[] {
    const out: LineEvent[] = [];
    let from = 0;
    for (let nl = chunk.indexOf(NL); nl !== -1; nl = chunk.indexOf(NL, from)) {
      this.take(chunk.subarray(from, nl));
      this.offset += nl - from + 1;
      out.push(this.finish(true));
      from = nl + 1;
    }
    this.take(chunk.subarray(from));
    this.offset += chunk.length - from;
    return out;
  }

  /** The last line when the file does not end with `\n` (a torn write, or a file written without one). */
  end(): LineEvent | null {
    return this.size > 0 || this.dropping ? this.finish(false) : null;
  }

  private take(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.size += bytes.length;
    if (this.size > this.maxLineBytes) {
      this.dropping = true;
      this.parts = [];
    } else this.parts.push(bytes);
  }

  private finish(terminated: boolean): LineEvent {
    this.line++;
    const text = this.dropping ? '' : Buffer.concat(this.parts, this.size).toString('utf8');
    const event: LineEvent = this.dropping
      ? { kind: 'oversized', line: this.line, bytes: this.size, end: this.offset }
      : {
          kind: 'line',
          line: this.line,
          // A UTF-8 byte order mark (editors on Windows write one) is not part of the first row.
          text: this.line === 1 && text.startsWith(BOM) ? text.slice(1) : text,
          end: this.offset,
          terminated,
        };
    this.parts = [];
    this.size = 0;
    this.dropping = false;
    return event;
  }
}

const CHUNK = 1 << 20;

export function* fileLinesSync(file: string, maxLineBytes = MAX_LINE_BYTES): Generator<LineEvent> {
  const fd = fs.openSync(file, 'r');
  try {
    const splitter = new LineSplitter(maxLineBytes);
    const buf = Buffer.allocUnsafe(CHUNK);
    for (let n = fs.readSync(fd, buf, 0, CHUNK, null); n > 0; n = fs.readSync(fd, buf, 0, CHUNK, null)) {
      // The splitter keeps slices of the chunk, so each read gets its own copy.
      yield* splitter.push(Buffer.from(buf.subarray(0, n)));
    }
    const last = splitter.end();
    if (last) yield last;
  } finally {
    fs.closeSync(fd);
  }
}

export async function* fileLines(file: string, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<LineEvent> {
  const stream = fs.createReadStream(file, { highWaterMark: CHUNK });
  try {
    const splitter = new LineSplitter(maxLineBytes);
    for await (const chunk of stream) yield* splitter.push(chunk as Buffer);
    const last = splitter.end();
    if (last) yield last;
  } finally {
    stream.destroy();
  }
}
