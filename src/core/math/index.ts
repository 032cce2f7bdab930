/**
 * Math answer equivalence for grading and voting.
 * - `answerKey` groups votes: two answers are one vote bucket only when their keys are identical.
 * - `mathEqual` / `gradeAnswer` grade against a reference with the full rules (tolerance, structure, values).
 */
export { stripString } from './strip-string';
export { mathEqual, gradeAnswer, type MathEqualOptions } from './math-equal';
export { answerKey } from './answer-key';
