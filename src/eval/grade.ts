/**
 * How `bestofn eval` reads and grades an answer to one problem: a math answer by mathEqual, a multiple-choice
 * answer by its letter (read from any of the forms src/core/choice-answer.ts knows), a literal by value.
 */
import type { ChatCompletionMessage } from 'openai/resources/chat/completions';
import { toCandidateParts } from '../core/anatomy';
import { choicesFor, extractChoice } from '../core/choice-answer';
import { defaultGroupKey } from '../core/clusters';
import { literalEqual } from '../core/literal';
import { mathEqual } from '../core/math';
import type { EvalProblem } from './dataset';

/**
 * mathEqual's default budget (2000 ms of wall clock) suits the gateway's hot path, but a grade must not
 * depend on machine load: its first call alone (mathjs warming up) can take 100 ms or more, and under a
 * busy event loop a true equivalence would be graded wrong. Grading gets a generous budget instead.
 */
const GRADE_BUDGET_MS = 5000;

export interface Grader {
  /** The answer a returned message states, read as the gateway reads its candidates. */
  read(message: Pick<ChatCompletionMessage, 'content'> & { reasoning_content?: string | null }): string | null;
  grade(pred: string | null): boolean;
  /** What votes group on. */
  key(answer: string): string;
}

export function graderFor(p: Pick<EvalProblem, 'problem' | 'answer' | 'choices'>): Grader {
  const choices = p.choices ? choicesFor(p.problem, 'choice') : null;
  if (choices) {
    const letter = (a: string) => extractChoice(a, choices);
    return {
      read: (m) => {
        const parts = toCandidateParts(m, { complete: true });
        return extractChoice(parts.response, choices) ?? extractChoice(parts.thinking, choices);
      },
      grade: (pred) => pred !== null && letter(pred) === p.answer,
      key: (a) => letter(a) ?? defaultGroupKey(a),
    };
  }
  return {
    read: (m) => toCandidateParts(m, { complete: true }).answer,
    grade: (pred) =>
      pred !== null && (literalEqual(pred, p.answer) || mathEqual(pred, p.answer, { budgetMs: GRADE_BUDGET_MS })),
    key: defaultGroupKey,
  };
}
