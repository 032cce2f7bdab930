import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, MATH, type TestGateway } from '../../helpers/gateway';
import { tempModel } from './fixtures';
import { metadataOf } from '../../helpers/metadata';

/** The gateway started with a generated test PRM directory, configured only through env, as a user would. */
describe('SCORER=onnx end to end', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ SCORER: 'onnx', PRM_MODEL_DIR: tempModel('step-classifier'), SCORER_DEVICE: 'cuda' });
  });
  afterAll(() => t.close());

  it('returns PRM step rewards for thinking and response, and picks the highest combined reward', async () => {
    const res = await t.client.chat.completions.create({ model: 'fake-model', messages: MATH, best_of: 6 } as never);
    const meta = metadataOf(res);
    expect(meta.scorer).toBe('onnx');
    expect(meta.scorer_info?.provider).toBe('cpu');
    for (const c of meta.candidates) {
      const thinking = c.step_rewards?.thinking?.map(Number) ?? [];
      const response = c.step_rewards?.response?.map(Number) ?? [];
      expect(thinking).toHaveLength(c.steps!.thinking);
      expect(response).toHaveLength(c.steps!.response);
      for (const r of [...thinking, ...response])
        (expect(r).toBeGreaterThanOrEqual(0), expect(r).toBeLessThanOrEqual(1));
      // Default aggregate min and w = 0.5: the reward is the mean of the two parts' weakest steps.
      const expected = 0.5 * Math.min(...thinking) + 0.5 * Math.min(...response);
      expect(c.reward).toBeCloseTo(expected, 5);
    }
    const best = Math.max(...meta.candidates.map((c) => c.reward ?? -Infinity));
    expect(meta.candidates[meta.selected[0]!]!.reward).toBe(best);
  });

  it('reports the execution provider in /healthz', async () => {
    const health = await (await fetch(`${t.gateway.url}/healthz`)).json();
    expect(JSON.stringify(health)).toContain('"provider":"cpu"');
  });
});
