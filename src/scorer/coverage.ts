/**
 * What decides the answer for each kind of request under each scorer (the README table "What decides"), and
 * the start-up warning naming the kinds the configured scorer cannot rank, so an operator learns before the
 * first bill that free text under SCORER=vote buys N candidates and returns the first.
 */
import type { ScorerName } from './registry';

export const REQUEST_KINDS = ['math answer', 'multiple choice', 'JSON or literal answer', 'free text or code'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** The `decided_by` each kind gets under a scorer (tool calls and response_format are the same for every scorer). */
export function decidesFor(scorer: ScorerName, kind: RequestKind): 'vote' | 'reward' | 'judge' | 'tie' {
  if (scorer === 'judge') return 'judge';
  if (scorer === 'vote') return kind === 'free text or code' ? 'tie' : 'vote';
  return 'reward';
}

/** The start-up warning for this configuration, or null when every kind is ranked by something. */
export function coverageWarning(config: { SCORER: ScorerName; JUDGE_MODEL?: string | undefined }): string | null {
  const unranked = REQUEST_KINDS.filter((k) => decidesFor(config.SCORER, k) === 'tie');
  if (unranked.length > 0) {
    const remedy = config.JUDGE_MODEL
      ? `only requests that send bestofn.judge are judged (JUDGE_MODEL=${config.JUDGE_MODEL}); SCORER=judge judges all`
      : 'set JUDGE_MODEL and SCORER=judge (or bestofn.judge per request) to compare them';
    return `SCORER=${config.SCORER} cannot rank ${unranked.join(', ')}: N candidates are sampled and the first is returned (decided_by: tie); ${remedy}`;
  }
  if (config.SCORER === 'onnx' || config.SCORER === 'remote')
    return `SCORER=${config.SCORER}: a process reward model trained on math steps scores free text and code outside its training; set JUDGE_MODEL to let requests ask for a judge (bestofn.judge)`;
  return null;
}
