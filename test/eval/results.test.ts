import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { claimRunDir } from '../../src/eval/results';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-results-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const identity = { dataset: 'd.jsonl', endpoint: 'http://127.0.0.1:1/v1', model: 'm', max_n: 4 };

describe('claimRunDir reads run.json as outside data', () => {
  it('refuses a run.json that is JSON but not an object, naming it, instead of throwing a TypeError', () => {
    for (const [name, text] of [
      ['null', 'null'],
      ['list', '[1]'],
      ['torn', '{"dataset":'],
    ] as const) {
      const out = path.join(dir, name);
      fs.mkdirSync(out);
      fs.writeFileSync(path.join(out, 'run.json'), text);
      expect(claimRunDir(out, identity)).toMatch(
        new RegExp(`^${path.join(out, 'run.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not readable JSON`),
      );
    }
  });

  it('accepts its own run.json and names a changed setting', () => {
    const out = path.join(dir, 'own');
    expect(claimRunDir(out, identity)).toBeNull();
    expect(claimRunDir(out, identity)).toBeNull();
    expect(claimRunDir(out, { ...identity, model: 'other' })).toMatch(/model: m → other/);
  });
});
