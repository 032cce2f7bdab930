import { afterEach, describe, expect, it } from 'vitest';
import type { FakeChoice } from '../helpers/fake-upstream';
import { MATH, startTestGateway, type TestGateway } from '../helpers/gateway';
import { metadataOf } from '../helpers/metadata';

/** Multiple choice votes by letter, whatever form each candidate wrote it in (issue 25). */
const GPQA_STYLE = [
  'A ball is thrown upward at 12 m/s. What is its speed when it returns to the thrower, ignoring drag?',
  '',
  'A) 6 m/s',
  'B) 12 m/s',
  'C) 24 m/s',
  'D) 0 m/s',
].join('\n');
// Four B's in forms the old extraction could not read, three C's it could, one without a letter.
const FORMS = [
  'B',
  'Answer: C',
  '**B**',
  'Energy is conserved, so \\boxed{C}',
  'Option B is correct.',
  '(C)',
  'I believe the correct option is B) 12.',
  'It depends on the drag.',
];
const byCall = (_b: unknown, _i: number, call: number): FakeChoice => ({ content: FORMS[call % FORMS.length]! });

let t: TestGateway | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('multiple choice', () => {
  it('reads the letter from every form, so four B answers outvote three C answers', async () => {
    t = await startTestGateway({}, { respond: byCall });
    const res = await t.client.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: GPQA_STYLE }],
      best_of: 8,
    } as never);
    const meta = metadataOf(res);
    expect(meta.candidates.map((c) => c.answer).sort()).toEqual(['B', 'B', 'B', 'B', 'C', 'C', 'C', null].sort());
    expect(meta.candidates[meta.selected[0]!]!.answer).toBe('B');
    expect(meta.decided_by).toBe('vote');
  });

  it('bestofn.answer: "choice" reads letters when the prompt lists no options the detector sees', async () => {
    t = await startTestGateway({}, { respond: byCall });
    const messages = [{ role: 'user' as const, content: 'Pick the right option from the attached sheet.' }];
    const plain = metadataOf(await t.client.chat.completions.create({ model: 'm', messages, best_of: 8 } as never));
    expect(plain.candidates.filter((c) => c.answer === 'B')).toHaveLength(0);
    const res = await t.client.chat.completions.create({
      model: 'm',
      messages,
      best_of: 8,
      bestofn: { answer: 'choice' },
    } as never);
    expect(metadataOf(res).candidates.filter((c) => c.answer === 'B')).toHaveLength(4);
  });

  it('an answer form outside the list is a 400', async () => {
    t = await startTestGateway({}, { respond: byCall });
    const res = await fetch(`${t.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: MATH, bestofn: { answer: 'letter' } }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { param: 'bestofn.answer' } });
  });
});

describe('decided_by', () => {
  it('says the vote chose a math answer most candidates agree on', async () => {
    t = await startTestGateway();
    const meta = metadataOf(
      await t.client.chat.completions.create({ model: 'm', messages: MATH, best_of: 8 } as never),
    );
    expect(meta.decided_by).toBe('vote');
    expect(meta.decided_note).toBeUndefined();
  });

  it('says it was a tie when two answers have as many votes under argmax', async () => {
    const answers = ['1', '2', '1', '2'];
    t = await startTestGateway({}, { respond: (_b, _i, call) => ({ content: `The answer is ${answers[call % 4]}.` }) });
    const meta = metadataOf(
      await t.client.chat.completions.create({ model: 'm', messages: MATH, best_of: 4 } as never),
    );
    expect(meta.decided_by).toBe('tie');
    expect(meta.argmax_tie?.candidates).toHaveLength(4);
  });

  it('says so plainly when only one candidate arrived', async () => {
    t = await startTestGateway({}, { fail: (_b, call) => (call === 1 ? { status: 400 } : null) });
    const meta = metadataOf(
      await t.client.chat.completions.create({ model: 'm', messages: MATH, best_of: 2 } as never),
    );
    expect(meta.n_received).toBe(1);
    expect(meta.decided_by).toBe('tie');
    expect(meta.decided_note).toMatch(/only 1 candidate/);
  });

  it('says a one-candidate passthrough compared nothing', async () => {
    t = await startTestGateway();
    const meta = metadataOf(
      await t.client.chat.completions.create({ model: 'm', messages: MATH, best_of: 1 } as never),
    );
    expect(meta.bypass).toBe('single');
    expect(meta.decided_by).toBe('tie');
    expect(meta.decided_note).toMatch(/passed through \(single\)/);
  });
});
