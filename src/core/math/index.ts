/**
 * Math answer equivalence for grading and voting.
 * - `answerKey` is the cheap first grouping of votes; src/core/clusters.ts then merges keys that strict
 *   `mathEqual` (`{ strict: true }`) finds equal, member by member.
 * - `mathEqual` / `gradeAnswer` grade against a reference with the full rules (tolerance, structure, values).
 */
export { stripString } from './strip-string';
export { mathEqual, gradeAnswer, type MathEqualOptions } from './math-equal';
export { answerKey } from './answer-key';
