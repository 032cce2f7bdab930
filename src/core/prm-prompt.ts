/**
 * The conversation a step-classifier PRM (Qwen2.5-Math-PRM-7B, ReasonFlux-PRM-7B) is trained on:
 * system prompt, the problem as the user turn, and the steps as the assistant turn, each step followed
 * by the step tag. Rendered with the Qwen2.5 chat template.
 *
 * It is returned in pieces rather than as one string because the tag must be inserted as a token id
 * (151651): the base Qwen2.5 tokenizer has no `<extra_0>` token and would split the string. Special
 * tokens split text in the reference tokenizer anyway, so encoding the pieces apart and joining the ids
 * gives exactly the reference ids.
 */
export const STEP_TAG = '<extra_0>';
export const STEP_TAG_ID = 151651;
export const DEFAULT_PRM_SYSTEM_PROMPT = 'Please reason step by step, and put your final answer within \\boxed{}.';

export interface PrmPromptPieces {
  /** Everything before the first step: system, user and the assistant header. */
  prefix: string;
  steps: readonly string[];
  /** What closes the assistant turn after the last tag. */
  suffix: string;
}

export function prmPromptPieces(problem: string, steps: readonly string[], systemPrompt: string | null = DEFAULT_PRM_SYSTEM_PROMPT): PrmPromptPieces {
  const system = systemPrompt === null ? '' : `<|im_start|>system\n${systemPrompt}<|im_end|>\n`;
  return { prefix: `${system}<|im_start|>user\n${problem}<|im_end|>\n<|im_start|>assistant\n`, steps, suffix: '<|im_end|>\n' };
}

/** The same conversation as one string with textual tags, for servers whose tokenizer knows `<extra_0>` (vLLM). */
export function renderPrmPrompt(pieces: PrmPromptPieces, tag = STEP_TAG): string {
  return pieces.prefix + pieces.steps.map((s) => s + tag).join('') + pieces.suffix;
}
