/**
 * POST /v1/rewards: the gateway's reward model as a service, for RL reward functions and data pipelines.
 * It scores with the gateway's own Scorer instance, so requests share its micro-batcher and score cache
 * with Best-of-N traffic. Runtime-agnostic: no node:* imports.
 */
import { Hono } from 'hono';
import type { Config } from '../config';
import { rewardDefaults } from '../core/reward-recipe';
import { readJsonObject } from '../http/json-body';
import type { Scorer } from '../scorer/types';
import { parseRewardsRequest, type RewardsLimits } from './request';
import { buildRewardsResponse } from './response';

export interface RewardsDeps {
  config: Pick<Config, 'BESTOFN_AGGREGATE' | 'BESTOFN_THINKING_WEIGHT' | 'BESTOFN_COMBINE' | 'BESTOFN_ALPHA'> &
    RewardsLimits;
  scorer: Scorer;
}

export function rewardsRoutes(deps: RewardsDeps): Hono {
  const app = new Hono();

  app.post('/rewards', async (c) => {
    const body = await readJsonObject(c.req.raw);
    const request = parseRewardsRequest(body, deps.config, rewardDefaults(deps.config));
    const result = await deps.scorer.score({
      problem: request.problem,
      candidates: request.candidates,
      model: request.model,
      signal: c.req.raw.signal,
    });
    return c.json(buildRewardsResponse(request, result));
  });

  return app;
}
