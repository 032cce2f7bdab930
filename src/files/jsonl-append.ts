/**
 * Appends JSONL rows so that a crash never tears a row another one lands on: each row is one `write` of
 * a whole line, and an appender first repairs a torn tail left by an earlier crash, moving the fragment
 * to `<file>.torn` and saying so. Optionally the file is created with a mode (0600 for records that hold
 * prompts) and rotated by size, keeping a number of older files (`file.1` newest).
 */
import fs from 'node:fs';

export interface AppendOptions {
  /** File mode to create (and enforce on) the file with, e.g. 0o600. */
  mode?: number;
  /** Rotate before a row would take the file past this many bytes. */
  maxBytes?: number;
  /** Rotated files kept (file.1 … file.N) when maxBytes is set. */
  keep?: number;
  /** Told about repairs and rotations. */
  onNotice?: (message: string) => void;
}

const SCAN = 64 * 1024;

/** O_NOFOLLOW where the platform has it (not Windows): a link in the file's place is refused, not followed. */
const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const APPEND = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_APPEND;

/**
 * Refuses a symbolic link where the file goes: the appender chmods what it opens, and a link would hand that
 * (and the records) to whatever file it points at.
 */
const symlinkError = (file: string) =>
  new Error(`${file} is a symbolic link; give the path of a regular file (links are not followed)`);

function refuseSymlink(file: string): void {
  let isLink = false;
  try {
    isLink = fs.lstatSync(file).isSymbolicLink();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (isLink) throw symlinkError(file);
}

/** fs.openSync with O_NOFOLLOW, its ELOOP (a link appeared after the check) said in words. */
function openNoFollow(file: string, flags: number, mode?: number): number {
  try {
    return fs.openSync(file, flags | NOFOLLOW, mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw symlinkError(file);
    throw err;
  }
}

/** Offset just past the last `\n` of the file (0 when there is none). */
function lastLineEnd(fd: number, size: number): number {
  const buf = Buffer.allocUnsafe(SCAN);
  for (let end = size; end > 0; end -= SCAN) {
    const start = Math.max(0, end - SCAN);
    const n = fs.readSync(fd, buf, 0, end - start, start);
    const nl = buf.subarray(0, n).lastIndexOf(0x0a);
    if (nl !== -1) return start + nl + 1;
  }
  return 0;
}

/**
 * Moves an unterminated last line (a write cut short by a crash) to `<file>.torn` and truncates it away,
 * so the next row starts on a line of its own. Returns the bytes moved.
 */
export function repairTornTail(file: string, onNotice: (message: string) => void = () => {}): number {
  let fd: number;
  try {
    fd = openNoFollow(file, fs.constants.O_RDWR);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  try {
    const size = fs.fstatSync(fd).size;
    const keep = lastLineEnd(fd, size);
    if (keep === size) return 0;
    const torn = openNoFollow(`${file}.torn`, APPEND, 0o600);
    try {
      // The fragment is a piece of a record: a .torn file left by an older version or another tool is narrowed too.
      fs.fchmodSync(torn, 0o600);
      const buf = Buffer.allocUnsafe(SCAN);
      for (let at = keep; at < size;) {
        const n = fs.readSync(fd, buf, 0, Math.min(SCAN, size - at), at);
        fs.writeSync(torn, buf, 0, n);
        at += n;
      }
      fs.writeSync(torn, '\n');
    } finally {
      fs.closeSync(torn);
    }
    fs.ftruncateSync(fd, keep);
    onNotice(
      `${file}: the last line was torn (${size - keep} bytes without a newline, from a crash mid-write); moved it to ${file}.torn`,
    );
    return size - keep;
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes all of `data` at the end of the file; a short write (full disk) continues where it stopped. */
function writeWhole(fd: number, data: Buffer): void {
  for (let at = 0; at < data.length;) at += fs.writeSync(fd, data, at, data.length - at);
}

export class JsonlAppender {
  private fd: number;
  private size: number;

  constructor(
    readonly file: string,
    private readonly o: AppendOptions = {},
  ) {
    refuseSymlink(file);
    refuseSymlink(`${file}.torn`);
    repairTornTail(file, o.onNotice);
    this.fd = this.open();
    this.size = fs.fstatSync(this.fd).size;
  }

  private open(): number {
    // Between the check and this open a link could still appear: O_NOFOLLOW makes the open itself refuse it.
    const fd = openNoFollow(this.file, APPEND, this.o.mode ?? 0o666);
    // A file created before (or by umask) with a wider mode is narrowed: it holds the same data.
    if (this.o.mode !== undefined) fs.fchmodSync(fd, this.o.mode);
    return fd;
  }

  append(row: unknown): void {
    const data = Buffer.from(JSON.stringify(row) + '\n');
    if (this.o.maxBytes !== undefined && this.size > 0 && this.size + data.length > this.o.maxBytes) this.rotate();
    writeWhole(this.fd, data);
    this.size += data.length;
  }

  private rotate(): void {
    fs.closeSync(this.fd);
    const keep = Math.max(1, this.o.keep ?? 1);
    fs.rmSync(`${this.file}.${keep}`, { force: true });
    for (let i = keep - 1; i >= 1; i--)
      if (fs.existsSync(`${this.file}.${i}`)) fs.renameSync(`${this.file}.${i}`, `${this.file}.${i + 1}`);
    fs.renameSync(this.file, `${this.file}.1`);
    this.fd = this.open();
    this.size = 0;
    this.o.onNotice?.(`${this.file}: rotated at ${this.o.maxBytes} bytes (keeping ${keep} older files)`);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
