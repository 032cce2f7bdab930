/**
 * Which rule chose the answer (`decided_by` in the metadata, issue 25), and a plain statement when nothing
 * could compare the candidates, so a client paying N times knows whether it got a choice or a coin.
 */
import { tieDecider, type Decider } from '../core/bestofn-metadata';
import { clusterAnswers } from '../core/clusters';
import { selectionRule } from '../core/selection-rules';
import type { BestOfNOutcome } from './best-of-n';
import type { BestOfNOptions } from './options';

/** The rule a scorer's rewards stand for. */
function ruleOf(scorer: string): Decider {
  if (scorer === 'vote') return 'vote';
  if (scorer === 'judge') return 'judge';
  return 'reward';
}

const NOTHING =
  'nothing could compare the candidates: none stated an answer the vote could group, and the scorer gave them all ' +
  'the same reward; the first was returned. Free text and code need a judge (SCORER=judge, or bestofn.judge).';

export function decidedBy(
  outcome: BestOfNOutcome,
  options: Pick<BestOfNOptions, 'select'>,
  configuredScorer: string,
): { decided_by: Decider; decided_note?: string } {
  const { ranked, vote } = outcome;
  const scorer = outcome.score?.scorer ?? configuredScorer;
  if (ranked.length < 2)
    return { decided_by: 'tie', decided_note: `only ${ranked.length} candidate arrived: there was nothing to compare` };
  // The answer rules (tool calls, response_format) decided first when they did: their vote, or validity.
  const ruled = outcome.rules?.decidedBy;
  if (ruled) return { decided_by: ruled === 'reward' ? ruleOf(scorer) : ruled };
  const valid = ranked.filter((c) => !c.invalid);
  if (valid.length === 1) return { decided_by: 'schema' };
  const winner = ranked[0]!;

  // A vote with groups: the group's size decided, or what broke a tie between groups.
  const kind = selectionRule(options.select).vote;
  if (kind !== 'none' && vote && vote.clusters > 0) {
    // A vote that sums rewards per group: the rewards' source decided as much as the count.
    const counted: Decider = kind === 'reward' ? ruleOf(scorer) : 'vote';
    return { decided_by: vote.tie ? tieDecider(vote.tie.broken_by, counted, ruleOf(scorer)) : counted };
  }

  // By reward: decided unless the best reward is shared by candidates with different answers.
  const best = winner.reward;
  const tied = valid.filter((c) => c.reward === best);
  if (best === null || tied.length > 1) {
    const answers = tied.map((c) => c.parts.answer);
    const same = answers.every((a) => a !== null) && clusterAnswers(answers).count === 1;
    if (same) return { decided_by: ruleOf(scorer) };
    const noAnswers = valid.every((c) => c.parts.answer === null);
    const allEqual = valid.every((c) => c.reward === best);
    return noAnswers && allEqual ? { decided_by: 'tie', decided_note: NOTHING } : { decided_by: 'tie' };
  }
  return { decided_by: ruleOf(scorer) };
}
