/** argmax among equal rewards picks the lowest index; the metadata says so instead of hiding it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, MATH, type TestGateway } from '../helpers/gateway';
import { metadataOf } from '../helpers/metadata';

describe('argmax ties in metadata', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway();
  });
  afterAll(() => t.close());

  it('names the tied candidates and the rule that broke the tie', async () => {
    const res = await t.client.chat.completions.create({
      model: 'fake-model',
      messages: MATH,
      bestofn: { n: 8, select: 'argmax' },
    } as never);
    const meta = metadataOf(res);
    const rewards = meta.candidates.map((c: { reward: number | null }) => c.reward);
    const best = Math.max(...rewards.filter((r: number | null) => r !== null));
    const tied = meta.candidates
      .filter((c: { reward: number | null }) => c.reward === best)
      .map((c: { index: number }) => c.index);
    if (tied.length > 1) {
      expect(meta.argmax_tie).toEqual({ candidates: tied, broken_by: 'lowest index' });
      expect(meta.selected[0]).toBe(tied[0]);
    } else {
      expect(meta).not.toHaveProperty('argmax_tie');
    }
    // The vote scorer gives equal answers equal rewards, so 8 samples of a few answers must tie.
    expect(tied.length).toBeGreaterThan(1);
  });
});
