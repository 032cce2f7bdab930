import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonlAppender } from '../../src/files/jsonl-append';

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

describe.skipIf(process.platform === 'win32')('JsonlAppender keeps private files private', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-append-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('narrows a pre-existing 0644 .torn file to 0600 when it moves a torn fragment there', () => {
    const file = path.join(dir, 'records.jsonl');
    fs.writeFileSync(file, '{"a":1}\n{"b":', { mode: 0o600 });
    fs.writeFileSync(`${file}.torn`, '{"older":\n', { mode: 0o644 });
    fs.chmodSync(`${file}.torn`, 0o644); // whatever the umask
    const notices: string[] = [];
    const out = new JsonlAppender(file, { mode: 0o600, onNotice: (m) => notices.push(m) });
    out.append({ c: 3 });
    out.close();
    expect(notices.join('')).toMatch(/moved it to .*records\.jsonl\.torn/);
    expect(fs.readFileSync(`${file}.torn`, 'utf8')).toBe('{"older":\n{"b":\n');
    expect(modeOf(`${file}.torn`)).toBe(0o600);
    expect(modeOf(file)).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"a":1}\n{"c":3}\n');
  });

  it('refuses a symbolic link in the file’s place, leaving its target untouched', () => {
    const target = path.join(dir, 'someone-elses.txt');
    fs.writeFileSync(target, 'not yours\n');
    fs.chmodSync(target, 0o644);
    const link = path.join(dir, 'linked.jsonl');
    fs.symlinkSync(target, link);
    expect(() => new JsonlAppender(link, { mode: 0o600 })).toThrow(
      `${link} is a symbolic link; give the path of a regular file (links are not followed)`,
    );
    expect(modeOf(target)).toBe(0o644);
    expect(fs.readFileSync(target, 'utf8')).toBe('not yours\n');
  });

  it('refuses a symbolic link where the .torn file goes', () => {
    const target = path.join(dir, 'elsewhere.txt');
    fs.writeFileSync(target, '');
    fs.chmodSync(target, 0o644);
    const file = path.join(dir, 'torn-link.jsonl');
    fs.writeFileSync(file, '{"a":1}\n{"b":');
    fs.symlinkSync(target, `${file}.torn`);
    expect(() => new JsonlAppender(file, { mode: 0o600 })).toThrow(/torn-link\.jsonl\.torn is a symbolic link/);
    expect(fs.readFileSync(target, 'utf8')).toBe('');
    expect(modeOf(target)).toBe(0o644);
  });
});
