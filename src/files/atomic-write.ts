import fs from 'node:fs';

/**
 * Writes a whole file or nothing: a temporary file beside it, flushed, then renamed over it. A crash
 * leaves the old file or the new one, never half of one.
 */
export function writeFileAtomic(file: string, data: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}
