/**
 * The 805 PRM inputs the reference code built (test/fixtures/shared/test-vectors/prm-inputs, README there: the
 * Qwen2.5-Math-PRM-7B model card's apply_chat_template + encode), rebuilt through the in-process scorer's
 * own input path — a real model directory loaded by loadModelDir, then planSequence — and compared id for
 * id, tag positions included. No tolerance: one differing id fails the case.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitSteps } from '../../../src/core/steps';
import { loadModelDir } from '../../../src/scorer/onnx/model-dir';
import type { LoadedPrm } from '../../../src/scorer/onnx/model-dir';
import { planSequence } from '../../../src/scorer/onnx/onnx-sequence-scorer';
import { makeTestPrm } from '../../../tools/make-test-prm';
import { TOKENIZER_DIR } from './fixtures';
import { REFERENCE_CASES, type ReferenceCase } from '../../helpers/prm-reference-cases';

const CASES = REFERENCE_CASES;

let prm: LoadedPrm;
let dir: string;
const logs: string[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-ref-'));
  // Long enough that no reference case is windowed: the reference never windows.
  makeTestPrm({ kind: 'step-classifier', out: dir, tokenizerDir: TOKENIZER_DIR, maxLength: 1 << 16 });
  prm = await loadModelDir(dir, { device: 'cpu', log: (m) => logs.push(m) });
});
afterAll(async () => {
  await prm?.session.release();
  fs.rmSync(dir, { recursive: true, force: true });
});

function rowOf(c: ReferenceCase) {
  const manifest =
    prm.manifest.kind === 'step-classifier' ? { ...prm.manifest, system_prompt: c.system } : prm.manifest;
  const plan = planSequence({ ...prm, manifest }, { problem: c.problem, steps: c.steps }, prm.encode);
  expect(plan.rows).toHaveLength(1);
  return plan.rows[0]!;
}

describe('reference PRM inputs (qwen2.5-math-prm.jsonl)', () => {
  it('holds the 805 cases the README describes, one of them without a system message', () => {
    expect(CASES).toHaveLength(805);
    expect(CASES.filter((c) => c.system === null).map((c) => c.name)).toEqual(['no-system']);
  });

  it('start-up rendered the fixed example and logged its first ids', () => {
    expect(logs.some((l) => /PRM input check passed \(<extra_0> = 151651\).*\[151644, /.test(l))).toBe(true);
  });

  it('builds every case id for id, tag positions included', () => {
    const failures: string[] = [];
    for (const c of CASES) {
      const row = rowOf(c);
      const same = row.ids.length === c.ids.length && row.ids.every((id, i) => id === c.ids[i]);
      const tags = row.tagPositions.join() === c.tag_positions.join();
      if (!same || !tags) failures.push(c.name);
    }
    expect(failures).toEqual([]);
  });

  it('gives the system: null case the template default system turn, as apply_chat_template does', () => {
    const c = CASES.find((x) => x.name === 'no-system')!;
    expect(c.text.startsWith('<|im_start|>system\nYou are Qwen')).toBe(true);
    expect(rowOf(c).ids).toEqual(c.ids);
  });

  it('splits each pool response into the reference steps (text.split("\\n\\n"), pieces unstripped)', () => {
    const pool = CASES.filter((c) => c.response !== undefined);
    expect(pool).toHaveLength(800);
    const differ = pool.filter((c) => JSON.stringify(splitSteps(c.response!)) !== JSON.stringify(c.steps));
    expect(differ.map((c) => c.name)).toEqual([]);
  });
});
