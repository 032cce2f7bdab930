import { describe, it, expect } from 'vitest';
import { assemble, planStepClassifier, planValueHead } from '../../../src/scorer/onnx/prm-input';
import { STEP_TAG_ID, qwenEncode, qwenPieces } from './fixtures';

const SYSTEM = 'Please reason step by step, and put your final answer within \\boxed{}.';
const PROBLEM = 'What is 2+3?';
const STEPS = ['Add 2 and 3.', 'The answer is \\boxed{5}.'];

// Hand-checked against tokenizer.json's vocab: <|im_start|>=151644, <|im_end|>=151645, "\n"=198,
// system=8948, user=872, assistant=77091, Please=5501, Ġreason=2874, Ġstep=3019, Ġand=323, Add=2212,
// The=785, Ġanswer=4226, Ġ\=1124, boxed=79075, {}.=46391, }.=7810; Qwen splits digits: 'Ġ' 220 then '2' 17.
const EXPECTED = [
  151644,
  8948,
  198, // <|im_start|>system\n
  5501,
  2874,
  3019,
  553,
  3019,
  11,
  323,
  2182,
  697,
  1590,
  4226,
  2878,
  1124,
  79075,
  46391, // Please … \boxed{}.
  151645,
  198,
  151644,
  872,
  198, // <|im_end|>\n<|im_start|>user\n
  3838,
  374,
  220,
  17,
  10,
  18,
  30, // What is 2+3?
  151645,
  198,
  151644,
  77091,
  198, // <|im_end|>\n<|im_start|>assistant\n
  2212,
  220,
  17,
  323,
  220,
  18,
  13,
  STEP_TAG_ID, // Add 2 and 3.<tag>
  785,
  4226,
  374,
  1124,
  79075,
  90,
  20,
  7810,
  STEP_TAG_ID, // The answer is \boxed{5}.<tag>
  151645,
  198, // <|im_end|>\n
];

describe('step-classifier input ids', () => {
  it('match the reference conversation token for token', () => {
    const row = assemble(qwenPieces(PROBLEM, STEPS, SYSTEM));
    expect(row.ids).toEqual(EXPECTED);
    expect(row.tagPositions).toEqual([42, 51]);
    expect(row.tagPositions.map((p) => row.ids[p])).toEqual([STEP_TAG_ID, STEP_TAG_ID]);
    expect(row.stepIndices).toEqual([0, 1]);
  });

  it('passes no system message when the prompt is null, so the template inserts its default', () => {
    const row = assemble(qwenPieces(PROBLEM, STEPS, null));
    expect(row.ids.slice(20 - 17)).not.toEqual(EXPECTED.slice(3));
    expect(row.ids.slice(0, 3)).toEqual([151644, 8948, 198]);
    expect(row.ids.slice(-31)).toEqual(EXPECTED.slice(-31));
  });

  it('reads rewards at its own tags even when a step holds the tag text itself', () => {
    const row = assemble(qwenPieces(PROBLEM, ['Add <extra_0> 2 and 3.', STEPS[1]!], SYSTEM));
    expect(row.tagPositions).toHaveLength(2);
    expect(row.ids.filter((id) => id === STEP_TAG_ID)).toHaveLength(3);
    expect(row.ids[row.tagPositions[1]! + 1]).toBe(151645);
  });

  it('encodes a first step that starts with a newline as the whole text would be', () => {
    const row = assemble(qwenPieces(PROBLEM, ['\nAdd 2 and 3.', STEPS[1]!], SYSTEM));
    // "assistant\n" + "\nAdd" is one "\n\n" token in the whole text, not two "\n".
    expect(row.ids.slice(32, 36)).toEqual([151644, 77091, 271, 2212]);
  });

  it('windows a long trajectory in whole steps, each window re-prefixed with the problem', () => {
    const pieces = qwenPieces(PROBLEM, [...STEPS, ...STEPS, ...STEPS], SYSTEM);
    const planned = planStepClassifier(pieces, 35 + 2 + 17);
    expect(planned.windowed).toBe(true);
    expect(planned.rows.map((r) => r.stepIndices)).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    for (const row of planned.rows) {
      expect(row.ids.slice(0, 35)).toEqual(EXPECTED.slice(0, 35));
      expect(row.ids.length).toBeLessThanOrEqual(54);
      expect(row.tagPositions.map((p) => row.ids[p])).toEqual([STEP_TAG_ID, STEP_TAG_ID]);
    }
  });

  it('keeps the end of a single step that alone exceeds the window', () => {
    const pieces = qwenPieces(PROBLEM, STEPS, SYSTEM);
    const planned = planStepClassifier(pieces, 35 + 2 + 5);
    expect(planned.windowed).toBe(true);
    expect(planned.rows.map((r) => r.ids.slice(35, -2))).toEqual([
      [323, 220, 18, 13, STEP_TAG_ID],
      [79075, 90, 20, 7810, STEP_TAG_ID],
    ]);
  });
});

describe('value-head input ids', () => {
  const format = { template: '{problem}{completion}', stepSeparator: '\n\n' };

  it('encode problem + completion as one text, as the reference does', () => {
    const planned = planValueHead(qwenEncode, PROBLEM, STEPS, format, 4096);
    expect(planned.windowed).toBe(false);
    expect(planned.rows[0]!.ids).toEqual(qwenEncode(`${PROBLEM}${STEPS[0]}\n\n${STEPS[1]}`));
    expect(planned.rows[0]!.tagPositions).toEqual([planned.rows[0]!.ids.length - 1]);
  });

  it('keeps the problem and the trailing whole steps when too long', () => {
    const steps = ['First step here.', 'Second step here.', 'Third step here.'];
    const problem = qwenEncode(PROBLEM);
    const last = qwenEncode(steps[2]!);
    const planned = planValueHead(qwenEncode, PROBLEM, steps, format, problem.length + last.length + 1);
    expect(planned.windowed).toBe(true);
    expect(planned.rows[0]!.ids).toEqual([...problem, ...last]);
  });
});
