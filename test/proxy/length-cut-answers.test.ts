import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MATH, startTestGateway, type TestGateway } from '../helpers/gateway';

/**
 * Issue 27, item 23a: a candidate cut at max_tokens (finish_reason `length`) that never stated an answer
 * is not read as answering the last number it wrote. Two degenerate candidates loop on "7" until cut;
 * one finishes with a boxed 5. Read by the last-number fallback, the loops would outvote it.
 */
const LOOP = `We count again: 7\n\n${'and again 7\n'.repeat(40)}and again 7`;

describe('a candidate cut at max_tokens without a final answer', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway(
      { BESTOFN_SELECT: 'majority' },
      {
        respond: (_body, _index, call) =>
          call % 3 === 2
            ? { content: 'Adding the numbers gives $\\boxed{5}$.', finish_reason: 'stop' }
            : { content: LOOP, finish_reason: 'length' },
      },
    );
  });
  afterAll(() => t.close());

  it('has no answer and does not win the vote through its last number', async () => {
    const res = await t.client.chat.completions.create({ model: 'm', messages: MATH, best_of: 3 } as never);
    const meta = (res as any).bestofn;
    const cut = meta.candidates.filter((c: any) => c.finish_reason === 'length');
    expect(cut).toHaveLength(2);
    for (const c of cut) expect(c.answer).toBeNull();
    expect(res.choices[0]!.message.content).toContain('\\boxed{5}');
  });

  it('a finished candidate with the same text still answers its last number', async () => {
    const other = await startTestGateway({}, { respond: () => ({ content: LOOP, finish_reason: 'stop' }) });
    try {
      const res = await other.client.chat.completions.create({ model: 'm', messages: MATH, best_of: 2 } as never);
      expect((res as any).bestofn.candidates.map((c: any) => c.answer)).toEqual(['7', '7']);
    } finally {
      await other.close();
    }
  });
});
