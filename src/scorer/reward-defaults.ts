/**
 * The model's own reward recipe (its manifest's `aggregate` and `combine`) over the server defaults:
 * BESTOFN_AGGREGATE / BESTOFN_COMBINE apply to models that name none. A request's `aggregate` still wins.
 */
import type { Config } from '../config';
import type { Scorer } from './types';

type RewardConfig = Pick<Config, 'BESTOFN_AGGREGATE' | 'BESTOFN_COMBINE'>;

export function withModelRewardDefaults<C extends RewardConfig>(config: C, model: Scorer['rewardDefaults']): C {
  return {
    ...config,
    BESTOFN_AGGREGATE: model?.aggregate ?? config.BESTOFN_AGGREGATE,
    BESTOFN_COMBINE: model?.combine ?? config.BESTOFN_COMBINE,
  };
}
