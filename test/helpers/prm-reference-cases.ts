import fs from 'node:fs';
import { z } from 'zod';
import { fixturePath } from './fixture-path';

/** One PRM input the reference code built (test/fixtures/shared/test-vectors/prm-inputs; its README says how). */
const referenceCase = z.object({
  name: z.string(),
  system: z.string().nullable(),
  problem: z.string(),
  steps: z.array(z.string()),
  text: z.string(),
  ids: z.array(z.number().int()),
  tag_positions: z.array(z.number().int()),
  /** The pool response the case was built from; absent on the hand-made cases. */
  response: z.string().optional(),
});

export type ReferenceCase = z.output<typeof referenceCase>;

/** Every reference case, parsed: a file that changed shape fails here, not as a wrong id later. */
export const REFERENCE_CASES: ReferenceCase[] = fs
  .readFileSync(fixturePath('test-vectors/prm-inputs/qwen2.5-math-prm.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => referenceCase.parse(JSON.parse(l)));
