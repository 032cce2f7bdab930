import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

/**
 * Qwen2.5-Math's `qwen25-math-cot` prompt: the instruction as the system turn, the bare problem as the user
 * turn. The problem alone in the user turn is also what the replay upstream keys on (the last user
 * message), so a recorded pool such as bon-pool-qwen25-math-cot answers these requests as recorded.
 */
export const COT_SYSTEM = 'Please reason step by step, and put your final answer within \\boxed{}.';

export function cotMessages(problem: string): ChatCompletionMessageParam[] {
  return [
    { role: 'system', content: COT_SYSTEM },
    { role: 'user', content: problem },
  ];
}
