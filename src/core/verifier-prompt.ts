/**
 * The conversation a ThinkPRM verifier (launch/ThinkPRM-1.5B, -14B) was trained on, after
 * `format_verification_cot_for_thinkprm` in github.com/mukhal/ThinkPRM (utils/helper.py) and its Best-of-N
 * verifier (prm/thinkprm_api.py, `process_verifier=False`): one user turn holding the problem, the
 * solution's steps one a line *without* `Step i:` labels (labels and the `Step n+1:` stop belong to its
 * beam search, which bestofn does not run), and the critique instruction; the assistant turn is opened
 * with "Let's verify step by step:" and the model writes the verification from there. After the chain the
 * reference appends "\nIs the solution correct? " — trailing space included — and reads yes/no.
 *
 * The reference renders the chat template itself and appends the opener to the raw prompt. Over an
 * OpenAI-compatible API the same prompt comes from an assistant prefix continued by the server (vLLM's
 * `continue_final_message`), so the server's own chat template stays the source of truth for the tokens.
 */

/** Models were trained with this wording; changing it changes what the verifier does. */
export const VERIFIER_INSTRUCTION =
  'Review and critique each step in the proposed solution to determine whether each step is correct. If the solution is incomplete, only verify the provided steps.';

/**
 * The reference prompt ends with the R1-distill generation prompt (`<｜Assistant｜><think>\n`) followed by
 * "\nLet's verify step by step:". Continuing an assistant message does not add the generation prompt,
 * so the `<think>` it would have opened is part of the prefix.
 */
export const VERIFIER_ASSISTANT_PREFIX = "<think>\n\nLet's verify step by step:";

/** What the verifier writes after its chain; the reference stops generation on it and asks for Yes/No. */
export const DECISION_QUESTION = 'Is the solution correct?';

/** The reference's `predecision_string`, appended to the chain before the yes/no token is read. */
export const PREDECISION = '\nIs the solution correct? ';

/** Where a verification chain ends: the decision question, or the end of the thinking block. */
export const CHAIN_STOP = [DECISION_QUESTION, '</think>'];

/**
 * The solution as the reference's Best-of-N verifier reads it: each step with the solver's own `Step N:`
 * labels removed (`## Step` read as `Step`, as the reference does) and stripped, one a line.
 */
export function formatSolutionSteps(steps: readonly string[]): string {
  return steps
    .map((step) =>
      step
        .replaceAll('## Step', 'Step')
        .replace(/Step \d+:/g, '')
        .trim(),
    )
    .join('\n');
}

/** The user turn. Built by concatenation, not a template with placeholders, since problems contain braces. */
export function verifierUserPrompt(
  problem: string,
  steps: readonly string[],
  instruction = VERIFIER_INSTRUCTION,
): string {
  return (
    'You are given a math problem and a proposed step-by-step solution:\n\n' +
    `[Math Problem]\n\n${problem.trim()}\n\n` +
    `[Solution]\n\n${formatSolutionSteps(steps)}\n\n` +
    instruction
  );
}

/** The assistant text after which the yes/no token is read: the opener, the chain as generated, the question. */
export function decisionPrefix(chain: string): string {
  return `${VERIFIER_ASSISTANT_PREFIX}${chain}${PREDECISION}`;
}

/**
 * The chain as the verifier meant it: text before the decision question or `</think>`, for servers that
 * ignore `stop` or models that answer the question themselves.
 */
export function trimChain(text: string): string {
  let end = text.length;
  for (const stop of CHAIN_STOP) {
    const at = text.indexOf(stop);
    if (at !== -1 && at < end) end = at;
  }
  return text.slice(0, end);
}
