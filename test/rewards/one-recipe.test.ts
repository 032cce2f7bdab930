/**
 * One trace scored three ways (the serve path, POST /v1/rewards and `bestofn select`) gets one reward:
 * all three resolve the recipe in core/reward-recipe.ts. The manifest names the reasonflux combination
 * and the `mean` aggregate, which must beat BESTOFN_AGGREGATE; BESTOFN_ALPHA sets α. `bestofn select` once
 * used the weighted formula with BESTOFN_AGGREGATE whatever the manifest or BESTOFN_COMBINE said.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectCommand } from '../../src/cli/select';
import { aggregate } from '../../src/core/aggregate';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { metadataOf } from '../helpers/metadata';
import { tempModel } from '../scorer/onnx/fixtures';

const PROBLEM = 'Natalia sold 48 clips in April and half as many in May. How many clips did she sell altogether?';
const THINKING = 'Half of 48 is 24.\n\nSo May is 24.\n\nAdding: 48 + 24 = 72.';
const RESPONSE = 'April: 48, May: 24.\n\nThe answer is \\boxed{72}.';
/** Server settings that each disagree with the manifest or change the formula, so a path that skips one shows. */
const ENV = {
  BESTOFN_AGGREGATE: 'min',
  BESTOFN_COMBINE: 'weighted',
  BESTOFN_ALPHA: '0.5',
  BESTOFN_THINKING_WEIGHT: '0.3',
};

describe('one trace, one reward: serve, /v1/rewards and bestofn select', () => {
  let modelDir: string;
  let gw: TestGateway;
  let dir: string;
  beforeAll(async () => {
    modelDir = tempModel('step-classifier');
    const file = path.join(modelDir, 'bestofn-prm.json');
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...manifest, aggregate: 'mean', combine: 'reasonflux' }));
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bestofn-one-recipe-'));
    gw = await startTestGateway(
      { SCORER: 'onnx', PRM_MODEL_DIR: modelDir, SCORER_DEVICE: 'cpu', ...ENV },
      { respond: () => ({ content: RESPONSE, reasoning_content: THINKING }) },
    );
  });
  afterAll(async () => {
    await gw?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gives the same reward, by the manifest recipe with BESTOFN_ALPHA', async () => {
    const served = metadataOf(
      await gw.client.chat.completions.create({
        model: 'fake-model',
        messages: [{ role: 'user', content: PROBLEM }],
        best_of: 2,
      } as never),
    );
    const candidate = served.candidates[0]!;

    const res = await fetch(`${gw.url}/rewards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ problem: PROBLEM, candidates: [{ reasoning_content: THINKING, content: RESPONSE }] }),
    });
    expect(res.status).toBe(200);
    const api = (await res.json()) as any;
    expect(api).toMatchObject({ aggregate: 'mean', combine: 'reasonflux', alpha: 0.5 });

    const input = path.join(dir, 'in.jsonl');
    const out = path.join(dir, 'out.jsonl');
    fs.writeFileSync(input, JSON.stringify({ problem: PROBLEM, reasoning: THINKING, response: RESPONSE }) + '\n');
    const io = { stdout: { write: () => true }, stderr: { write: () => true } };
    expect(await selectCommand(['--input', input, '--out', out, '--model-dir', modelDir, '--quiet'], ENV, io)).toBe(0);
    const selected = JSON.parse(fs.readFileSync(out, 'utf8').trim());

    // The three read the same step rewards, and make them one reward the same way.
    const { thinking, response } = api.data[0];
    expect(selected.bestofn_step_rewards.thinking).toEqual(thinking.step_rewards);
    expect(candidate.step_rewards!.response!.map(Number)).toEqual(
      response.step_rewards.map((r: number) => Math.round(r * 1e6) / 1e6),
    );
    const expected = aggregate(thinking.step_rewards, 'mean')! + 0.5 * aggregate(response.step_rewards, 'mean')!;
    expect(api.data[0].reward).toBeCloseTo(expected, 12);
    expect(selected.bestofn_reward).toBeCloseTo(expected, 12);
    expect(candidate.reward).toBeCloseTo(expected, 5); // the metadata rounds to 6 decimals
  });

  it('lets the run choose: --aggregate beats the manifest, as a request’s aggregate does on the server', async () => {
    const input = path.join(dir, 'in.jsonl');
    const out = path.join(dir, 'out-last.jsonl');
    const io = { stdout: { write: () => true }, stderr: { write: () => true } };
    const args = ['--input', input, '--out', out, '--model-dir', modelDir, '--aggregate', 'last', '--quiet'];
    expect(await selectCommand(args, ENV, io)).toBe(0);
    const row = JSON.parse(fs.readFileSync(out, 'utf8').trim());
    const { thinking, response } = row.bestofn_step_rewards;
    // reasonflux keeps the thinking mean; the response part takes the run's aggregate.
    expect(row.bestofn_reward).toBeCloseTo(aggregate(thinking, 'mean')! + 0.5 * response.at(-1), 12);
  });
});
