import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { startGateway } from '../../src/node';

describe.skipIf(process.platform === 'win32')('RECORD refuses a symbolic link', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-recorder-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('fails to start with one clear error, and neither chmods nor writes the link’s target', async () => {
    const target = path.join(dir, 'shared-notes.txt');
    fs.writeFileSync(target, 'notes\n');
    fs.chmodSync(target, 0o644);
    const record = path.join(dir, 'record.jsonl');
    fs.symlinkSync(target, record);
    const config = parseConfig({
      UPSTREAM_BASE_URL: 'http://127.0.0.1:9/v1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      RECORD: record,
    });
    await expect(startGateway(config, createLogger('silent'))).rejects.toThrow(
      `${record} is a symbolic link; give the path of a regular file (links are not followed)`,
    );
    expect(fs.statSync(target).mode & 0o777).toBe(0o644);
    expect(fs.readFileSync(target, 'utf8')).toBe('notes\n');
  });
});
