import { afterEach, describe, expect, it } from 'vitest';
import { MATH, startTestGateway, type TestGateway } from '../helpers/gateway';
import { metadataOf } from '../helpers/metadata';

let t: TestGateway | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/**
 * Candidate i (by request order) writes ANSWERS[i]. The merging budget is the maximum: which answers merge
 * is under test, and a loaded machine must not run the default 250 ms out (test/helpers/clock.ts).
 */
const gatewayAnswering = async (answers: string[]) =>
  (t = await startTestGateway(
    { UPSTREAM_SUPPORTS_N: 'true', VOTE_CLUSTER_BUDGET_MS: '60000' },
    { respond: (_b, i) => ({ content: `Working.\n\nSo the answer is $\\boxed{${answers[i % answers.length]}}$.` }) },
  ));

describe('votes through the gateway', () => {
  it('a majority split across spellings wins, and each candidate shows its group', async () => {
    // By answer key "71" (3 votes) beats "(70)" (2), "70" (2) and "2\cdot35" (1); as one cluster, 70 has 5.
    const g = await gatewayAnswering([
      '\\left( 70 \\right)',
      '71',
      '70',
      '71',
      '70',
      '71',
      '\\left(70\\right)',
      '2\\cdot 35',
    ]);
    const res: any = await g.client.chat.completions.create({
      model: 'm',
      messages: MATH,
      best_of: 8,
      bestofn: { select: 'majority' },
    } as any);
    const meta = metadataOf(res);
    expect(meta.vote).toMatchObject({ clusters: 2, merged: 2 });
    const groups = meta.candidates.map((c: any) => c.group);
    expect(groups[1]).toBe(groups[3]);
    expect(groups[1]).toBe(groups[5]);
    for (const i of [2, 4, 6]) expect(groups[i]).toBe(groups[0]);
    expect(groups[0]).toBe(groups[2]);
    expect(groups[0]).toBe(groups[7]);
    expect(groups[0]).not.toBe(groups[1]);
    expect(res.choices[0].message.content).not.toContain('71');
  });

  it('the vote scorer counts a cluster as one answer', async () => {
    const g = await gatewayAnswering(['\\left( 70 \\right)', '71', '70', '71']);
    const meta = metadataOf(await g.client.chat.completions.create({ model: 'm', messages: MATH, best_of: 4 } as any));
    expect(meta.candidates.map((c: any) => c.reward)).toEqual([0.5, 0.5, 0.5, 0.5]);
  });

  it('reports a tie and what broke it', async () => {
    const g = await gatewayAnswering(['5', '6']);
    const meta = metadataOf(
      await g.client.chat.completions.create({
        model: 'm',
        messages: MATH,
        best_of: 2,
        seed: 3,
        bestofn: { select: 'majority' },
      } as any),
    );
    expect(meta.vote?.tie).toEqual({ groups: 2, broken_by: expect.stringMatching(/^(reward|draw)$/) });
  });
});

describe('the clustering budget', () => {
  it('past VOTE_CLUSTER_BUDGET_MS the key groups stand, and the metadata says so', async () => {
    t = await startTestGateway(
      { UPSTREAM_SUPPORTS_N: 'true', VOTE_CLUSTER_BUDGET_MS: '0' },
      { respond: (_b, i) => ({ content: `So $\\boxed{${['\\left( 70 \\right)', '70', '71'][i % 3]}}$.` }) },
    );
    const meta = metadataOf(
      await t.client.chat.completions.create({
        model: 'm',
        messages: MATH,
        best_of: 3,
        bestofn: { select: 'majority' },
      } as any),
    );
    expect(meta.vote).toMatchObject({ clusters: 3, merged: 0, timed_out: true });
  });
});
