/**
 * The remote scorer's request against the reference inputs (test/fixtures/shared/test-vectors/prm-inputs): for the
 * 800 pool responses, sampled candidates go through the real path (anatomy split → PRM scorer → request
 * body → loopback vLLM stand-in), and what the server receives must render, with the served model's chat
 * template, to exactly the reference text — and so encode to the reference ids, tag positions included.
 * The 5 hand-made cases (the `system: null` one too) go through the sequence scorer directly. Both forms.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toCandidateParts } from '../../src/core/anatomy';
import { QWEN_PRM_SYSTEM_PROMPT } from '../../src/core/prm-prompt';
import { createPrmScorer } from '../../src/scorer/prm-scorer';
import { createRemoteVllmSequenceScorer } from '../../src/scorer/remote-vllm';
import type { PoolingRequestForm } from '../../src/scorer/remote-request';
import { servedTemplate, startFakeVllm, type FakeVllm } from '../helpers/fake-vllm-pooling';
import { qwenEncode } from './onnx/fixtures';
import { REFERENCE_CASES, type ReferenceCase } from '../helpers/prm-reference-cases';

const CASES = REFERENCE_CASES;
const POOL = CASES.filter((c) => c.response !== undefined);
const HAND_MADE = CASES.filter((c) => c.response === undefined);

let fake: FakeVllm;
beforeAll(async () => {
  fake = await startFakeVllm();
});
afterAll(() => fake.close());

const scorerFor = (form: PoolingRequestForm, systemPrompt: string | null) =>
  createRemoteVllmSequenceScorer({
    baseUrl: fake.url,
    model: 'Qwen/Qwen2.5-Math-PRM-7B',
    timeoutMs: 10_000,
    systemPrompt,
    form,
    template: servedTemplate(),
  });

/** What the server tokenizes: the rendered text, encoded whole. */
const sameIds = (text: string, c: ReferenceCase) => {
  const ids = qwenEncode(text);
  const tags = ids.flatMap((id, i) => (id === 151651 ? [i] : []));
  return ids.join() === c.ids.join() && tags.join() === c.tag_positions.join();
};

for (const form of ['messages', 'text'] as const) {
  describe(`remote scorer request (${form} form) against the reference inputs`, () => {
    it('sends, for each of the 800 pool responses, exactly the reference text and ids', async () => {
      expect(POOL).toHaveLength(800);
      const scorer = createPrmScorer(scorerFor(form, QWEN_PRM_SYSTEM_PROMPT));
      const byProblem = new Map<string, ReferenceCase[]>();
      for (const c of POOL) byProblem.set(c.problem, [...(byProblem.get(c.problem) ?? []), c]);
      const missing: string[] = [];
      for (const [problem, cases] of byProblem) {
        const before = fake.rendered.length;
        await scorer.score({ problem, candidates: cases.map((c) => toCandidateParts({ content: c.response! })) });
        const sent = new Set(fake.rendered.slice(before).flat());
        for (const c of cases) if (!sent.has(c.text) || !sameIds(c.text, c)) missing.push(c.name);
        // Every request holds one of these cases' texts: nothing else was sent.
        expect([...sent].every((t) => cases.some((c) => c.text === t))).toBe(true);
      }
      expect(missing).toEqual([]);
    });

    it('sends the hand-made cases exactly, the system: null one with the template default', async () => {
      expect(HAND_MADE.map((c) => c.name)).toContain('no-system');
      for (const c of HAND_MADE) {
        const before = fake.rendered.length;
        await scorerFor(form, c.system).scoreSequences([{ problem: c.problem, steps: c.steps }]);
        const [text] = fake.rendered.slice(before).flat();
        expect(text, c.name).toBe(c.text);
        expect(sameIds(text!, c), c.name).toBe(true);
      }
    });
  });
}
