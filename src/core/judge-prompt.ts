/**
 * The judge's prompts (SCORER=judge, issue 25), in the published formats the verdict parsers read
 * (src/core/judge-verdicts.ts):
 *  - select: every candidate labelled in one prompt, the judge names the best, ending "The best response is
 *    Response X", after GenSelect (arXiv 2504.16891, the AIMO-2 winning solution; optillm's `genselect`) and
 *    Universal Self-Consistency (arXiv 2311.17311, "The most consistent response is Response X").
 *  - pair: MT-Bench's pairwise judge (arXiv 2306.05685): assistants A and B, a short explanation, then `[[A]]`,
 *    `[[B]]` or `[[C]]` for a tie; position bias is documented there, so every pair is judged in both orders.
 *  - rate: MT-Bench's single-answer grading: an explanation, then `Rating: [[5]]` on a 1–10 scale.
 * The wording is this project's; the structure and verdict formats are the papers'.
 */
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

export const JUDGE_MODES = ['select', 'tournament', 'rate'] as const;
export type JudgeMode = (typeof JUDGE_MODES)[number];

/** What the judge is told was cut from a long candidate. */
const CUT = (chars: number) => `\n[… ${chars} characters omitted …]\n`;

/**
 * A candidate cut to `budget` characters: its head and its tail (where the final answer is), the middle
 * replaced by a note saying how much is missing. Text within budget is returned as is.
 */
export function headAndTail(text: string, budget: number): string {
  if (text.length <= budget) return text;
  const tail = Math.floor(budget * 0.6);
  const head = budget - tail;
  return text.slice(0, head) + CUT(text.length - budget) + text.slice(text.length - tail);
}

const IMPARTIAL =
  'Judge impartially. The order in which responses appear and their length must not influence you; favour ' +
  'correctness first, then how well the response answers the question as asked.';

/** One prompt with every candidate (GenSelect / USC): the judge names the best by its number, 1-based. */
export function selectMessages(question: string, candidates: readonly string[]): ChatCompletionMessageParam[] {
  const listed = candidates.map((c, i) => `Response ${i + 1}:\n${c}`).join('\n\n');
  return [
    {
      role: 'system',
      content: `You compare candidate responses to a question and select the best one. ${IMPARTIAL}`,
    },
    {
      role: 'user',
      content:
        `I have generated the following ${candidates.length} responses to the question below.\n\n` +
        `Question:\n${question}\n\n${listed}\n\n` +
        `Evaluate these responses: check each one's reasoning and final answer, and where they disagree decide ` +
        `which is right; when several are right, prefer the one most consistent with the others. ` +
        `End your answer with exactly one line: "The best response is Response X", where X is a number from 1 to ${candidates.length}.`,
    },
  ];
}

/** MT-Bench's pairwise format: assistant A and assistant B, then `[[A]]`, `[[B]]` or `[[C]]`. */
export function pairMessages(question: string, a: string, b: string): ChatCompletionMessageParam[] {
  return [
    {
      role: 'system',
      content:
        'Please act as an impartial judge and evaluate the quality of the responses provided by two AI assistants ' +
        "to the user question displayed below. Choose the assistant that follows the user's instructions and answers " +
        'the question better, considering correctness, helpfulness, relevance, depth and level of detail. Begin with ' +
        `a short explanation comparing the two responses. ${IMPARTIAL} After your explanation, output your final ` +
        'verdict by strictly following this format: "[[A]]" if assistant A is better, "[[B]]" if assistant B is ' +
        'better, and "[[C]]" for a tie.',
    },
    {
      role: 'user',
      content:
        `[User Question]\n${question}\n\n` +
        `[The Start of Assistant A's Answer]\n${a}\n[The End of Assistant A's Answer]\n\n` +
        `[The Start of Assistant B's Answer]\n${b}\n[The End of Assistant B's Answer]`,
    },
  ];
}

/** MT-Bench's single-answer grading: a 1–10 rating as `[[rating]]`. */
export function rateMessages(question: string, answer: string): ChatCompletionMessageParam[] {
  return [
    { role: 'system', content: 'You are a helpful assistant.' },
    {
      role: 'user',
      content:
        '[Instruction]\nPlease act as an impartial judge and evaluate the quality of the response provided by an AI ' +
        'assistant to the user question displayed below. Consider correctness first, then helpfulness, relevance, ' +
        'depth and level of detail. Begin your evaluation with a short explanation. Be as objective as possible. ' +
        'After your explanation, you must rate the response on a scale of 1 to 10 by strictly following this ' +
        'format: "[[rating]]", for example: "Rating: [[5]]".\n\n' +
        `[Question]\n${question}\n\n[The Start of Assistant's Answer]\n${answer}\n[The End of Assistant's Answer]`,
    },
  ];
}
