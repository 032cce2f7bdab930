/**
 * Every selection rule, one record each, under its public name: the name BESTOFN_SELECT, `bestofn.select`,
 * `x-bestofn-select` and the response metadata use. Ranking (rank.ts), the metadata (proxy/metadata.ts),
 * the offline metrics (eval/metrics.ts) and the eval report read these records and branch on `vote`, never
 * on a rule's name.
 *
 * To add a rule: add one record here. A rule that groups candidates in a new way also needs a new `vote`
 * kind; the exhaustive switches on it (rank.ts, eval/metrics.ts) then fail to compile until both handle it.
 */

/** How a rule turns rewards and answers into an order. */
export type VoteKind =
  /** No vote: the single highest reward wins. */
  | 'none'
  /** Candidates group by equivalent answer; the group with the most members wins. */
  | 'count'
  /** Candidates group by equivalent answer; the group with the largest reward sum wins. */
  | 'reward';

export interface SelectionRule {
  vote: VoteKind;
  /** Ranks by the scorer's rewards: without rewards the eval leaves it out, and charges it the scorer's tokens. */
  usesRewards: boolean;
  /** A few words of help (the README's Controls table). */
  help: string;
  /**
   * Its metric name in an eval's report.json (`maj@8`…), kept from before the names were unified because
   * saved reports and replayed pools' reference figures (eval/pool-reference.ts) use it. Nothing else does.
   */
  reportKey: string;
  /** Its row in the eval report. */
  label: string;
}

/** Keys are the public names, in the order help and error messages list them. */
export const SELECTION_RULES = {
  argmax: {
    vote: 'none',
    usesRewards: true,
    help: 'highest reward',
    reportKey: 'argmax',
    label: 'argmax@N (top reward)',
  },
  weighted_vote: {
    vote: 'reward',
    usesRewards: true,
    help: 'answer group with the largest reward sum',
    reportKey: 'weighted',
    label: 'weighted@N (reward-weighted vote)',
  },
  majority: {
    vote: 'count',
    usesRewards: false,
    help: 'largest answer group',
    reportKey: 'maj',
    label: 'maj@N (majority vote)',
  },
} as const satisfies Record<string, SelectionRule>;

export type SelectMethod = keyof typeof SELECTION_RULES;

/** The public names, for the zod enums of config, request controls and metadata. */
export const SELECT_METHODS = Object.keys(SELECTION_RULES) as [SelectMethod, ...SelectMethod[]];

export const selectionRule = (name: SelectMethod): SelectionRule => SELECTION_RULES[name];

/** The eval report's rows, derived so a new rule appears there too: answers only, answers and rewards, rewards only. */
const evalRow = (name: SelectMethod) =>
  (SELECTION_RULES[name].usesRewards ? 2 : 0) + (SELECTION_RULES[name].vote === 'none' ? 1 : 0);
export const EVAL_RULE_ORDER: readonly SelectMethod[] = [...SELECT_METHODS].sort((a, b) => evalRow(a) - evalRow(b));
