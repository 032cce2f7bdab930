/**
 * `bestofn/core`: the pure parts, for RL, data and eval code in other projects. Grading (`mathEqual`,
 * `gradeAnswer`), answer extraction, a candidate's anatomy, step-reward aggregation, ranking and votes,
 * and the Best-of-N accuracy metrics. No `node:` import, no I/O, no server: it runs in Node, a browser
 * or a Worker (test/build/package.test.ts checks the built graph).
 */
export { mathEqual, gradeAnswer, answerKey, stripString, type MathEqualOptions } from '../core/math';
export { extractAnswer, lastBoxed, normalizeAnswer } from '../core/answer';
export { splitSteps, referenceSteps, type SplitStepsOptions, type StepSplit } from '../core/steps';
export { splitCandidate, toCandidateParts, type CandidateMessage, type CandidatePartsOptions } from '../core/anatomy';
export {
  aggregate,
  candidateReward,
  combineRewards,
  recipeFor,
  COMBINES,
  DEFAULT_ALPHA,
  type Combine,
  type RewardRecipe,
} from '../core/aggregate';
export { AGGREGATES, type Aggregate, type CandidateParts, type RankedInput, type StepRewards } from '../core/types';
export {
  SELECT_METHODS,
  SELECTION_RULES,
  selectionRule,
  type SelectionRule,
  type SelectMethod,
  type VoteKind,
} from '../core/selection-rules';
export {
  resolveRecipe,
  rewardDefaults,
  type ModelRecipe,
  type RecipeRequest,
  type RewardDefaults,
  type RewardSettings,
} from '../core/reward-recipe';
export { clusterAnswers, type ClusterOptions, type Clusters, type GroupKey } from '../core/clusters';
export {
  rankCandidates,
  rankWithVotes,
  voteShares,
  TIE_BREAKS,
  type Rankable,
  type RankOptions,
  type TieBreak,
  type VoteReport,
} from '../core/rank';
export { traceConfidence, tokenConfidence, type ConfidenceMeasure, type TraceConfidence } from '../core/confidence';
export {
  argmaxReward,
  computeMetrics,
  majority,
  metricValues,
  passAtK,
  problemValue,
  weightedVote,
  STRATEGIES,
  type MetricOptions,
  type ProblemOutcome,
  type ScoredCandidate,
  type Strategy,
} from '../eval/metrics';
export { bootstrapInterval, type BootstrapOptions } from '../eval/bootstrap';
