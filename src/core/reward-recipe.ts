/**
 * How step rewards become one candidate reward, decided in one place for every path that scores: the
 * serve path (proxy/best-of-n.ts, the live path), POST /v1/rewards and `bestofn select`. Precedence, most
 * specific first:
 *   - the request's own `aggregate` (and `thinking_weight` on /v1/rewards);
 *   - the reward model's manifest (`aggregate`, `combine` in bestofn-prm.json: what it was trained with);
 *   - the server settings BESTOFN_AGGREGATE, BESTOFN_COMBINE, BESTOFN_ALPHA, BESTOFN_THINKING_WEIGHT.
 * Pure: the settings are handed in, never read here.
 */
import { recipeFor, type Combine, type RewardRecipe } from './aggregate';
import type { Aggregate } from './types';

/** The server settings a recipe starts from (config.ts declares and parses them). */
export interface RewardSettings {
  BESTOFN_AGGREGATE: Aggregate;
  BESTOFN_COMBINE: Combine;
  BESTOFN_ALPHA: number;
  BESTOFN_THINKING_WEIGHT: number;
}

/** What a reward model's manifest says about its own recipe; absent fields fall to the server settings. */
export interface ModelRecipe {
  aggregate?: Aggregate;
  combine?: Combine;
}

/** A request's overrides. */
export interface RecipeRequest {
  aggregate?: Aggregate;
  thinkingWeight?: number;
}

/** The recipe defaults of a server and its model, before any request: what a request's overrides apply to. */
export interface RewardDefaults {
  aggregate: Aggregate;
  combine: Combine;
  alpha: number;
  thinkingWeight: number;
}

export const rewardDefaults = (settings: RewardSettings, model?: ModelRecipe): RewardDefaults => ({
  aggregate: model?.aggregate ?? settings.BESTOFN_AGGREGATE,
  combine: model?.combine ?? settings.BESTOFN_COMBINE,
  alpha: settings.BESTOFN_ALPHA,
  thinkingWeight: settings.BESTOFN_THINKING_WEIGHT,
});

/** The recipe one request is scored by. */
export const resolveRecipe = (defaults: RewardDefaults, request: RecipeRequest = {}): RewardRecipe =>
  recipeFor(defaults.combine, request.aggregate ?? defaults.aggregate, {
    thinkingWeight: request.thinkingWeight ?? defaults.thinkingWeight,
    alpha: defaults.alpha,
  });

/**
 * The server settings with the model's manifest applied, for a server that loaded its model at start:
 * every later default (the request options' `aggregate`, the metadata) then already is the model's.
 */
export function withModelRecipe<C extends RewardSettings>(settings: C, model: ModelRecipe | undefined): C {
  const d = rewardDefaults(settings, model);
  return { ...settings, BESTOFN_AGGREGATE: d.aggregate, BESTOFN_COMBINE: d.combine };
}
