/**
 * A model directory's manifest names the aggregation and combination its model is meant for; the gateway
 * uses them over BESTOFN_AGGREGATE / BESTOFN_COMBINE, and a request's `aggregate` still wins.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregate } from '../../src/core/aggregate';
import { createOnnxScorer } from '../../src/scorer/onnx/index';
import { tempModel } from '../scorer/onnx/fixtures';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const PROBLEM =
  'Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether?';
const THINKING = 'Half of 48 is 24.\n\nSo May is 24.\n\nAdding: 48 + 24 = 72.';
const RESPONSE = 'April: 48, May: 24.\n\nThe answer is \\boxed{72}.';

describe('reward recipe from the model manifest', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    const dir = tempModel('step-classifier');
    const file = path.join(dir, 'bestofn-prm.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), aggregate: 'last', combine: 'reasonflux' }),
    );
    const scorer = await createOnnxScorer({
      modelDir: dir,
      device: 'cpu',
      batchTokens: 1 << 16,
      queueLimit: 1000,
      cacheEntries: 100,
      cacheMB: 4,
    });
    gw = await startTestGateway(
      { SCORER: 'onnx', PRM_MODEL_DIR: '/unused', BESTOFN_AGGREGATE: 'min', BESTOFN_ALPHA: '0.5' },
      {},
      scorer,
    );
  });
  afterAll(() => gw?.close());

  const rewards = async (body: Record<string, unknown>) => {
    const r = await fetch(`${gw.url}/rewards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(r.status).toBe(200);
    return (await r.json()) as any;
  };

  it("uses the manifest's aggregate and the reasonflux combination: mean(thinking) + α·agg(response)", async () => {
    const body = await rewards({ problem: PROBLEM, candidates: [{ reasoning_content: THINKING, content: RESPONSE }] });
    expect(body).toMatchObject({ aggregate: 'last', combine: 'reasonflux', alpha: 0.5 });
    const [d] = body.data;
    expect(d.thinking.step_rewards).toHaveLength(3);
    const mean = aggregate(d.thinking.step_rewards, 'mean')!;
    expect(d.reward).toBeCloseTo(mean + 0.5 * d.response.step_rewards.at(-1), 12);
  });

  it("lets the request's aggregate override the manifest's for the response part", async () => {
    const body = await rewards({
      problem: PROBLEM,
      aggregate: 'min',
      candidates: [{ reasoning_content: THINKING, content: RESPONSE }],
    });
    const [d] = body.data;
    expect(body.aggregate).toBe('min');
    expect(d.reward).toBeCloseTo(
      aggregate(d.thinking.step_rewards, 'mean')! + 0.5 * Math.min(...d.response.step_rewards),
      12,
    );
  });
});
